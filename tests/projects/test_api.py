"""The projects API: a city officer runs a project from lead to operating; the same refusals as
the pages; confidentiality on list, detail and export."""

import io

import pytest
from django.test import Client

from clusterhub.accounts.models import ApiToken
from clusterhub.projects.choices import Stage
from clusterhub.projects.models import Project

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_officer_runs_a_project_through_the_api(people, jilin, investor):
    api = client_for(people["changchun_officer"])
    response = post(
        api,
        "/api/projects",
        {
            "name": "API项目",
            "investor": investor.public_id,
            "origin_kind": "meeting",
            "planned_investment": "5亿元",
            "lead_on": "2024-01-02",
        },
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["city"] == "220100"
    assert response.json()["planned_investment"] == "500000000.00"
    url = f"/api/projects/{code}/move"
    assert post(api, url, {"stage": "negotiating"}).status_code == 200
    refused = post(api, url, {"stage": "signed", "on": "2024-02-01"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "contract_amount"
    ok = post(api, url, {"stage": "signed", "on": "2024-02-01", "contract_amount": "3000万元"})
    assert ok.json()["contract_amount"] == "30000000.00"
    post(
        api,
        url,
        {
            "stage": "started",
            "on": "2024-03-01",
            "landing_region": "220104",
            "site_address": "朝阳区",
        },
    )
    done = post(api, url, {"stage": "operating", "on": "2024-09-01"})
    assert done.status_code == 200 and done.json()["stage"] == "operating"
    assert [e["to_stage"] for e in done.json()["stage_events"]] == [
        "lead",
        "negotiating",
        "signed",
        "started",
        "operating",
    ]
    back = post(api, url, {"stage": "lead"})
    assert back.status_code == 422 and "cannot move" in back.json()["detail"][0]["msg"]
    assert (
        post(api, f"/api/projects/{code}/funds", {"amount": "-1", "on": "2024-05-01"}).status_code
        == 422
    )


def test_unknown_investor_gets_candidates(people, investor):
    api = client_for(people["changchun_officer"])
    response = post(api, "/api/projects", {"name": "x", "investor": "富奥"})
    assert response.status_code == 422
    assert investor.public_id in response.json()["detail"][0]["msg"]


def test_other_citys_project_is_403_and_confidential_is_404(people, make_project):
    open_one = make_project(city="siping", stage=Stage.NEGOTIATING, name="四平公开")
    secret = make_project(city="siping", confidentiality="confidential", name="四平保密")
    api = client_for(people["changchun_officer"])
    response = post(
        api,
        f"/api/projects/{open_one.code}/move",
        {"stage": "signed", "contract_amount": "1亿", "on": "2024-03-01"},
    )
    assert response.status_code == 403
    assert Project.objects.get(pk=open_one.pk).stage == Stage.NEGOTIATING
    assert api.get(f"/api/projects/{secret.code}").status_code == 404
    names = [p["name"] for p in api.get("/api/projects").json()["items"]]
    assert "四平公开" in names and "四平保密" not in names
    from openpyxl import load_workbook

    export = api.get("/api/projects/export.xlsx")
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.values for c in row]
    assert "四平公开" in cells and "四平保密" not in cells
    siping = client_for(people["siping_officer"])
    assert siping.get(f"/api/projects/{secret.code}").status_code == 200


def test_kpis_ranking_activity_and_targets(people, make_project):
    admin = client_for(people["province_admin"])
    response = admin.put(
        "/api/projects/targets",
        {"scope": "220100", "year": 2024, "metric": "contract_amount", "value": "10亿元"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "1000000000.00"
    officer = client_for(people["siping_officer"])
    refused = officer.put(
        "/api/projects/targets",
        {"scope": "220100", "year": 2024, "metric": "contract_amount", "value": 1},
        content_type="application/json",
    )
    assert refused.status_code == 403
    make_project(stage=Stage.SIGNED)
    data = admin.get("/api/projects/kpis", {"scope": "220100", "year": 2024}).json()
    amount = next(k for k in data["kpis"] if k["metric"] == "contract_amount")
    assert amount["actual"] == "100000000.00" and amount["progress"] == 0.1
    assert (
        admin.get("/api/projects/ranking", {"year": 2024}).json()["cities"][0]["city"] == "220100"
    )
    assert admin.get("/api/projects/activity", {"weeks": 2}).status_code == 200
    assert admin.get("/api/projects/kpis", {"scope": "nope"}).status_code == 404


@pytest.mark.parametrize(
    ("language", "required", "not_a_date"),
    [
        ("zh-hans", "这个字段是必填项。", "请按 YYYY-MM-DD 格式填写日期。"),
        ("en", "This field is required.", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_a_request_that_misses_the_schema_is_answered_in_the_callers_language(
    people, language, required, not_a_date
):
    _token, raw = ApiToken.issue(user=people["changchun_officer"], name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)
    response = post(api, "/api/projects", {"name": "缺投资方", "lead_on": "去年"})
    assert response.status_code == 422
    messages = {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}
    assert messages["investor"] == required
    assert messages["lead_on"] == not_a_date
    assert not Project.objects.filter(name="缺投资方").exists()
