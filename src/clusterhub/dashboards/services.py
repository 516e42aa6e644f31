"""The cockpit (驾驶舱): the cluster's goals and the gap to them, the funnel by stage, the map of
projects by city, the city ranking, the trend by month, stalled projects and overdue milestones,
signings by promotion event. Every figure carries the filter of the project list behind it, so a
click drills down to the projects.

Everything reads through `Project.objects.restrict(user, "view")` and runs a fixed number of
queries whatever the number of projects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from clusterhub.projects.choices import (
    PIPELINE,
    SIGNED_OR_LATER,
    Metric,
    OriginKind,
    ProblemStatus,
    Stage,
)
from clusterhub.projects.kpis import (
    COUNTING_RULE,
    ProjectSummary,
    activity_index,
    city_ranking,
    cluster_cities,
    kpi_report,
    monthly_trend,
    red_and_black_lists,
    resolve_scope,
    visible_children,
    visible_projects,
)
from clusterhub.projects.models import FundsArrival, Milestone, Problem

# The metric's drill-down: which project-list filter gives the projects behind the figure.
METRIC_FILTER = {
    Metric.PROJECTS_SIGNED: "signed_year",
    Metric.CONTRACT_AMOUNT: "signed_year",
    Metric.FUNDS_ARRIVED: "funds_year",
    Metric.PROJECTS_STARTED: "started_year",
    Metric.PROJECTS_OPERATING: "operating_year",
}


def projects_url(**params) -> str:
    """The project list filtered by `params` (None values left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    base = reverse("projects:list")
    return f"{base}?{query}" if query else base


def short_name(region) -> str:
    """延边朝鲜族自治州 -> 延边, "Yanbian Korean Autonomous Prefecture" -> "Yanbian"."""
    name = region.display_name
    if name == region.name:
        for suffix in ("朝鲜族自治州", "市"):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                return name.removesuffix(suffix)
        return name
    return name.split(" ")[0]


def yi(value) -> float:
    """Yuan as 亿元, for charts."""
    return round(float(Decimal(value or 0) / Decimal(100_000_000)), 2)


@dataclass
class Cockpit:
    year: int
    as_of: datetime.date
    scope_label: str
    goals: list
    funnel: list
    reached: list
    cities: list
    ranking: list
    red: list
    black: list
    trend: list
    stalled: list
    stalled_count: int
    overdue: list
    overdue_count: int
    stale_count: int
    events: list
    activity: list
    totals: dict
    counting_rule: str

    def chart_data(self) -> dict:
        """What the page's ECharts draw (JSON-ready)."""
        biggest = max((c["count"] for c in self.cities), default=0)
        return {
            "funnel": [
                {"name": f["label"], "value": f["count"], "url": f["url"]} for f in self.reached
            ],
            "map": [
                {
                    "name": c["short_name"],
                    "value": [c["lon"], c["lat"], c["count"]],
                    "amount": c["amount_yi"],
                    "url": c["url"],
                    # Labels of the easternmost cities and of the biggest circle go on the left.
                    "label": {
                        "position": "top"
                        if c["lon"] > 128
                        else ("left" if c["count"] == biggest else "right")
                    },
                }
                for c in self.cities
                if c["lon"] is not None
            ],
            "trend": {
                "months": [t["label"] for t in self.trend],
                "signed": [t["signed"] for t in self.trend],
                "amount": [t["amount_yi"] for t in self.trend],
                "started": [t["started"] for t in self.trend],
                "urls": [t["url"] for t in self.trend],
            },
            "ranking": {
                "cities": [r["name"] for r in self.ranking],
                "scores": [r["score_percent"] for r in self.ranking],
                "urls": [r["url"] for r in self.ranking],
            },
        }


def funnel(summary: ProjectSummary) -> list[dict]:
    """Projects by stage today, with their contracted amounts."""
    return [
        {
            "stage": stage,
            "label": str(Stage(stage).label),
            "count": int(summary.total("n", stage=stage)),
            "amount": summary.total("amount", stage=stage),
            "url": projects_url(stage=stage),
        }
        for stage in [*PIPELINE, Stage.STALLED, Stage.DROPPED]
    ]


def reached(summary: ProjectSummary) -> list[dict]:
    """The funnel: how many projects ever reached each stage, from the stage dates. A lead that
    was dropped still counts as a lead; a stalled one as far as it got."""
    counts = {
        Stage.LEAD: summary.total("n"),
        Stage.SIGNED: summary.total("reached_signed"),
        Stage.STARTED: summary.total("reached_started"),
        Stage.OPERATING: summary.total("reached_operating"),
    }
    return [
        {
            "stage": stage,
            "label": str(Stage(stage).label),
            "count": int(count),
            "url": projects_url(reached=stage) if stage != Stage.LEAD else projects_url(),
        }
        for stage, count in counts.items()
    ]


def cities(summary: ProjectSummary, year: int) -> list[dict]:
    """Per prefecture: projects counted there, active ones, signed this year and the amounts,
    with the city's centroid for the point map."""
    active = (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED)
    result = []
    for region in cluster_cities():
        pk = region.pk
        amount = summary.total(Metric.CONTRACT_AMOUNT, city_id=pk)
        result.append(
            {
                "code": region.code,
                "name": region.display_name,
                "short_name": short_name(region),
                "lon": float(region.longitude) if region.longitude is not None else None,
                "lat": float(region.latitude) if region.latitude is not None else None,
                "count": int(summary.total("n", city_id=pk)),
                "active": int(sum(summary.total("n", city_id=pk, stage=s) for s in active)),
                "signed": int(summary.total(Metric.PROJECTS_SIGNED, city_id=pk)),
                "amount": amount,
                "amount_yi": yi(amount),
                "total_amount": summary.total("amount", city_id=pk),
                "url": projects_url(region=region.code),
                "signed_url": projects_url(region=region.code, signed_year=year),
            }
        )
    return result


def promotion_events(projects, limit: int = 6) -> list[dict]:
    """Signings grouped by the promotion event they came from (one query)."""
    rows = (
        projects.filter(origin_kind=OriginKind.EVENT, signed_on__isnull=False)
        .exclude(origin_reference="")
        .values("origin_reference")
        .annotate(n=Count("pk"), amount=Sum("contract_amount"))
        .order_by("-amount")[:limit]
    )
    return [
        {
            "name": row["origin_reference"],
            "count": row["n"],
            "amount": row["amount"] or Decimal(0),
            "url": projects_url(origin_reference=row["origin_reference"]),
        }
        for row in rows
    ]


def build_cockpit(*, user, year: int | None = None, as_of: datetime.date | None = None):
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    if year < as_of.year:
        as_of = datetime.date(year, 12, 31)  # a past year is seen as it ended
    projects = visible_projects(user)
    scope = resolve_scope("cluster")
    summary = ProjectSummary(projects, year, as_of, funds=visible_children(FundsArrival, user))
    report = kpi_report(user=user, scope=scope, year=year, as_of=as_of, summary=summary)
    goals = []
    for line in report.lines:
        if line.segment:
            continue
        drill = METRIC_FILTER.get(line.metric)
        goals.append(
            {
                "line": line,
                "url": projects_url(**{drill: year}) if drill else "",
            }
        )
    ranking = city_ranking(user=user, year=year, as_of=as_of, summary=summary)
    red, black = red_and_black_lists(ranking)
    ranking_rows = [
        {
            "rank": r.rank,
            "code": r.city.code,
            "name": r.city.display_name,
            "score": r.score,
            "score_percent": round(r.score * 100) if r.score is not None else 0,
            "list": r.list_name,
            "lines": r.lines,
            "url": projects_url(region=r.city.code, signed_year=year),
        }
        for r in ranking
    ]
    trend = [
        {
            **row,
            "label": row["month"].strftime("%Y-%m"),
            "amount_yi": yi(row["amount"]),
            "url": projects_url(signed_month=row["month"].strftime("%Y-%m")),
        }
        for row in monthly_trend(projects=projects, months=24, as_of=as_of)
    ]
    today = timezone.localdate()
    stalled_qs = projects.filter(stage=Stage.STALLED)
    stalled = list(
        stalled_qs.select_related("city", "investor").order_by("stage_changed_at", "pk")[:8]
    )
    overdue_milestones = visible_children(Milestone, user).filter(
        done_on__isnull=True, due_on__lt=today
    )
    overdue = list(overdue_milestones.select_related("project__city").order_by("due_on", "pk")[:8])
    weeks = activity_index(user=user, weeks=8, as_of=as_of)
    latest = max((w.week for w in weeks), default=None)
    activity = []
    for row in weeks:
        if row.week == latest:
            history = [w.index for w in weeks if w.city.pk == row.city.pk]
            activity.append(
                {
                    "code": row.city.code,
                    "name": row.city.display_name,
                    "index": row.index,
                    "average": round(sum(history) / len(history), 1) if history else 0,
                    "counts": row.counts,
                    "url": projects_url(region=row.city.code),
                }
            )
    activity.sort(key=lambda a: -a["index"])
    return Cockpit(
        year=year,
        as_of=as_of,
        scope_label=scope.label,
        goals=goals,
        funnel=funnel(summary),
        reached=reached(summary),
        cities=cities(summary, year),
        ranking=ranking_rows,
        red=[r.city.display_name for r in red],
        black=[r.city.display_name for r in black],
        trend=trend,
        stalled=stalled,
        stalled_count=int(summary.total("n", stage=Stage.STALLED)),
        overdue=overdue,
        overdue_count=overdue_milestones.count(),
        stale_count=int(summary.total("stale")),
        events=promotion_events(projects),
        activity=activity,
        totals={
            "projects": int(summary.total("n")),
            "amount": sum(
                (summary.total("amount", stage=stage) for stage in SIGNED_OR_LATER), Decimal(0)
            ),
            "open_problems": visible_children(Problem, user)
            .filter(status=ProblemStatus.OPEN)
            .count(),
        },
        counting_rule=str(COUNTING_RULE),
    )


# ---------------------------------------------------------------------------------------------
# Cache: the cockpit is the same until the data behind it changes


def data_version() -> tuple:
    """A fingerprint of everything the cockpit reads, changing with any save, delete or bulk
    write of projects and their records (one query, on indexes: no table is counted).

    New and changed rows move their table's newest `updated` (bulk_create sets it too);
    append-only tables their newest id. A delete through the ORM (or log_bulk_delete) writes a
    change-log entry, so the change log's newest id catches deletes, and also any change of the
    regions, parks and users the cockpit names (at the price of rebuilding after unrelated
    changes too). Only the people named on projects (an m2m table, not logged) are counted."""
    from django.db import connection

    from clusterhub.core.models import ObjectChange
    from clusterhub.projects.models import (
        Activity,
        FundsArrival,
        OutputReport,
        Project,
        StageAlertRule,
        StageEvent,
        Target,
    )

    # Table names come from the models, never from input.
    parts = []
    for model in (Project, Milestone, Problem, FundsArrival, Target, OutputReport, StageAlertRule):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT MAX(updated) FROM {table})")  # noqa: S608
    for model in (StageEvent, Activity, ObjectChange, Project.named_people.through):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT MAX(id) FROM {table})")  # noqa: S608
    table = connection.ops.quote_name(Project.named_people.through._meta.db_table)
    parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(str(value) for value in cursor.fetchone())


def _access_key(user) -> str:
    from clusterhub.core.access import get_access

    access = get_access(user)
    return repr((access.user_id, access.is_superuser, access.is_government, access.scopes))


def cockpit_for(*, user, year: int | None = None) -> Cockpit:
    """The cockpit from the cache when nothing it reads has changed since it was built (and
    for at most CLUSTERHUB_COCKPIT_CACHE_SECONDS, default 300), else built afresh."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache
    from django.utils.translation import get_language

    today = timezone.localdate()
    raw = repr((_access_key(user), year, today, get_language(), data_version()))
    key = "cockpit:" + hashlib.sha256(raw.encode()).hexdigest()
    cockpit = cache.get(key)
    if cockpit is None:
        cockpit = build_cockpit(user=user, year=year)
        seconds = getattr(settings, "CLUSTERHUB_COCKPIT_CACHE_SECONDS", 300)
        cache.set(key, cockpit, seconds)
    return cockpit
