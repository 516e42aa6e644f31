"""The cockpit and the weekly briefing: figures, drill-downs, confidentiality, query counts, PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from clusterhub.projects.choices import Metric, OriginKind, ScopeKind, Stage
from clusterhub.projects.models import Milestone, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(jilin, make_project):
    jilin["changchun"].longitude, jilin["changchun"].latitude = Decimal("125.32"), Decimal("43.82")
    jilin["changchun"].save()
    for i in range(3):
        make_project(
            stage=Stage.SIGNED,
            name=f"会议签约{i}",
            amount=Decimal("700000000"),
            on=datetime.date(2024, 3, 5),
            origin_kind=OriginKind.EVENT,
            origin_reference="2024-03-05 推介会",
        )
    make_project(stage=Stage.STALLED, name="停滞项目")
    make_project(
        city="siping", stage=Stage.NEGOTIATING, name="四平保密", confidentiality="confidential"
    )
    Target.objects.create(
        scope_kind=ScopeKind.CLUSTER,
        year=2024,
        metric=Metric.CONTRACT_AMOUNT,
        value=Decimal("4200000000"),
    )
    Target.objects.create(
        scope_kind=ScopeKind.CITY,
        region=jilin["changchun"],
        year=2024,
        metric=Metric.PROJECTS_SIGNED,
        value=6,
    )
    return jilin


def test_cockpit_shows_goals_funnel_events_and_drilldowns(client, people, story):
    client.force_login(people["province_viewer"])
    page = client.get(reverse("dashboards:cockpit"), {"year": 2024})
    assert page.status_code == 200
    cockpit = page.context["cockpit"]
    amount = next(g for g in cockpit.goals if g["line"].metric == Metric.CONTRACT_AMOUNT)
    assert amount["line"].actual == Decimal("2100000000")
    assert amount["line"].percent == 50
    assert amount["url"].endswith("?signed_year=2024")
    funnel = {f["stage"]: f["count"] for f in cockpit.funnel}
    assert funnel["signed"] == 3 and funnel["stalled"] == 1 and funnel["negotiating"] == 1
    [event] = cockpit.events
    assert event["count"] == 3 and event["amount"] == Decimal("2100000000")
    # The drill-down from the event lists exactly its projects.
    listing = client.get(event["url"]).content.decode()
    assert listing.count("会议签约") == 3 and "停滞项目" not in listing
    assert [c["name"] for c in cockpit.chart_data()["map"]] == ["Changchun"]
    assert cockpit.ranking[0]["code"] == "220100"
    body = page.content.decode()
    # English readers get billions of yuan, not 亿元.
    assert "chart-funnel" in body and "CNY 2.10 bn" in body and "21.00亿元" not in body
    assert 'var unitYi = "CNY 100 m"' in body  # the charts' amount axis in the page's language


def test_cockpit_hides_confidential_projects(client, people, story):
    client.force_login(people["changchun_officer"])
    cockpit = client.get(reverse("dashboards:cockpit"), {"year": 2024}).context["cockpit"]
    assert {f["stage"]: f["count"] for f in cockpit.funnel}["negotiating"] == 0
    client.force_login(people["siping_officer"])
    cockpit = client.get(reverse("dashboards:cockpit"), {"year": 2024}).context["cockpit"]
    assert {f["stage"]: f["count"] for f in cockpit.funnel}["negotiating"] == 1


def test_cockpit_query_count_does_not_grow(
    client, people, story, make_project, django_assert_max_num_queries
):
    client.force_login(people["province_viewer"])
    url = reverse("dashboards:cockpit")
    with django_assert_max_num_queries(60) as few:
        client.get(url, {"year": 2024})
    for i in range(25):
        project = make_project(stage=Stage.SIGNED, name=f"多{i}", on=datetime.date(2024, 4, 1))
        Milestone.objects.create(project=project, title="环评", due_on=datetime.date(2024, 5, 1))
    make_project(stage=Stage.STALLED, name="又停滞", city="siping")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"year": 2024})


def test_weekly_briefing_pdf(client, people, story):
    client.force_login(people["province_viewer"])
    response = client.get(
        reverse("dashboards:briefing_pdf"),
        {"scope": "220100", "week": "2024-03-08"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "长春市" in text
    assert "会议签约0" in text  # signed that week
    # 68 of 2024's 366 days have passed by 8 March: shown as a percent with one decimal.
    assert "18.6%" in text and "0.186" not in text


def test_english_briefing_names_cities_and_lists_in_english(client, people, story):
    client.force_login(people["province_viewer"])
    response = client.get(
        reverse("dashboards:briefing_pdf"), {"week": "2024-03-08"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Changchun" in text and "长春市" not in text  # cities and ranking labels in English
    assert "Share of the year elapsed: 18.6%. A project" in " ".join(text.split())
    assert "、" not in text  # lists joined the English way


def test_briefing_pdf_hides_confidential_projects(client, people, story):
    client.force_login(people["changchun_officer"])
    response = client.get(reverse("dashboards:briefing_pdf"), {"week": "2024-03-08"})
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "四平保密" not in text
    preview = client.get(reverse("dashboards:briefing"), {"week": "2024-03-08"})
    assert preview.status_code == 200
    assert client.get(reverse("dashboards:briefing_pdf"), {"scope": "nowhere"}).status_code == 404


def test_cockpit_cache_follows_the_data(client, people, story, make_project):
    client.force_login(people["province_viewer"])
    url = reverse("dashboards:cockpit")

    def signed_now():
        cockpit = client.get(url, {"year": 2024}).context["cockpit"]
        return {f["stage"]: f["count"] for f in cockpit.funnel}["signed"]

    assert signed_now() == 3
    assert signed_now() == 3  # from the cache
    make_project(stage=Stage.SIGNED, name="新签约", on=datetime.date(2024, 6, 1))
    assert signed_now() == 4


def test_cockpit_cache_follows_creates_updates_and_deletes(make_project, people):
    """The cockpit's cache key changes with every kind of write it reads, deletes included
    (the fingerprint reads no table in full: deletes show in the change log)."""
    from clusterhub.dashboards.services import cockpit_for, data_version

    viewer = people["province_viewer"]
    project = make_project(stage=Stage.SIGNED, name="缓存项目")
    seen = [data_version()]
    assert cockpit_for(user=viewer).totals["projects"] == 1
    milestone = Milestone.objects.create(
        project=project, title="拿地", due_on=datetime.date(2024, 5, 1)
    )
    seen.append(data_version())
    milestone.delete()
    seen.append(data_version())
    second = make_project(name="第二个")
    seen.append(data_version())
    assert cockpit_for(user=viewer).totals["projects"] == 2
    second.delete()
    seen.append(data_version())
    assert len(set(seen)) == len(seen)
    assert cockpit_for(user=viewer).totals["projects"] == 1
