"""Targets and KPIs: progress against the target and against the share of the year elapsed, the
city ranking (红黑榜, red and black lists), and the weekly activity index per city.

Counting rules (shown on the cockpit): a project counts for the city it lands in (the signing
city until it has a landing area); cluster totals count each project once, so a project signed in
Changchun and built in Siping is one project in the cluster and one in Siping. A project counts as
signed / started / operating in the year of its signing / start / operation date, whatever its
stage today. Funds count in the year they arrived. Output values come from the cities' monthly
output reports.

Every figure reads through `Project.objects.restrict(user, "view")`: a viewer's totals never
include a confidential project they may not see. `user=None` is the system (all projects).
Each function runs a fixed number of queries whatever the number of projects.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.units import format_money

from .choices import MONEY_METRICS, OUTPUT_METRICS, ActivityKind, Metric, ScopeKind
from .models import Activity, FundsArrival, OutputReport, Project, Target, city_code_of

COUNTING_RULE = gettext_lazy(
    "A project counts for the city where it lands (the signing city until it has a landing "
    "area); cluster totals count each project once. Signed, started and operating count in the "
    "year of that date; funds in the year they arrived."
)
PROJECT_METRICS = [
    Metric.PROJECTS_SIGNED,
    Metric.CONTRACT_AMOUNT,
    Metric.FUNDS_ARRIVED,
    Metric.PROJECTS_STARTED,
    Metric.PROJECTS_OPERATING,
]
# Metrics the city ranking scores (the output values are statistics, not promotion work).
RANKED_METRICS = [
    Metric.PROJECTS_SIGNED,
    Metric.CONTRACT_AMOUNT,
    Metric.FUNDS_ARRIVED,
    Metric.PROJECTS_STARTED,
]
# The weekly activity index (Chongqing style): each component scores the city's count against
# the busiest city of the week, weighted, on a 0-100 scale.
ACTIVITY_WEIGHTS = {
    "signings": Decimal("0.30"),
    "starts": Decimal("0.25"),
    "visits": Decimal("0.15"),
    "events": Decimal("0.15"),
    "meetings": Decimal("0.15"),
}


def cluster_cities() -> QuerySet:
    """The prefectures of the cluster's province (settings.CLUSTERHUB_CLUSTER_REGION, default
    Jilin 220000); regions elsewhere (suppliers' home cities) are not ranked."""
    from django.conf import settings

    from clusterhub.geo.models import Region

    code = getattr(settings, "CLUSTERHUB_CLUSTER_REGION", "220000")
    return Region.objects.filter(level="prefecture", parent__code=code).order_by("code")


def visible_projects(user) -> QuerySet:
    if user is None:
        return Project.objects.all()
    return Project.objects.restrict(user, "view")


def visible_children(model, user, scope: Scope | None = None) -> QuerySet:
    """Records hanging on projects (funds, milestones, problems) of the projects `user` may see,
    in `scope`. Read through the child's own restrict(), a join on the project, rather than
    `project__in=<visible projects>`, which makes the database list every visible project."""
    queryset = model.objects.all() if user is None else model.objects.restrict(user, "view")
    if scope is not None and scope.kind == ScopeKind.PARK:
        queryset = queryset.filter(project__landing_park=scope.park)
    elif scope is not None and scope.kind == ScopeKind.CITY:
        queryset = queryset.filter(project__region_path__startswith=scope.region.path)
    return queryset


def elapsed_share(year: int, as_of: datetime.date) -> float:
    """The share of `year` elapsed on `as_of` (counting that day): 0 before, 1 after."""
    start = datetime.date(year, 1, 1)
    days = 366 if calendar.isleap(year) else 365
    if as_of < start:
        return 0.0
    if as_of.year > year:
        return 1.0
    return ((as_of - start).days + 1) / days


def _period(year: int, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)


# ---------------------------------------------------------------------------------------------
# Scopes


@dataclass(frozen=True)
class Scope:
    kind: str  # ScopeKind
    code: str  # "cluster", a region code or a park code
    label: str
    region: object | None = None
    park: object | None = None

    def projects(self, queryset: QuerySet) -> QuerySet:
        if self.kind == ScopeKind.PARK:
            return queryset.filter(landing_park=self.park)
        if self.kind == ScopeKind.CITY:
            return queryset.filter(region_path__startswith=self.region.path)
        return queryset

    def outputs(self) -> QuerySet:
        if self.kind == ScopeKind.PARK:
            return OutputReport.objects.none()  # output statistics are reported per city
        if self.kind == ScopeKind.CITY:
            return OutputReport.objects.filter(region_path__startswith=self.region.path)
        return OutputReport.objects.all()

    def targets(self) -> QuerySet:
        if self.kind == ScopeKind.PARK:
            return Target.objects.filter(scope_kind=ScopeKind.PARK, park=self.park)
        if self.kind == ScopeKind.CITY:
            return Target.objects.filter(scope_kind=ScopeKind.CITY, region=self.region)
        return Target.objects.filter(scope_kind=ScopeKind.CLUSTER)


class UnknownScope(ValueError):
    pass


def resolve_scope(code: str | None) -> Scope:
    """ "cluster" (or empty, or the province code) is the cluster; a region code a city; else a park
    code. Raises UnknownScope with a reason."""
    from clusterhub.geo.models import Park, Region

    code = (code or "").strip()
    if code.lower() in ("", "cluster", "province", "all"):
        from django.conf import settings

        province = Region.objects.filter(
            code=getattr(settings, "CLUSTERHUB_CLUSTER_REGION", "220000")
        ).first()
        label = province.display_name if province else str(_("Cluster"))
        return Scope(ScopeKind.CLUSTER, "cluster", label, region=province)
    region = Region.objects.filter(code=code).first()
    if region is not None:
        if region.parent_id is None:
            return Scope(ScopeKind.CLUSTER, "cluster", region.display_name, region=region)
        return Scope(ScopeKind.CITY, region.code, region.display_name, region=region)
    park = Park.objects.filter(code=code).select_related("region").first()
    if park is not None:
        return Scope(ScopeKind.PARK, park.code, park.display_name, park=park, region=park.region)
    raise UnknownScope(
        _("unknown scope “%(code)s”: give cluster, a region code or a park code") % {"code": code}
    )


# ---------------------------------------------------------------------------------------------
# Actual values


def _project_aggregates(year: int, as_of: datetime.date) -> dict:
    start, end = _period(year, as_of)
    signed = Q(signed_on__gte=start, signed_on__lte=end)
    return {
        Metric.PROJECTS_SIGNED: Count("pk", filter=signed),
        Metric.CONTRACT_AMOUNT: Sum("contract_amount", filter=signed),
        Metric.PROJECTS_STARTED: Count("pk", filter=Q(started_on__gte=start, started_on__lte=end)),
        Metric.PROJECTS_OPERATING: Count(
            "pk", filter=Q(operating_on__gte=start, operating_on__lte=end)
        ),
    }


class ProjectSummary:
    """One pass over the projects a user may see, grouped by city, stage and segment, with every
    count and sum the KPIs, the ranking and the cockpit add up; and one pass over the year's
    funds by city and segment. Two queries, whatever the number of projects."""

    def __init__(
        self,
        projects: QuerySet,
        year: int,
        as_of: datetime.date,
        *,
        funds: QuerySet | None = None,
    ):
        """`funds`: the FundsArrival rows of the same projects (see visible_children); by
        default those of `projects`."""
        from .filters import stale_condition

        self.year, self.as_of = year, as_of
        self._groups: dict[tuple, dict] = {}
        start, end = _period(year, as_of)
        self.rows = list(
            projects.values("city_id", "stage", "segment").annotate(
                n=Count("pk"),
                amount=Sum("contract_amount"),
                reached_signed=Count("pk", filter=Q(signed_on__isnull=False)),
                reached_started=Count("pk", filter=Q(started_on__isnull=False)),
                reached_operating=Count("pk", filter=Q(operating_on__isnull=False)),
                stale=Count("pk", filter=stale_condition()),
                **_project_aggregates(year, as_of),
            )
        )
        if funds is None:
            funds = FundsArrival.objects.filter(project__in=projects.values("pk"))
        self.funds = list(
            funds.filter(on__gte=start, on__lte=end)
            .values(city_id=F("project__city_id"), segment=F("project__segment"))
            .annotate(total=Sum("amount"))
        )

    def total(self, key: str, **match) -> Decimal:
        """The sum of `key` over the groups matching `match` (city_id=, stage=, segment=)."""
        names = tuple(sorted(match))
        groups = self._groups.get(names)
        if groups is None:
            # The rows grouped once by each combination of keys asked for, not scanned per call.
            groups = defaultdict(list)
            for row in self.rows:
                groups[tuple(row[k] for k in names)].append(row)
            self._groups[names] = groups
        rows = groups.get(tuple(match[k] for k in names), ())
        return sum((Decimal(row[key] or 0) for row in rows), Decimal(0))

    def actual(self, *, segment: str = "", **match) -> dict[str, Decimal]:
        if segment:
            match["segment"] = segment
        values = {metric: self.total(metric, **match) for metric in _PROJECT_AGGREGATE_KEYS}
        values[Metric.FUNDS_ARRIVED] = sum(
            (
                Decimal(row["total"] or 0)
                for row in self.funds
                if all(row[k] == v for k, v in match.items() if k in ("city_id", "segment"))
            ),
            Decimal(0),
        )
        return values


_PROJECT_AGGREGATE_KEYS = [
    Metric.PROJECTS_SIGNED,
    Metric.CONTRACT_AMOUNT,
    Metric.PROJECTS_STARTED,
    Metric.PROJECTS_OPERATING,
]


def _summary_match(scope: Scope) -> dict | None:
    """How a scope reads from a ProjectSummary, or None when it cannot (parks, districts)."""
    if scope.kind == ScopeKind.CLUSTER:
        return {}
    if scope.kind == ScopeKind.CITY and scope.region is not None:
        if scope.region.level == "prefecture":
            return {"city_id": scope.region.pk}
    return None


def _output_values(scope: Scope, year: int, as_of: datetime.date) -> dict[str, Decimal]:
    start, end = _period(year, as_of)
    if start > end:
        return {metric: Decimal(0) for metric in OUTPUT_METRICS}
    outputs = (
        scope.outputs()
        .filter(year=year, month__lte=end.month if end.year == year else 12)
        .values("segment")
        .annotate(total=Sum("value"))
    )
    by_segment = {row["segment"]: row["total"] for row in outputs}
    return {
        metric: Decimal(by_segment.get(output_segment) or 0)
        for metric, output_segment in OUTPUT_METRICS.items()
    }


def actual_values(
    *,
    projects: QuerySet,
    scope: Scope,
    year: int,
    as_of: datetime.date,
    segment: str = "",
    summary: ProjectSummary | None = None,
) -> dict[str, Decimal]:
    """Every metric's actual value for one scope and year (three queries, or one with a
    summary of the same year)."""
    match = _summary_match(scope) if summary is not None else None
    if match is not None and summary.year == year and summary.as_of == as_of:
        values = summary.actual(segment=segment, **match)
        values.update(_output_values(scope, year, as_of))
        return values
    projects = scope.projects(projects)
    if segment:
        projects = projects.filter(segment=segment)
    values = projects.aggregate(**_project_aggregates(year, as_of))
    start, end = _period(year, as_of)
    values[Metric.FUNDS_ARRIVED] = FundsArrival.objects.filter(
        project__in=projects.values("pk"), on__gte=start, on__lte=end
    ).aggregate(total=Sum("amount"))["total"]
    values.update(_output_values(scope, year, as_of))
    return {k: Decimal(v or 0) for k, v in values.items()}


# ---------------------------------------------------------------------------------------------
# Progress against targets

STATUS_LABELS = {
    "none": gettext_lazy("no target"),
    "met": gettext_lazy("target met"),
    "ahead": gettext_lazy("on schedule"),
    "behind": gettext_lazy("slightly behind"),
    "late": gettext_lazy("behind schedule"),
}


@dataclass
class KpiLine:
    metric: str
    label: str
    segment: str
    target: Decimal | None
    actual: Decimal
    elapsed: float  # share of the year elapsed
    is_money: bool

    @property
    def progress(self) -> float | None:
        """actual / target (1.0 = target met)."""
        if not self.target:
            return None
        return float(self.actual / self.target)

    @property
    def pace(self) -> float | None:
        """progress / share of the year elapsed: 1.0 = on schedule, below 1 = behind."""
        progress = self.progress
        if progress is None or not self.elapsed:
            return None
        return progress / self.elapsed

    @property
    def expected_by_now(self) -> Decimal | None:
        if self.target is None:
            return None
        return (self.target * Decimal(str(self.elapsed))).quantize(Decimal("0.01"))

    @property
    def gap(self) -> Decimal | None:
        """What is still missing to the full-year target (0 when met)."""
        if self.target is None:
            return None
        return max(self.target - self.actual, Decimal(0))

    @property
    def status(self) -> str:
        pace = self.pace
        if pace is None:
            return "none"
        if self.progress >= 1:
            return "met"
        if pace >= 1:
            return "ahead"
        if pace >= 0.8:
            return "behind"
        return "late"

    def display(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        if self.is_money:
            return format_money(value, "亿元")
        return f"{value:,.0f}"

    @property
    def target_display(self) -> str:
        return self.display(self.target)

    @property
    def actual_display(self) -> str:
        return self.display(self.actual)

    @property
    def expected_display(self) -> str:
        return self.display(self.expected_by_now)

    @property
    def gap_display(self) -> str:
        return self.display(self.gap)

    @property
    def percent(self) -> int | None:
        progress = self.progress
        return None if progress is None else round(progress * 100)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def _text(self, value: Decimal | None) -> str | None:
        """Yuan with two places; counts as whole numbers (the expected count keeps two)."""
        if value is None:
            return None
        if self.is_money or value != value.to_integral_value():
            return str(Decimal(value).quantize(Decimal("0.01")))
        return str(int(value))

    def as_dict(self) -> dict:
        return {
            "metric": self.metric,
            "label": str(self.label),
            "segment": self.segment,
            "unit": "yuan" if self.is_money else "projects",
            "target": self._text(self.target),
            "actual": self._text(self.actual),
            "progress": round(self.progress, 4) if self.progress is not None else None,
            "year_elapsed": round(self.elapsed, 4),
            "expected_by_now": self._text(self.expected_by_now),
            "pace": round(self.pace, 4) if self.pace is not None else None,
            "gap": self._text(self.gap),
            "status": self.status,
        }


@dataclass
class KpiReport:
    scope: Scope
    year: int
    as_of: datetime.date
    elapsed: float
    lines: list[KpiLine] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "scope": {"kind": self.scope.kind, "code": self.scope.code, "label": self.scope.label},
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "year_elapsed": round(self.elapsed, 4),
            "counting_rule": str(COUNTING_RULE),
            "kpis": [line.as_dict() for line in self.lines],
        }


def kpi_report(
    *,
    user,
    scope: Scope,
    year: int,
    as_of: datetime.date | None = None,
    summary: ProjectSummary | None = None,
) -> KpiReport:
    """Every metric of the scope for the year, with its target where one is set: whole-chain
    lines for every metric, plus a line per chain segment that has its own target."""
    as_of = as_of or timezone.localdate()
    elapsed = elapsed_share(year, as_of)
    projects = visible_projects(user)
    targets = {(t.metric, t.segment): t.value for t in scope.targets().filter(year=year)}
    actual = actual_values(projects=projects, scope=scope, year=year, as_of=as_of, summary=summary)
    report = KpiReport(scope, year, as_of, elapsed)
    for metric in Metric:
        report.lines.append(
            KpiLine(
                metric,
                metric.label,
                "",
                targets.get((metric.value, "")),
                actual[metric.value],
                elapsed,
                metric in MONEY_METRICS,
            )
        )
    segments = sorted({seg for (_m, seg) in targets if seg})
    for segment in segments:
        seg_actual = actual_values(
            projects=projects,
            scope=scope,
            year=year,
            as_of=as_of,
            segment=segment,
            summary=summary,
        )
        for (metric, seg), value in sorted(targets.items()):
            if seg == segment and metric in PROJECT_METRICS:
                report.lines.append(
                    KpiLine(
                        metric,
                        Metric(metric).label,
                        segment,
                        value,
                        seg_actual[metric],
                        elapsed,
                        metric in MONEY_METRICS,
                    )
                )
    return report


# ---------------------------------------------------------------------------------------------
# The city ranking (红黑榜)


@dataclass
class CityRank:
    city: object
    score: float | None  # mean pace over the ranked metrics with a target; 1.0 = on schedule
    lines: list[KpiLine]
    rank: int = 0

    @property
    def list_name(self) -> str:
        return "red" if self.score is not None and self.score >= 1 else "black"


def _city_actuals(projects: QuerySet, year: int, as_of: datetime.date) -> dict:
    rows = (
        projects.filter(city__isnull=False)
        .values("city_id")
        .annotate(**_project_aggregates(year, as_of))
    )
    result = {row["city_id"]: row for row in rows}
    start, end = _period(year, as_of)
    for row in (
        FundsArrival.objects.filter(project__in=projects.values("pk"), on__gte=start, on__lte=end)
        .values(city_id=F("project__city_id"))
        .annotate(total=Sum("amount"))
    ):
        result.setdefault(row["city_id"], {})[Metric.FUNDS_ARRIVED] = row["total"]
    return result


def city_ranking(
    *,
    user,
    year: int,
    as_of: datetime.date | None = None,
    summary: ProjectSummary | None = None,
) -> list[CityRank]:
    """Cities with targets for the year, best first. Score: the mean over the ranked metrics of
    progress / share of the year elapsed (each capped at 2 so one windfall cannot hide the rest).
    Four queries."""
    from clusterhub.geo.models import Region

    as_of = as_of or timezone.localdate()
    elapsed = elapsed_share(year, as_of)
    targets = defaultdict(dict)
    for target in Target.objects.filter(
        scope_kind=ScopeKind.CITY, year=year, segment="", metric__in=RANKED_METRICS
    ):
        targets[target.region_id][target.metric] = target.value
    if not targets:
        return []
    cities = Region.objects.in_bulk(list(targets))
    if summary is not None and summary.year == year and summary.as_of == as_of:
        actuals = {city_id: summary.actual(city_id=city_id) for city_id in targets}
    else:
        actuals = _city_actuals(visible_projects(user), year, as_of)
    ranking = []
    for city_id, city_targets in targets.items():
        row = actuals.get(city_id, {})
        lines = [
            KpiLine(
                metric,
                Metric(metric).label,
                "",
                city_targets.get(metric),
                Decimal(row.get(metric) or 0),
                elapsed,
                metric in MONEY_METRICS,
            )
            for metric in RANKED_METRICS
        ]
        paces = [min(line.pace, 2.0) for line in lines if line.pace is not None]
        score = sum(paces) / len(paces) if paces else None
        ranking.append(CityRank(cities[city_id], score, lines))
    ranking.sort(key=lambda r: (r.score is None, -(r.score or 0), r.city.code))
    for index, entry in enumerate(ranking, start=1):
        entry.rank = index
    return ranking


def red_and_black_lists(ranking: list[CityRank], size: int = 3) -> tuple[list, list]:
    """Red list: the best cities that are on schedule; black list: the worst that are behind.
    A city is never on both."""
    scored = [r for r in ranking if r.score is not None]
    red = [r for r in scored if r.score >= 1][:size]
    black = [r for r in reversed(scored) if r.score < 1 and r not in red][:size]
    return red, black


# ---------------------------------------------------------------------------------------------
# The weekly activity index


@dataclass
class ActivityWeek:
    week: datetime.date  # the Monday
    city: object
    counts: dict[str, int]
    index: float


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def activity_index(
    *, user, weeks: int = 12, as_of: datetime.date | None = None, cities=None
) -> list[ActivityWeek]:
    """Per city and ISO week: signings, starts, visits, events and meetings, each scored against
    the busiest city of that week and weighted (ACTIVITY_WEIGHTS) into 0-100. Three queries."""

    as_of = as_of or timezone.localdate()
    first = _week_start(as_of) - datetime.timedelta(weeks=weeks - 1)
    projects = visible_projects(user).filter(city__isnull=False)
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTIVITY_WEIGHTS, 0))
    for date_field, key in (("signed_on", "signings"), ("started_on", "starts")):
        rows = (
            projects.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": as_of})
            .annotate(week=TruncWeek(date_field))
            .values("week", "city_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[(_as_date(row["week"]), row["city_id"])][key] += row["n"]
    kinds = {
        ActivityKind.VISIT: "visits",
        ActivityKind.EVENT: "events",
        ActivityKind.MEETING: "meetings",
    }
    activities = Activity.objects.all() if user is None else Activity.objects.restrict(user)
    rows = (
        activities.filter(on__gte=first, on__lte=as_of, kind__in=list(kinds))
        .annotate(week=TruncWeek("on"))
        .values("week", "region__path", "kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        code = city_code_of(row["region__path"])
        counts[(_as_date(row["week"]), code)][kinds[row["kind"]]] += row["n"]
    # Activities are keyed by city code, projects by city id: bring both to Region objects.
    all_cities = cluster_cities()
    if cities is not None:
        all_cities = all_cities.filter(pk__in=[c.pk for c in cities])
    by_id = {c.pk: c for c in all_cities}
    by_code = {c.code: c for c in by_id.values()}
    merged: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTIVITY_WEIGHTS, 0))
    for (week, key), values in counts.items():
        city = by_id.get(key) if isinstance(key, int) else by_code.get(key)
        if city is None:
            continue
        for name, value in values.items():
            merged[(week, city.pk)][name] += value
    result = []
    week = first
    while week <= as_of:
        maxima = {
            name: max((merged.get((week, c), {}).get(name, 0) for c in by_id), default=0)
            for name in ACTIVITY_WEIGHTS
        }
        for city_id, city in sorted(by_id.items(), key=lambda item: item[1].code):
            row = merged.get((week, city_id), dict.fromkeys(ACTIVITY_WEIGHTS, 0))
            score = sum(
                ACTIVITY_WEIGHTS[name] * Decimal(row[name]) / Decimal(maxima[name])
                for name in ACTIVITY_WEIGHTS
                if maxima[name]
            )
            result.append(ActivityWeek(week, city, dict(row), round(float(score) * 100, 1)))
        week += datetime.timedelta(weeks=1)
    return result


# ---------------------------------------------------------------------------------------------
# Trends


def monthly_trend(*, projects: QuerySet, months: int = 24, as_of: datetime.date | None = None):
    """Per month: projects signed, contracted amount, projects started. Two queries."""
    as_of = as_of or timezone.localdate()
    first = datetime.date(as_of.year, as_of.month, 1)
    for _step in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    series: dict[datetime.date, dict] = {}
    month = first
    while month <= as_of:
        series[month] = {"signed": 0, "amount": Decimal(0), "started": 0}
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    for row in (
        projects.filter(signed_on__gte=first, signed_on__lte=as_of)
        .annotate(month=TruncMonth("signed_on"))
        .values("month")
        .annotate(n=Count("pk"), amount=Sum("contract_amount"))
    ):
        entry = series.get(_as_date(row["month"]))
        if entry is not None:
            entry["signed"] = row["n"]
            entry["amount"] = row["amount"] or Decimal(0)
    for row in (
        projects.filter(started_on__gte=first, started_on__lte=as_of)
        .annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        entry = series.get(_as_date(row["month"]))
        if entry is not None:
            entry["started"] = row["n"]
    return [{"month": month, **values} for month, values in series.items()]
