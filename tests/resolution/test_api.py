"""The resolution API (/api/resolution): officers in scope only, validated input, the queue with
accept, reject and bulk decisions, flagging, merges and their undo."""

import json

import pytest
from django.utils import translation

from clusterhub.enterprises.models import Enterprise
from clusterhub.resolution.choices import ReviewKind, ReviewStatus
from clusterhub.resolution.models import Merge, PairDecision, ReviewItem
from clusterhub.resolution.services import queue_review
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(fawer, faway, jilin):
    made = []
    for name, target in (("富奥汽车零部件有限公司", fawer), ("长春富维汽车零部件有限公司", faway)):
        duplicate = EnterpriseFactory(
            name=name, name_en="", short_name="", credit_code=None, home_region=jilin["changchun"]
        )
        made.append(
            queue_review(
                enterprise=duplicate,
                candidate=target,
                score=0.8,
                kind=ReviewKind.IMPORT,
                source="城市名单",
            )
        )
    return made


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_router_is_mounted_and_every_operation_needs_auth(client):
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/resolution/resolve",
        "/api/resolution/reviews",
        "/api/resolution/reviews/{item_id}",
        "/api/resolution/reviews/{item_id}/accept",
        "/api/resolution/reviews/{item_id}/reject",
        "/api/resolution/reviews/bulk",
        "/api/resolution/flag",
        "/api/resolution/merges",
        "/api/resolution/merges/{merge_id}/undo",
    ):
        assert path in schema["paths"], path
        for operation in schema["paths"][path].values():
            assert operation.get("security"), path
    assert client.get("/api/resolution/reviews").status_code == 401


def test_queue_for_officers_in_scope_only(client, people, items):
    client.force_login(people["changchun_officer"])
    body = client.get("/api/resolution/reviews").json()
    assert body["count"] == 2
    assert {i["candidate_name"] for i in body["items"]} == {
        "富奥汽车零部件股份有限公司",
        "长春富维集团汽车零部件股份有限公司",
    }
    assert client.get(f"/api/resolution/reviews/{items[0].pk}").status_code == 200
    assert client.get("/api/resolution/reviews?status=bogus").status_code == 422
    for who in ("siping_officer", "changchun_viewer", "supplier"):
        client.force_login(people[who])
        answer = client.get(f"/api/resolution/reviews/{items[0].pk}")
        assert answer.status_code == 404, who
        assert _post(client, f"/api/resolution/reviews/{items[0].pk}/accept", {}).status_code == 404
    client.force_login(people["siping_officer"])
    assert client.get("/api/resolution/reviews").json()["count"] == 0


def test_not_found_is_translated(client, people):
    client.force_login(people["changchun_officer"])
    with translation.override("zh-hans"):
        detail = client.get(
            "/api/resolution/reviews/999999", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).json()["detail"]
    assert detail  # a message, translated when the catalogue has it
    from clusterhub.resolution import api

    with translation.override("zh-hans"):
        assert str(api._not_found()) == translation.gettext("Not found.")


def test_accept_reject_and_undo(client, people, items, fawer):
    client.force_login(people["changchun_officer"])
    first, second = items
    answer = _post(client, f"/api/resolution/reviews/{first.pk}/accept", {})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == ReviewStatus.ACCEPTED
    assert not Enterprise.objects.filter(pk=first.enterprise_id).exists()
    # Deciding again is a conflict.
    assert _post(client, f"/api/resolution/reviews/{first.pk}/accept", {}).status_code == 409
    answer = _post(client, f"/api/resolution/reviews/{second.pk}/reject", {})
    assert answer.json()["status"] == ReviewStatus.REJECTED
    assert PairDecision.objects.filter(decision="reject").exists()

    merges = client.get("/api/resolution/merges").json()
    assert merges["count"] == 1
    merge_id = merges["items"][0]["id"]
    assert merges["items"][0]["survivor"] == fawer.public_id
    answer = _post(client, f"/api/resolution/merges/{merge_id}/undo", {})
    assert answer.status_code == 200
    assert Enterprise.objects.filter(public_id=answer.json()["restored"]).exists()
    assert _post(client, f"/api/resolution/merges/{merge_id}/undo", {}).status_code == 409
    client.force_login(people["siping_officer"])
    assert _post(client, f"/api/resolution/merges/{merge_id}/undo", {}).status_code == 404


def test_bulk_validated_and_applied(client, people, items):
    client.force_login(people["changchun_officer"])
    url = "/api/resolution/reviews/bulk"
    assert _post(client, url, {"ids": [i.pk for i in items], "action": "merge"}).status_code == 422
    assert _post(client, url, {"ids": [], "action": "reject"}).status_code == 422
    answer = _post(client, url, {"ids": [i.pk for i in items], "action": "reject"})
    assert answer.json() == {"done": 2, "problems": []}
    assert ReviewItem.objects.filter(status=ReviewStatus.REJECTED).count() == 2
    # Out of scope ids are silently not there.
    client.force_login(people["siping_officer"])
    answer = _post(client, url, {"ids": [i.pk for i in items], "action": "accept"})
    assert answer.json()["done"] == 0


def test_flag_two_records(client, people, fawer, jilin):
    other = EnterpriseFactory(name="富奥公司", credit_code=None, home_region=jilin["changchun"])
    client.force_login(people["changchun_viewer"])
    url = "/api/resolution/flag"
    answer = _post(client, url, {"first": fawer.public_id, "second": other.public_id})
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == ReviewKind.FLAG
    again = _post(client, url, {"first": other.public_id, "second": fawer.public_id})
    assert again.status_code == 409
    assert _post(client, url, {"first": fawer.public_id, "second": "E000000000"}).status_code == 404
    assert _post(client, url, {"first": fawer.public_id}).status_code == 422


def test_resolve_dry_run_writes_nothing_and_is_validated(client, people, fawer):
    client.force_login(people["changchun_officer"])
    before = (Enterprise.objects.count(), ReviewItem.objects.count(), Merge.objects.count())
    answer = _post(
        client,
        "/api/resolution/resolve",
        {
            "rows": [
                {"name": "吉林省富奥汽车零部件股份有限公司", "city": "长春"},
                {"name": "新公司"},
            ]
        },
    )
    assert answer.status_code == 200, answer.content
    rows = answer.json()["rows"]
    assert rows[0]["decision"] == "auto" and rows[0]["cluster"] == fawer.public_id
    assert rows[1]["decision"] == "new"
    assert before == (Enterprise.objects.count(), ReviewItem.objects.count(), Merge.objects.count())
    assert _post(client, "/api/resolution/resolve", {"rows": []}).status_code == 422
    assert (
        _post(client, "/api/resolution/resolve", {"rows": [{"name": {"x": 1}}]}).status_code == 422
    )
    client.force_login(people["supplier"])
    assert _post(client, "/api/resolution/resolve", {"rows": [{"name": "x"}]}).status_code == 404


def test_resolve_dry_run_does_not_name_records_the_caller_may_not_see(client, people, fawer):
    type(fawer).objects.filter(pk=fawer.pk).update(confidentiality="confidential")
    client.force_login(people["siping_officer"])
    rows = {"rows": [{"name": "吉林省富奥汽车零部件股份有限公司", "city": "长春"}]}
    row = _post(client, "/api/resolution/resolve", rows).json()["rows"][0]
    assert row["decision"] == "auto"
    assert row["cluster"] == "hidden" and row["enterprise"] is None
    client.force_login(people["changchun_officer"])
    row = _post(client, "/api/resolution/resolve", rows).json()["rows"][0]
    assert row["cluster"] == fawer.public_id
