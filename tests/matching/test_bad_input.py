"""The issue's "bad input" list, through the API and the command as a client meets it: queries with
nothing to look for, one character, a 10,000-character paste, traditional characters and
full-width Latin, a demand nobody can supply, and an invited-only demand nobody else may find."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from clusterhub.matching.choices import DemandVisibility
from clusterhub.matching.models import SourcingDemand

from .conftest import token_client


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "a"}, {"q": "。，！？——…"}])
def test_queries_with_nothing_to_look_for_answer_empty_over_the_api(world, people, params):
    response = token_client(people["changchun_viewer"]).get("/api/matching/search", params)
    assert response.status_code == 200
    answer = response.json()
    assert answer["state"] == "empty" and answer["hits"] == [] and answer["count"] == 0
    assert answer["notes"]


def test_one_chinese_character_is_searched_over_the_api(world, people):
    answer = token_client(people["changchun_viewer"]).get("/api/matching/search", {"q": "红"})
    assert answer.json()["state"] == "ok"
    assert world["hongqi"].public_id in [h["id"] for h in answer.json()["hits"]]


@pytest.mark.parametrize(
    "query",
    [
        "Changchun Caliper " * 560,  # 10,080 characters of Latin words (each a fuzzy term)
        ("长春卡钳 Changchun caliper，" * 500)[:10_000],  # mixed scripts and punctuation
        "!" * 5_000 + "长春卡钳" + "？" * 4_996,  # the name buried after the cut: nothing left
    ],
)
def test_a_ten_thousand_character_paste_is_cut_and_answered(world, people, query):
    assert len(query) >= 10_000
    response = token_client(people["changchun_viewer"]).get("/api/matching/search", {"q": query})
    assert response.status_code == 200
    answer = response.json()
    assert any("200" in note for note in answer["notes"])
    assert len(answer["query"]) <= 200
    if answer["state"] == "ok":
        assert answer["hits"][0]["id"] == world["best"].public_id
    else:
        assert answer["state"] == "empty" and answer["hits"] == []


@pytest.mark.parametrize(
    "query",
    [
        "長春卡鉗製造有限公司",  # the registered name in traditional characters
        "ＣＨＡＮＧＣＨＵＮ　ＣＡＬＩＰＥＲ",  # full-width Latin with an ideographic space
        "ｃｃｋｑ",  # full-width pinyin initials
        "９１２２０１０１ＭＡ００００００１Ｇ",  # full-width credit code
    ],
)
def test_traditional_and_full_width_queries_find_the_simplified_name(world, people, query):
    answer = token_client(people["changchun_viewer"]).get("/api/matching/search", {"q": query})
    assert answer.json()["hits"][0]["id"] == world["best"].public_id


def test_a_demand_nobody_can_supply_answers_empty_and_points_to_targets(world, make_demand, nodes):
    demand = make_demand(
        chain_node=nodes["tms"], title="电池液冷板", description="liquid cold plate"
    )
    body = token_client(world["buyer"]).get(f"/api/matching/demands/{demand.code}/ranking")
    assert body.status_code == 200
    ranking = body.json()
    assert ranking["state"] == "no_supplier" and ranking["candidates"] == []
    assert ranking["funnel"][0]["count"] == 0
    assert "/matching/targets/?node=PRT.NEV.TMS" in ranking["message"]
    out = StringIO()
    call_command("match", demand.code, "--json", stdout=out)
    assert json.loads(out.getvalue())["state"] == "no_supplier"


def test_an_invited_only_demand_is_found_by_nobody_else(world, people, make_demand):
    demand = make_demand(
        visibility=DemandVisibility.INVITED, title="定向卡钳询价", description="secret caliper rfq"
    )
    assert SourcingDemand.objects.filter(pk=demand.pk).exists()
    # The best fit's own account: its capability fits, but it is not invited (yet).
    outsider = token_client(world["best_user"])
    for q in ("定向卡钳询价", demand.code, "secret caliper rfq"):
        found = outsider.get("/api/matching/search", {"q": q, "type": "demand"}).json()
        assert (
            found["count"] == 0 and found["hits"] == [] and found["by_type"].get("demand", 0) == 0
        )
    fits = outsider.get("/api/matching/fits").json()["fits"]
    assert demand.code not in [f["demand"]["code"] for f in fits]
    assert outsider.get(f"/api/matching/demands/{demand.code}/candidates").status_code == 404
    government = token_client(people["province_admin"])
    assert government.get("/api/matching/search", {"q": demand.code}).json()["count"] == 0
    assert government.get(f"/api/matching/demands/{demand.code}/ranking").status_code == 404
    # Once invited, the supplier finds it and sees its own fit.
    from clusterhub.matching import services

    services.invite(user=world["buyer"], demand=demand, suppliers=[world["best"]])
    found = outsider.get("/api/matching/search", {"q": "定向卡钳询价"}).json()
    assert [h["id"] for h in found["hits"]] == [demand.code]
    fits = outsider.get("/api/matching/fits").json()["fits"]
    assert demand.code in [f["demand"]["code"] for f in fits]
