"""Project pages: a city officer runs a project through the UI; confidentiality on every page and
the export; query counts that do not grow with the rows."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterhub.projects.choices import Stage
from clusterhub.projects.models import Project

pytestmark = pytest.mark.django_db


def test_officer_runs_a_project_in_the_ui(client, people, jilin, investor):
    client.force_login(people["changchun_officer"])
    response = client.post(
        reverse("projects:create"),
        {
            "name": "一汽配套座椅项目",
            "investor_name": "富奥股份",
            "origin_kind": "visit",
            "confidentiality": "confidential",
            "signing_region": jilin["changchun"].pk,
            "planned_investment": "2.5亿元",
            "lead_on": "2024-01-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(name="一汽配套座椅项目")
    assert project.planned_investment == 250_000_000
    url = reverse("projects:move", args=[project.code])
    assert client.post(url, {"stage": "negotiating"}).status_code == 302
    # Signing without an amount is refused with the reason on the page.
    response = client.post(url, {"stage": "signed", "on": "2024-03-01"})
    assert response.status_code == 400
    assert "contract amount" in response.content.decode()
    response = client.post(
        url, {"stage": "signed", "on": "2024-03-01", "contract_amount": "30000"}
    )  # 30000 万元 by default
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.contract_amount == 300_000_000
    client.post(
        url,
        {
            "stage": "started",
            "on": "2024-05-01",
            "landing_region": jilin["chaoyang"].pk,
            "site_address": "朝阳区1号",
        },
    )
    client.post(url, {"stage": "operating", "on": "2024-10-01"})
    project.refresh_from_db()
    assert project.stage == Stage.OPERATING
    page = client.get(project.get_absolute_url()).content.decode()
    assert "3.00亿元" in page or "CNY 300.00 m" in page
    assert "changchun_officer" in page  # the stage history names who moved it
    # The creation's every-field entry is folded; a move's few changed fields stay open.
    history = client.get(project.get_absolute_url()).context["history"]
    folded = [c for c in history if len(c.rows) > 6]
    assert [c.action for c in folded] == ["create"]
    assert page.count('<details class="ch-diff-fold">') == 1


def test_unknown_investor_offers_matches(client, people, jilin, investor):
    client.force_login(people["changchun_officer"])
    response = client.post(
        reverse("projects:create"),
        {
            "name": "x",
            "investor_name": "富奥",
            "origin_kind": "visit",
            "confidentiality": "internal",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "not in the enterprise registry" in body
    assert investor.public_id in body


def test_officer_cannot_move_another_citys_project(client, people, make_project):
    project = make_project(city="siping", stage=Stage.NEGOTIATING)
    client.force_login(people["changchun_officer"])
    response = client.post(
        reverse("projects:move", args=[project.code]),
        {"stage": "signed", "contract_amount": "1亿元", "on": "2024-03-01"},
    )
    assert response.status_code == 403
    assert "You may not change this project" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING


def test_confidential_projects_hidden_on_list_detail_and_export(client, people, make_project):
    secret = make_project(city="siping", name="四平保密项目", confidentiality="confidential")
    open_one = make_project(city="siping", name="四平公开项目", confidentiality="internal")
    client.force_login(people["changchun_officer"])
    listing = client.get(reverse("projects:list")).content.decode()
    assert "四平公开项目" in listing and "四平保密项目" not in listing
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(open_one.get_absolute_url()).status_code == 200
    from openpyxl import load_workbook

    export = client.get(reverse("projects:export"))
    values = [c for row in load_workbook(io.BytesIO(export.content)).active.values for c in row]
    assert "四平公开项目" in values and "四平保密项目" not in values
    # The province and a person named on it see it.
    client.force_login(people["province_viewer"])
    assert client.get(secret.get_absolute_url()).status_code == 200
    secret.named_people.add(people["supplier"])
    client.force_login(people["supplier"])
    assert client.get(secret.get_absolute_url()).status_code == 200


def test_list_filters_by_drill_down(client, people, make_project):
    make_project(stage=Stage.SIGNED, name="三月签约", on=datetime.date(2024, 3, 5))
    make_project(stage=Stage.SIGNED, name="五月签约", on=datetime.date(2024, 5, 5))
    client.force_login(people["province_viewer"])
    body = client.get(reverse("projects:list"), {"signed_month": "2024-03"}).content.decode()
    assert "三月签约" in body and "五月签约" not in body


def test_list_query_count_does_not_grow(
    client, people, make_project, django_assert_max_num_queries
):
    client.force_login(people["province_viewer"])
    for i in range(3):
        make_project(name=f"项目{i}", stage=Stage.SIGNED)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("projects:list"))
    for i in range(30):
        make_project(name=f"更多{i}", stage=Stage.SIGNED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("projects:list"))


def test_alerts_and_targets_pages(client, people, make_project):
    officer = people["changchun_officer"]
    client.force_login(officer)
    stale = make_project(stage=Stage.NEGOTIATING, owner=officer, name="久未推进")
    Project.objects.filter(pk=stale.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=200)
    )
    late = make_project(stage=Stage.SIGNED, owner=officer, name="节点逾期")
    late.milestones.create(title="取得土地证", due_on=datetime.date(2024, 1, 1))
    page = client.get(reverse("projects:alerts"))
    tabs = {tab["kind"]: tab["count"] for tab in page.context["tabs"]}
    assert page.context["total"] == 2 and tabs == {"stale": 1, "milestone": 1, "problem": 0}
    only_late = client.get(reverse("projects:alerts"), {"kind": "milestone"}).context["alerts"]
    assert [alert.project.name for alert in only_late] == ["节点逾期"]
    assert len(client.get(reverse("projects:alerts"), {"kind": "bogus"}).context["alerts"]) == 2
    page = client.get(reverse("projects:targets"), {"scope": "220100", "year": 2024})
    assert page.status_code == 200
    assert "projects_signed" in page.content.decode()
    past_year = client.get(reverse("projects:targets"), {"scope": "220100", "year": 2020})
    assert "100.0%" in past_year.content.decode()  # a past year has fully elapsed


def test_admin_lists_projects(client, make_project):
    from ..factories import UserFactory

    make_project(name="后台项目")
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get("/admin/projects/project/")
    assert page.status_code == 200 and "后台项目" in page.content.decode()
