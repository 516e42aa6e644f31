"""Supplier ranking: hard filters, the order, and the reasons, factor by factor."""

import datetime

from django.urls import reverse

from clusterhub.core.choices import Datum
from clusterhub.enterprises.models import Capability
from clusterhub.geo.services import convert_coordinates, distance_km
from clusterhub.matching import services, text
from clusterhub.matching.choices import LocationPreference, NodeMatch

from .conftest import SOP


def ranked(world, demand, user=None):
    return services.rank_suppliers(user=user or world["buyer"], demand=demand)


def names(ranking):
    return [c.enterprise.name for c in ranking.candidates]


def factor(candidate, key):
    return next(f for f in candidate.factors if f.key == key)


def test_hard_filters_and_order(world, make_demand):
    ranking = ranked(world, make_demand())
    assert ranking.state == "ok"
    # Calipers near the plant first, the English-only caliper maker in Siping, then the disc
    # maker (a neighbouring part); the expired certificate and Shanghai (1,800 km) are out.
    assert names(ranking) == ["长春卡钳制造有限公司", "四平制动科技有限公司", "吉林制动盘有限公司"]
    assert [c.rank for c in ranking.candidates] == [1, 2, 3]
    assert [step["count"] for step in ranking.funnel] == [5, 4, 3]
    best, _english, discs = ranking.candidates
    assert best.node_match == NodeMatch.EXACT and discs.node_match == NodeMatch.SIBLING
    assert factor(best, "node").points == 30 and factor(discs, "node").points == 9


def test_every_factor_is_explained(world, make_demand):
    best = ranked(world, make_demand()).candidates[0]
    keys = [f.key for f in best.factors]
    assert keys == ["node", "certifications", "text", "distance", "capacity", "supply", "size"]
    assert abs(best.score - sum(f.points for f in best.factors if f.points is not None)) < 1e-9
    assert "IATF 16949 valid until 2030-01-01" in factor(best, "certifications").detail
    assert SOP.isoformat() in factor(best, "certifications").detail
    assert "卡钳" in factor(best, "text").detail
    assert "300,000" in factor(best, "capacity").detail and factor(best, "capacity").points == 5
    supply = factor(best, "supply")
    assert supply.points > 0 and "2023–2024" in supply.detail and "1 OEM" in supply.detail
    assert "1,200" in factor(best, "size").detail
    as_json = best.as_dict()
    assert as_json["enterprise"]["public_id"] == world["best"].public_id
    assert all(isinstance(f["detail"], str) for f in as_json["factors"])


def test_distance_is_measured_on_one_datum(world, make_demand):
    """The plant is recorded on GCJ-02 and the Siping site on WGS-84: both are converted to
    WGS-84 before the great-circle distance."""
    english = next(
        c for c in ranked(world, make_demand()).candidates if c.enterprise == world["english"]
    )
    plant = convert_coordinates(125.256135, 43.880975, source=Datum.GCJ02, target=Datum.WGS84)
    expected = distance_km(*plant, 124.35, 43.17)
    assert abs(english.distance_km - expected) < 0.01
    naive = distance_km(125.256135, 43.880975, 124.35, 43.17)
    assert abs(naive - expected) > 0.1  # mixing datums would be off by hundreds of metres
    assert "WGS-84" in factor(english, "distance").detail


def test_text_similarity_uses_word_and_character_grams(world, make_demand):
    assert text.similarity(text.terms_of("制动卡钳"), text.terms_of("卡钳")) > 0.4
    assert text.similarity(text.terms_of("brake caliper"), text.terms_of("brake calipers")) == 1
    assert text.similarity(text.terms_of("制动卡钳"), text.terms_of("座椅骨架")) == 0
    ranking = ranked(world, make_demand(title="制动卡钳", description="brake caliper"))
    by_name = {c.enterprise.name: c for c in ranking.candidates}
    assert factor(by_name["长春卡钳制造有限公司"], "text").points > 0  # products: 卡钳
    assert "caliper" in factor(by_name["四平制动科技有限公司"], "text").detail


def test_certificates_are_checked_on_the_start_of_production(world, make_demand):
    before_expiry = ranked(world, make_demand(sop=datetime.date(2026, 6, 1)))
    assert "长春旧证卡钳有限公司" in names(before_expiry)
    assert "长春旧证卡钳有限公司" not in names(ranked(world, make_demand()))
    no_certificates = ranked(world, make_demand(required_certifications=[]))
    assert "长春旧证卡钳有限公司" in names(no_certificates)
    assert ranked(world, make_demand(required_certifications=["VDA 6.3"])).state == "filtered_out"


def test_location_preferences(world, make_demand):
    anywhere = ranked(world, make_demand(location=LocationPreference.ANYWHERE))
    assert "上海卡钳有限公司" in names(anywhere)
    assert names(anywhere).index("上海卡钳有限公司") > names(anywhere).index("长春卡钳制造有限公司")
    province = ranked(world, make_demand(location=LocationPreference.PROVINCE))
    assert "上海卡钳有限公司" not in names(province) and "四平制动科技有限公司" in names(province)
    near = ranked(world, make_demand(max_distance_km=20))
    assert names(near) == ["长春卡钳制造有限公司", "吉林制动盘有限公司"]


def test_the_buyer_is_never_its_own_supplier(world, make_demand, nodes):
    Capability.objects.create(site=world["plant"], chain_node=nodes["cal"], products="卡钳")
    assert "一汽红旗" not in names(ranked(world, make_demand(required_certifications=[])))


def test_a_node_nobody_makes_gets_an_honest_answer_pointing_to_targets(world, make_demand, nodes):
    ranking = ranked(world, make_demand(chain_node=nodes["tms"], title="电池液冷板"))
    assert ranking.state == "no_supplier" and ranking.candidates == []
    assert ranking.funnel[0]["count"] == 0
    assert reverse("matching:targets") + "?node=PRT.NEV.TMS" in ranking.message


def test_suppliers_see_demands_that_fit_them_with_the_same_explanation(world, make_demand):
    demand = make_demand()
    buyer_view = next(c for c in ranked(world, demand).candidates if c.enterprise == world["best"])
    enterprise, fits = services.demands_fitting(user=world["best_user"])
    assert enterprise == world["best"]
    assert [d for d, _c in fits] == [demand]
    mine = fits[0][1]
    assert [f.as_dict() for f in mine.factors] == [f.as_dict() for f in buyer_view.factors]
    # The discs maker fits as a neighbour; the expired certificate does not fit at all.
    assert services.demands_fitting(user=world["discs_user"])[1][0][1].node_match == "sibling"
    assert services.demands_fitting(user=None, enterprise=world["expired"])[1] == []


def test_suppliers_do_not_see_their_rivals_ranking(world, make_demand, people):
    import pytest

    demand = make_demand()
    with pytest.raises(services.MatchingPermissionError):
        services.rank_suppliers(user=world["best_user"], demand=demand)
    assert services.rank_suppliers(user=people["changchun_viewer"], demand=demand).candidates


def test_a_confidential_company_is_not_named_through_a_visible_site(
    world, make_demand, people, nodes
):
    """Its site is in Changchun, where the officer's scope covers the site; the company is
    registered in Siping and confidential: only those who may view both see it ranked."""
    from clusterhub.core.choices import Confidentiality
    from clusterhub.enterprises.models import Enterprise

    from .conftest import _cert, _site

    hidden = Enterprise.objects.create(
        name="长春隐名卡钳有限公司",
        home_region=world["english"].home_region,
        confidentiality=Confidentiality.CONFIDENTIAL,
        size="large",
    )
    site = _site(hidden, world["best"].home_region, 125.29, 43.865, name="隐名卡钳工厂")
    Capability.objects.create(site=site, chain_node=nodes["cal"], products="卡钳")
    _cert(hidden)
    demand = make_demand()
    assert hidden.name not in names(ranked(world, demand, people["changchun_officer"]))
    assert hidden.name in names(ranked(world, demand, people["province_viewer"]))


def test_the_scorings_compiled_statements_see_todays_rows(world, make_demand, people):
    """The scoring's SQL is compiled once per access and reused; a company made confidential
    afterwards (a bulk update: no signal, the index still lists it) drops out of the next
    ranking of a user who may not see it, and stays in the one of a user who may."""
    from clusterhub.core.choices import Confidentiality
    from clusterhub.enterprises.models import Enterprise

    demand = make_demand()
    officer = people["changchun_officer"]
    assert "四平制动科技有限公司" in names(ranked(world, demand, officer))
    Enterprise.objects.filter(pk=world["english"].pk).update(
        confidentiality=Confidentiality.CONFIDENTIAL
    )
    assert "四平制动科技有限公司" not in names(ranked(world, demand, officer))
    assert "四平制动科技有限公司" in names(ranked(world, demand, people["province_viewer"]))


def test_more_candidates_than_slots_are_scored_in_batches(world, make_demand, monkeypatch):
    """The compiled statements take a fixed number of site ids; more candidates than that are
    scored batch by batch, with the same result."""
    from clusterhub.matching import compiled, ranking

    demand = make_demand(location=LocationPreference.ANYWHERE, required_certifications=[])
    whole = [c.as_dict() for c in ranked(world, demand).candidates]
    assert len(whole) >= 4
    compiled._compiled.clear()
    monkeypatch.setattr(ranking, "SITE_SLOTS", ranking.SITE_SLOTS[:2])
    try:
        assert [c.as_dict() for c in ranked(world, demand).candidates] == whole
    finally:
        compiled._compiled.clear()


def test_the_scorings_text_similarity_is_text_similarity(world, make_demand):
    """The scorer sums the demand's side once; the number is text.similarity's, with and
    without idf weights."""
    from clusterhub.matching import ranking

    demand = make_demand(title="前制动卡钳", description="铝合金前制动卡钳 aluminium brake caliper")
    hood = ranking.neighbourhood(demand.chain_node)
    suppliers = ["卡钳", "制动盘 brake discs", "座椅骨架", "brake calipers 卡钳总成", "", "前"]
    weights = {None: None, "idf": lambda term: 1.0 + len(term) % 3}
    for weight in weights.values():
        scorer = ranking.Scorer(demand, hood, user=None, weight=weight)
        for products in suppliers:
            terms = text.terms_of(products)
            expected = max(
                text.similarity(scorer.demand_terms, terms, weight),
                text.similarity(scorer.title_terms, terms, weight),
            )
            assert scorer._similarity(terms) == expected


def test_explanations_read_in_the_page_language_and_units_compare_across_languages(
    world, make_demand
):
    from django.utils import translation

    demand = make_demand(volume_unit="套")  # the plant's capacity is recorded in "sets"
    with translation.override("en"):
        best = ranked(world, demand).candidates[0]
        capacity = factor(best, "capacity")
        assert capacity.points == 5 and "300,000 sets against 100,000 sets" in capacity.detail
        supply = factor(best, "supply")
        assert "CNY" in supply.detail and "万元" not in supply.detail + supply.value
        assert "、" not in factor(best, "text").detail
    with translation.override("zh-hans"):
        best = ranked(world, demand).candidates[0]
        assert "300,000 套" in factor(best, "capacity").detail
        supply = factor(best, "supply")
        assert "1.60亿元" in supply.detail and supply.value == "8,000.00万元"  # 亿 from 1亿 up


def test_the_ranking_is_the_same_without_prepared_statements(world, make_demand, settings):
    demand = make_demand()
    prepared = [(c.enterprise.pk, round(c.score, 6)) for c in ranked(world, demand).candidates]
    settings.CLUSTERHUB_PREPARED_STATEMENTS = False  # behind a pooler that cannot keep them
    plain = [(c.enterprise.pk, round(c.score, 6)) for c in ranked(world, demand).candidates]
    assert plain == prepared and len(plain) == 3
