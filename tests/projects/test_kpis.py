"""KPIs: progress against the target and the share of the year elapsed, the city ranking and the
weekly activity index."""

import datetime
from decimal import Decimal

import pytest

from clusterhub.projects.choices import ActivityKind, Metric, ScopeKind, Stage
from clusterhub.projects.kpis import (
    activity_index,
    city_ranking,
    elapsed_share,
    kpi_report,
    red_and_black_lists,
    resolve_scope,
)
from clusterhub.projects.models import OutputReport, Target
from clusterhub.projects.services import record_activity, record_funds

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2024, 7, 1)  # day 183 of 366


def test_elapsed_share():
    assert elapsed_share(2024, datetime.date(2024, 1, 1)) == pytest.approx(1 / 366)
    assert elapsed_share(2024, AS_OF) == pytest.approx(183 / 366)
    assert elapsed_share(2024, datetime.date(2023, 12, 31)) == 0
    assert elapsed_share(2024, datetime.date(2025, 3, 1)) == 1


def test_progress_against_target_and_year_elapsed(make_project, jilin):
    for i in range(3):
        make_project(
            stage=Stage.SIGNED, amount=Decimal("500000000"), on=datetime.date(2024, 3, i + 1)
        )
    # Signed the year before: not counted in 2024.
    make_project(
        stage=Stage.SIGNED, on=datetime.date(2023, 11, 1), lead_on=datetime.date(2023, 1, 1)
    )
    Target.objects.create(
        scope_kind=ScopeKind.CITY,
        region=jilin["changchun"],
        year=2024,
        metric=Metric.PROJECTS_SIGNED,
        value=10,
    )
    Target.objects.create(
        scope_kind=ScopeKind.CITY,
        region=jilin["changchun"],
        year=2024,
        metric=Metric.CONTRACT_AMOUNT,
        value=Decimal("2000000000"),
    )
    report = kpi_report(user=None, scope=resolve_scope("220100"), year=2024, as_of=AS_OF)
    lines = {line.metric: line for line in report.lines if not line.segment}
    signed = lines[Metric.PROJECTS_SIGNED]
    assert signed.actual == 3
    assert signed.progress == pytest.approx(0.3)
    # Half the year has gone: 3 of 10 is behind the 5 expected by now.
    assert signed.expected_by_now == Decimal("5.00")
    assert signed.pace == pytest.approx(0.3 / (183 / 366))
    assert signed.status == "late"
    amount = lines[Metric.CONTRACT_AMOUNT]
    assert amount.actual == Decimal("1500000000")
    assert amount.status == "ahead"  # 75% done with 50% of the year gone
    assert amount.gap == Decimal("500000000")
    data = report.as_dict()
    assert data["scope"]["code"] == "220100"
    assert data["kpis"][0]["metric"] == "projects_signed"


def test_cluster_counts_a_cross_city_project_once(make_project, jilin):
    project = make_project(stage=Stage.SIGNED, city="changchun", on=datetime.date(2024, 3, 1))
    project.landing_region = jilin["siping"]
    project.save()
    cluster = kpi_report(user=None, scope=resolve_scope("cluster"), year=2024, as_of=AS_OF)
    siping = kpi_report(user=None, scope=resolve_scope("220300"), year=2024, as_of=AS_OF)
    changchun = kpi_report(user=None, scope=resolve_scope("220100"), year=2024, as_of=AS_OF)

    def signed(report):
        return next(x.actual for x in report.lines if x.metric == Metric.PROJECTS_SIGNED)

    assert (signed(cluster), signed(siping), signed(changchun)) == (1, 1, 0)


def test_output_and_funds_metrics(make_project, jilin):
    project = make_project(stage=Stage.SIGNED, on=datetime.date(2024, 2, 1))
    record_funds(user=None, project=project, amount="3000万元", on=datetime.date(2024, 5, 1))
    for month in (1, 6, 9):
        OutputReport.objects.create(
            region=jilin["changchun"], segment="parts", year=2024, month=month, value=Decimal("10")
        )
    report = kpi_report(user=None, scope=resolve_scope("220100"), year=2024, as_of=AS_OF)
    lines = {line.metric: line for line in report.lines}
    assert lines[Metric.FUNDS_ARRIVED].actual == Decimal("30000000")
    assert lines[Metric.OUTPUT_PARTS].actual == Decimal("20")  # September not yet reported


def test_kpis_hide_confidential_projects_from_other_cities(make_project, people):
    make_project(stage=Stage.SIGNED, city="siping", confidentiality="confidential")
    cluster = resolve_scope("cluster")

    def signed(user):
        report = kpi_report(user=user, scope=cluster, year=2024, as_of=AS_OF)
        return next(x.actual for x in report.lines if x.metric == Metric.PROJECTS_SIGNED)

    assert signed(people["siping_officer"]) == 1
    assert signed(people["province_viewer"]) == 1
    assert signed(people["changchun_officer"]) == 0


def test_red_and_black_lists(make_project, jilin):
    from ..factories import RegionFactory

    baicheng = RegionFactory(
        code="220800", name="白城市", level="prefecture", parent=jilin["province"]
    )
    for city, region, done in (
        ("changchun", jilin["changchun"], 8),
        ("siping", jilin["siping"], 2),
    ):
        for i in range(done):
            make_project(stage=Stage.SIGNED, city=city, on=datetime.date(2024, 2, i + 1))
        Target.objects.create(
            scope_kind=ScopeKind.CITY,
            region=region,
            year=2024,
            metric=Metric.PROJECTS_SIGNED,
            value=10,
        )
    Target.objects.create(
        scope_kind=ScopeKind.CITY,
        region=baicheng,
        year=2024,
        metric=Metric.PROJECTS_SIGNED,
        value=10,
    )
    ranking = city_ranking(user=None, year=2024, as_of=AS_OF)
    assert [r.city.code for r in ranking] == ["220100", "220300", "220800"]
    assert ranking[0].score == pytest.approx(0.8 / (183 / 366))
    assert ranking[2].score == 0
    red, black = red_and_black_lists(ranking, size=2)
    assert [r.city.code for r in red] == ["220100"]
    assert [r.city.code for r in black] == ["220800", "220300"]


def test_activity_index(make_project, jilin):
    week = datetime.date(2024, 6, 24)  # a Monday
    make_project(stage=Stage.SIGNED, city="changchun", on=week)
    make_project(stage=Stage.SIGNED, city="changchun", on=week + datetime.timedelta(days=1))
    make_project(stage=Stage.SIGNED, city="siping", on=week)
    record_activity(kind=ActivityKind.VISIT, region=jilin["siping"], on=week, title="考察")
    record_activity(kind=ActivityKind.VISIT, region=jilin["chaoyang"], on=week, title="拜访")
    record_activity(kind=ActivityKind.VISIT, region=jilin["chaoyang"], on=week, title="拜访2")
    rows = activity_index(user=None, weeks=2, as_of=AS_OF)
    current = {r.city.code: r for r in rows if r.week == week}
    # Changchun: all the signings it could (2 = max) and 2 visits (the max, via its district).
    assert current["220100"].counts == {
        "signings": 2,
        "starts": 0,
        "visits": 2,
        "events": 0,
        "meetings": 0,
    }
    assert current["220100"].index == pytest.approx(45.0)  # 30 + 15
    assert current["220300"].index == pytest.approx(15.0 + 7.5)  # half of each
    previous = [r for r in rows if r.week != week]
    assert all(r.index == 0 for r in previous)
