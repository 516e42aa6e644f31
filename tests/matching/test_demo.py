"""On the demo: FAW purchasing finds sensible local suppliers with explanations, the investment
bureau gets target lists for the gaps and turns one into a project lead, and search finds any
enterprise by any of its names.

The base demo and the matching demo are loaded once for the module inside a transaction rolled
back at the end; the search index and the analytics snapshot live in one folder for the module.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from clusterhub.core.changelog import change_context
from clusterhub.enterprises.models import Enterprise
from clusterhub.matching import services
from clusterhub.matching.demo import DEMANDS, load_matching_demo
from clusterhub.matching.models import SourcingDemand
from clusterhub.matching.searching import search
from clusterhub.projects.choices import OriginKind

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("matching-demo")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_dir):
    from clusterhub.demo.loader import load_demo

    settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DATA_DIR=demo_dir,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    with django_db_blocker.unblock(), settings:
        with transaction.atomic():
            with change_context(source="command"):
                load_demo()
                summary = load_matching_demo()
            yield summary
            transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db, settings, demo_dir):
    settings.DATA_DIR = demo_dir
    return demo


def user(name):
    return get_user_model().objects.get(username=name)


def test_the_demo_posts_its_demands_once(loaded):
    assert loaded["demands_created"] == [d.code for d in DEMANDS]
    assert loaded["index_documents"] > 3000
    assert load_matching_demo(rebuild_index=False)["demands_created"] == []


def test_faw_purchasing_finds_sensible_local_suppliers(loaded):
    demand = SourcingDemand.objects.get(code="DFAW0003")  # Jiefang heavy-truck brake calipers
    ranking = services.rank_suppliers(user=user("faw"), demand=demand, limit=10)
    assert ranking.state == "ok" and len(ranking.candidates) >= 5
    top = ranking.candidates[:5]
    assert top[0].node_match == "exact"
    ranks = {"exact": [], "sibling": [], "parent": []}
    for c in ranking.candidates:
        ranks[c.node_match].append(c.rank)
    if ranks["sibling"]:  # caliper makers come before the makers of neighbouring parts
        assert sum(ranks["exact"]) / len(ranks["exact"]) < sum(ranks["sibling"]) / len(
            ranks["sibling"]
        )
    assert all(c.distance_km is not None and c.distance_km <= 500 for c in ranking.candidates)
    assert all(len(c.factors) == 7 for c in top)
    scores = [c.score for c in ranking.candidates]
    assert scores == sorted(scores, reverse=True)
    assert top[0].site.capabilities.filter(chain_node__code="PRT.CHS.BRK.CAL").exists()


def test_every_open_demand_has_an_answer(loaded):
    for demand in SourcingDemand.objects.all():
        ranking = services.rank_suppliers(user=user("faw"), demand=demand, limit=5)
        assert ranking.state in ("ok", "no_supplier", "filtered_out")
        if ranking.state == "ok":
            assert ranking.candidates[0].score > 40


def test_the_invited_only_demand_is_seen_by_its_invitees_only(loaded):
    demand = SourcingDemand.objects.get(code="DFAW0005")
    invited = set(demand.candidates.values_list("supplier_id", flat=True))
    assert len(invited) == 2
    for name in ("changchun", "province", "supplier", "organiser"):
        assert search(user=user(name), query=demand.title).count == 0
        assert not services.demands_visible_to(user(name)).filter(pk=demand.pk).exists()
    assert search(user=user("faw"), query=demand.title).hits[0].obj == demand


def test_the_supplier_login_sees_the_demand_that_fits_fawer(loaded):
    enterprise, fits = services.demands_fitting(user=user("supplier"))
    assert enterprise.short_name == "富奥股份"
    assert [d.code for d, _c in fits] == ["DFAW0007"]
    assert fits[0][1].node_match == "parent"


def test_the_investment_bureau_turns_a_target_into_a_project_lead(loaded):
    officer = user("changchun")
    answer = services.recommend_targets(user=officer, region_code="220100")
    if answer.state == "not_ready":
        from clusterhub.matching.targets import recommend

        answer = recommend(user=officer, region_code="220100", compute_if_missing=True)
    assert answer.state == "ok" and len(answer.gaps) >= 5
    gaps_with_targets = [g for g in answer.gaps if g.targets]
    assert len(gaps_with_targets) >= 5
    gap = gaps_with_targets[0]
    target = gap.targets[0]
    assert target.reasons and target.score > 0
    assert not target.enterprise.sites.filter(
        region__path__startswith=answer.region.path, capabilities__chain_node=gap.node
    ).exists()
    project, created = services.create_target_lead(
        user=officer, region_code="220100", node_code=gap.node.code, enterprise=target.enterprise
    )
    assert created and project.origin_kind == OriginKind.GAP
    assert project.origin_chain_node == gap.node and project.city.code == "220100"


def test_search_finds_every_real_company_by_any_of_its_names(loaded):
    province = user("province")
    misses = []
    for company in Enterprise.objects.filter(is_synthetic=False).prefetch_related("aliases"):
        names = [company.name, company.short_name, company.name_en, company.pinyin_initials]
        names += [a.name for a in company.aliases.all()]
        for name in filter(None, names):
            hits = [h.obj for h in search(user=province, query=name).hits[:3]]
            if company not in hits:
                misses.append((company.name, name))
    assert misses == []


def test_the_target_list_page_folds_each_gap_after_its_three_best(loaded):
    from django.test import Client

    from clusterhub.matching.targets import recommend

    officer = user("changchun")
    answer = recommend(user=officer, region_code="220100", compute_if_missing=True)
    long_gaps = [g for g in answer.gaps if len(g.targets) > 3]
    assert long_gaps
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(officer)
    html = client.get("/matching/targets/?region=220100").content.decode()
    assert html.count('<tbody class="collapse"') == len(long_gaps)
    # Every target is still on the page (folded, not dropped), each with its lead button.
    for gap in answer.gaps:
        for target in gap.targets:
            assert target.enterprise.get_absolute_url() in html
    assert "亿元" in html and "万元" not in html.split("区域外采购额", 1)[1][:80]
