"""Demands: who may post them, who sees them (an invited-only demand is seen by nobody else,
through pages, search or the API), shortlist, invitations, answers and the result."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from clusterhub.core.models import ObjectChange
from clusterhub.matching import services
from clusterhub.matching.choices import CandidateStatus, DemandStatus, DemandVisibility
from clusterhub.matching.models import DemandCandidate, SourcingDemand
from clusterhub.matching.searching import search

from .conftest import token_client


def test_only_the_buyers_purchasing_staff_may_post(world, people, nodes, make_demand):
    demand = make_demand()
    assert demand.created_by == world["buyer"] and demand.annual_value == 50_000_000
    assert ObjectChange.objects.filter(object_id=str(demand.pk), action="create").exists()
    for who in (people["changchun_officer"], world["best_user"]):
        with pytest.raises(services.MatchingPermissionError):
            services.save_demand(
                user=who, buyer=world["hongqi"], chain_node=nodes["cal"], title="卡钳"
            )


def test_a_demand_is_checked_before_it_is_saved(world, make_demand):
    with pytest.raises(ValidationError) as error:
        make_demand(
            title=" ",
            max_distance_km=None,
            buyer_site=world["english"].sites.first(),
            required_certifications=["ISO 99999"],
            annual_value="很多",
        )
    # The amount is read first; fix it and every other problem is reported at once.
    assert "annual_value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_demand(
            title=" ",
            max_distance_km=None,
            buyer_site=world["english"].sites.first(),
            required_certifications=["ISO 99999"],
        )
    assert set(error.value.message_dict) >= {
        "title",
        "max_distance_km",
        "buyer_site",
        "required_certifications",
    }
    assert not SourcingDemand.objects.exists()


def test_invited_only_demands_are_invisible_to_everyone_else(world, people, make_demand):
    demand = make_demand(visibility=DemandVisibility.INVITED, title="定向卡钳询价")
    outsiders = [
        people["province_admin"],  # government staff, even a data steward
        people["changchun_officer"],
        people["supplier"],
        world["best_user"],  # not invited (yet)
    ]
    for user in outsiders:
        assert not services.demands_visible_to(user).filter(pk=demand.pk).exists()
        assert search(user=user, query="定向卡钳询价").count == 0
        assert search(user=user, query=demand.code).count == 0
        client = Client()
        client.force_login(user)
        assert client.get(demand.get_absolute_url()).status_code == 404
        api = token_client(user)
        assert api.get(f"/api/matching/demands/{demand.code}").status_code == 404
        assert api.get(f"/api/matching/demands/{demand.code}/ranking").status_code == 404
        listed = api.get("/api/matching/demands").json()["items"]
        assert demand.code not in [d["code"] for d in listed]
    # The buyer sees it, and so does a supplier once invited (but not its rivals).
    assert search(user=world["buyer"], query="定向卡钳询价").hits[0].obj == demand
    services.invite(user=world["buyer"], demand=demand, suppliers=[world["best"]])
    assert search(user=world["best_user"], query="定向卡钳询价").hits[0].obj == demand
    assert (
        token_client(world["best_user"]).get(f"/api/matching/demands/{demand.code}").status_code
        == 200
    )
    assert search(user=world["discs_user"], query="定向卡钳询价").count == 0
    assert search(user=people["province_admin"], query="定向卡钳询价").count == 0


def test_shortlist_invite_answer_and_result(world, make_demand):
    buyer = world["buyer"]
    demand = make_demand()
    candidate = services.shortlist(user=buyer, demand=demand, supplier=world["best"], note="近")
    assert candidate.status == CandidateStatus.SHORTLISTED
    assert candidate.score is not None and candidate.explanation["factors"][0]["key"] == "node"
    assert candidate.site.enterprise == world["best"]
    # The supplier does not see a shortlist it is not invited to.
    assert not DemandCandidate.objects.restrict(world["best_user"], "view").exists()
    with pytest.raises(services.MatchingPermissionError):
        services.respond(user=world["best_user"], demand=demand, interested=True)

    services.invite(user=buyer, demand=demand, suppliers=[world["best"], world["discs"]])
    rows = DemandCandidate.objects.restrict(world["best_user"], "view")
    assert [c.supplier for c in rows] == [world["best"]]  # its own row, not its rival's
    answer = services.respond(user=world["best_user"], demand=demand, interested=True, note="报价")
    assert answer.status == CandidateStatus.INTERESTED and answer.response_note == "报价"
    services.respond(user=world["discs_user"], demand=demand, interested=False)

    with pytest.raises(services.MatchingPermissionError):
        services.record_result(user=world["best_user"], demand=demand, outcome="awarded")
    with pytest.raises(ValidationError):
        services.record_result(user=buyer, demand=demand, outcome="awarded")
    services.record_result(user=buyer, demand=demand, outcome="awarded", awarded_to=world["best"])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.AWARDED and demand.awarded_to == world["best"]
    statuses = dict(demand.candidates.values_list("supplier__name", "status"))
    assert statuses == {"长春卡钳制造有限公司": "awarded", "吉林制动盘有限公司": "not_selected"}
    with pytest.raises(ValidationError):
        services.save_demand(user=buyer, demand=demand, title="改")
    assert ObjectChange.objects.filter(
        content_type__model="demandcandidate", action="update"
    ).exists()


def test_a_draft_is_only_for_the_buyer_until_opened(world, people, make_demand):
    demand = make_demand(status=DemandStatus.DRAFT, title="草稿卡钳")
    assert search(user=people["changchun_officer"], query="草稿卡钳").count == 0
    assert search(user=world["buyer"], query="草稿卡钳").count == 1
    services.save_demand(user=world["buyer"], demand=demand, status=DemandStatus.OPEN)
    assert search(user=people["changchun_officer"], query="草稿卡钳").hits[0].obj == demand
