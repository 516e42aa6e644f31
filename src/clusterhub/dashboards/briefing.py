"""The weekly briefing (周报) for the province or a city: this week's signings, starts and
openings, the year's progress against the targets, the funnel, the trend, the city ranking,
stalled projects and overdue milestones. Rendered as a page and as a PDF laid out for A4 printing
(WeasyPrint) with server-side SVG charts and a bundled CJK font.

It reads through `Project.objects.restrict(user, "view")`: a briefing never shows a project the
reader may not see.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.projects.choices import ScopeKind, Stage
from clusterhub.projects.kpis import (
    COUNTING_RULE,
    ProjectSummary,
    activity_index,
    city_ranking,
    kpi_report,
    monthly_trend,
    red_and_black_lists,
    visible_children,
    visible_projects,
)
from clusterhub.projects.models import Milestone

from .services import funnel, short_name
from .svg import BLUE, ORANGE, TEAL, bar_chart, hbar_chart

FONT_PATH = settings.PACKAGE_DIR / "static" / "fonts" / "wqy-microhei" / "wqy-microhei.ttf"


def briefing_context(*, user, scope, week_end: datetime.date) -> dict:
    week_start = week_end - datetime.timedelta(days=6)
    year = week_end.year
    projects = scope.projects(visible_projects(user))
    related = ("city", "investor", "landing_park")

    def in_week(field):
        return (
            projects.filter(**{f"{field}__gte": week_start, f"{field}__lte": week_end})
            .select_related(*related)
            .order_by(field, "code")
        )

    signed = list(in_week("signed_on"))
    started = list(in_week("started_on"))
    operating = list(in_week("operating_on"))
    week_counts = projects.aggregate(
        leads=Count("pk", filter=Q(lead_on__gte=week_start, lead_on__lte=week_end)),
        amount=Sum("contract_amount", filter=Q(signed_on__gte=week_start, signed_on__lte=week_end)),
    )
    from clusterhub.projects.models import FundsArrival

    summary = ProjectSummary(
        projects, year, week_end, funds=visible_children(FundsArrival, user, scope)
    )
    report = kpi_report(user=user, scope=scope, year=year, as_of=week_end, summary=summary)
    stages = [f for f in funnel(summary) if f["stage"] != Stage.DROPPED]
    trend = monthly_trend(projects=projects, months=12, as_of=week_end)
    trend_svg = bar_chart(
        [row["month"].strftime("%y-%m") for row in trend],
        [
            (_("Signed"), [row["signed"] for row in trend], BLUE),
            (_("Started"), [row["started"] for row in trend], TEAL),
        ],
        line=(
            _("Contract amount (100m yuan)"),
            [float(row["amount"] / Decimal(100_000_000)) for row in trend],
            ORANGE,
        ),
    )
    funnel_svg = hbar_chart([f["label"] for f in stages], [f["count"] for f in stages])
    ranking = []
    ranking_svg = ""
    red = black = []
    if scope.kind == ScopeKind.CLUSTER:
        ranking = city_ranking(user=user, year=year, as_of=week_end, summary=summary)
        red, black = red_and_black_lists(ranking)
        scored = [r for r in ranking if r.score is not None]
        ranking_svg = hbar_chart(
            [short_name(r.city) for r in scored],  # short names fit the label column
            [round(r.score * 100) for r in scored],
            colour=TEAL,
            marker=100,
            suffix="%",
        )
    stalled = list(
        projects.filter(stage=Stage.STALLED)
        .select_related(*related)
        .order_by("stage_changed_at")[:10]
    )
    today = timezone.localdate()
    overdue = list(
        visible_children(Milestone, user, scope)
        .filter(done_on__isnull=True, due_on__lt=today)
        .select_related("project__city")
        .order_by("due_on")[:10]
    )
    weeks = activity_index(user=user, weeks=1, as_of=week_end)
    if scope.kind != ScopeKind.CLUSTER and scope.region is not None:
        weeks = [w for w in weeks if scope.region.path.startswith(w.city.path)]
    return {
        "scope": scope,
        "week_start": week_start,
        "week_end": week_end,
        "generated": timezone.localtime(),
        "signed": signed,
        "started": started,
        "operating": operating,
        "week_counts": week_counts,
        "report": report,
        "funnel": stages,
        "funnel_svg": funnel_svg,
        "trend_svg": trend_svg,
        "ranking": ranking,
        "ranking_svg": ranking_svg,
        "red_names": [r.city.display_name for r in red],
        "black_names": [r.city.display_name for r in black],
        "stalled": stalled,
        "overdue": overdue,
        "activity": sorted(weeks, key=lambda w: -w.index),
        "counting_rule": COUNTING_RULE,
        "font_url": FONT_PATH.as_uri(),
        "reader": user,
    }


def render_briefing_pdf(*, user, scope, week_end: datetime.date) -> bytes:
    """The briefing as PDF bytes."""
    from weasyprint import HTML

    context = briefing_context(user=user, scope=scope, week_end=week_end)
    context["preview"] = False
    html = render_to_string("dashboards/briefing.html", context)
    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf()
