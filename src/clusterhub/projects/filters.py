"""The project filter shared by the list page, the XLSX export, the API and the cockpit's
drill-downs: every figure on the cockpit links to this list with the filter that produced it."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from clusterhub.chain.models import ChainNode
from clusterhub.core.filters import path_of
from clusterhub.geo.models import Region

from .choices import ProblemStatus
from .models import FundsArrival, Milestone, Problem

# Reached a stage (whatever it is at now): the stage's date is set.
REACHED_DATE = {"signed": "signed_on", "started": "started_on", "operating": "operating_on"}


def stale_condition(now=None) -> Q:
    """Projects with no stage change for longer than their stage allows."""
    from .services import stale_days_by_stage

    now = now or timezone.now()
    condition = Q(pk__in=[])
    for stage, days in stale_days_by_stage().items():
        condition |= Q(stage=stage, stage_changed_at__lt=now - datetime.timedelta(days=days))
    return condition


def overdue_condition(today=None) -> Q:
    """Projects with an open milestone or problem past its date."""
    today = today or timezone.localdate()
    milestones = Milestone.objects.filter(done_on__isnull=True, due_on__lt=today)
    problems = Problem.objects.filter(status=ProblemStatus.OPEN, due_on__lt=today)
    return Q(pk__in=milestones.values("project_id")) | Q(pk__in=problems.values("project_id"))


def _month_range(text: str) -> tuple[datetime.date, datetime.date] | None:
    try:
        year, month = (int(x) for x in text.split("-")[:2])
        first = datetime.date(year, month, 1)
    except ValueError:
        return None
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return first, last


def filter_projects(
    queryset: QuerySet,
    *,
    q: str | None = None,
    stage: str | list[str] | None = None,
    region: str | None = None,
    park: str | None = None,
    segment: str | None = None,
    origin_kind: str | None = None,
    origin_reference: str | None = None,
    investor: str | None = None,
    owner: int | None = None,
    confidentiality: str | None = None,
    chain_node: str | None = None,
    signed_year: int | None = None,
    signed_month: str | None = None,
    started_year: int | None = None,
    started_month: str | None = None,
    operating_year: int | None = None,
    funds_year: int | None = None,
    reached: str | None = None,
    synthetic: bool | None = None,
    stale: bool | None = None,
    overdue: bool | None = None,
) -> QuerySet:
    """`region` is a region code (everything counted in it and below); `chain_node` a node code
    with its descendants; `investor` an enterprise public id; `owner` a user id (owner or
    secretary); `*_month` "YYYY-MM"; `funds_year`: projects with money arriving that year."""
    if q:
        q = q.strip()[:100]
        queryset = queryset.filter(
            Q(code__istartswith=q)
            | Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(investor__name__icontains=q)
            | Q(investor__short_name__icontains=q)
        )
    if stage:
        stages = [stage] if isinstance(stage, str) else list(stage)
        queryset = queryset.filter(stage__in=stages)
    if region:
        queryset = queryset.filter(region_path__startswith=path_of(Region, region))
    if park:
        queryset = queryset.filter(landing_park__code=park)
    if segment:
        queryset = queryset.filter(segment=segment)
    if origin_kind:
        queryset = queryset.filter(origin_kind=origin_kind)
    if origin_reference:
        queryset = queryset.filter(origin_reference=origin_reference)
    if investor:
        queryset = queryset.filter(investor__public_id=investor)
    if owner:
        queryset = queryset.filter(Q(owner_id=owner) | Q(secretary_id=owner))
    if confidentiality:
        queryset = queryset.filter(confidentiality=confidentiality)
    if chain_node:
        node_path = path_of(ChainNode, chain_node)
        through = ChainNode.projects.through.objects.filter(
            chainnode__path__startswith=node_path
        ).values("project_id")
        queryset = queryset.filter(pk__in=through)
    if signed_year:
        queryset = queryset.filter(signed_on__year=signed_year)
    if signed_month:
        span = _month_range(signed_month)
        queryset = queryset.filter(signed_on__range=span) if span else queryset.none()
    if started_year:
        queryset = queryset.filter(started_on__year=started_year)
    if started_month:
        span = _month_range(started_month)
        queryset = queryset.filter(started_on__range=span) if span else queryset.none()
    if operating_year:
        queryset = queryset.filter(operating_on__year=operating_year)
    if funds_year:
        queryset = queryset.filter(
            pk__in=FundsArrival.objects.filter(on__year=funds_year).values("project_id")
        )
    if reached:
        field = REACHED_DATE.get(reached)
        queryset = queryset.filter(**{f"{field}__isnull": False}) if field else queryset.none()
    if synthetic is not None:
        queryset = queryset.filter(is_synthetic=synthetic)
    if stale:
        queryset = queryset.filter(stale_condition())
    if overdue:
        queryset = queryset.filter(overdue_condition())
    return queryset
