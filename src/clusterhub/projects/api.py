"""Investment projects over the API: list (the same filters as the page), detail, create, update,
stage moves, milestones, problems, funds, the XLSX export, alerts, targets and KPIs.

Reads go through `restrict(user, "view")` (a confidential project you may not see is a 404);
writes through the services, so the API refuses exactly what the pages refuse: an illegal move
or a missing amount is a 422 naming the field, another city's project a 403.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from clusterhub.core.api_auth import get_visible
from clusterhub.core.api_common import (
    READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
    field_error,
    filter_params,
    ordered,
)
from clusterhub.geo.api import park_from_code, region_from_code

from . import services
from .exports import export_projects
from .filters import filter_projects
from .kpis import (
    UnknownScope,
    activity_index,
    city_ranking,
    kpi_report,
    red_and_black_lists,
    resolve_scope,
)
from .models import Milestone, Problem, Project, Target
from .schemas import (
    AlertOut,
    FundsIn,
    FundsOut,
    MilestoneIn,
    MilestoneOut,
    ProblemIn,
    ProblemOut,
    ProjectCreate,
    ProjectDetail,
    ProjectFilters,
    ProjectOut,
    ProjectPatch,
    ResolveIn,
    StageMove,
    TargetIn,
    TargetOut,
)

router = Router(tags=["projects"])

LIST_RELATED = ("investor", "city", "signing_region", "landing_region", "landing_park")
LIST_RELATED += ("owner", "secretary")


def _queryset():
    return Project.objects.select_related(*LIST_RELATED)


def _detail(project: Project) -> Project:
    return (
        _queryset()
        .select_related("origin_chain_node", "origin_region")
        .prefetch_related("chain_nodes", "named_people")
        .get(pk=project.pk)
    )


def _refused(error: services.ProjectPermissionError):
    raise HttpError(403, str(error))


def _investor(request, key: str, field: str = "investor"):
    """The investor a payload names, among the enterprises the caller may see; unknown -> 422
    with the closest registry names to choose from (or create the enterprise first)."""
    from clusterhub.enterprises.models import Enterprise

    visible = Enterprise.objects.restrict(request.auth, "view")
    key = (key or "").strip()
    found = (
        visible.filter(public_id=key.upper()).first()
        or visible.filter(credit_code=key.upper()).first()
    )
    if found is None:
        match = services.find_investor(name=key)
        if match.enterprise is not None and visible.filter(pk=match.enterprise.pk).exists():
            found = match.enterprise
        else:
            names = [
                f"{c.name} ({c.public_id})"
                for c in match.candidates
                if visible.filter(pk=c.pk).exists()
            ]
            message = _(
                "“%(key)s” is not in the enterprise registry: create it (POST /api/enterprises) "
                "or give an existing one's public id"
            ) % {"key": key}
            if names:
                message += _("; candidates: %(names)s") % {"names": "; ".join(names)}
            raise field_error(field, message, "unknown")
    return found


def _user(username: str | None, field: str):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise field_error(field, _("unknown user “%(name)s”") % {"name": username}, "unknown")
    return user


def _node(code: str, field: str):
    from clusterhub.chain.models import ChainNode

    node = ChainNode.objects.filter(code=code).first()
    if node is None:
        raise field_error(field, _("unknown chain node “%(code)s”") % {"code": code}, "unknown")
    return node


def _resolve(request, data: dict) -> tuple[dict, list[str]]:
    """Payload codes and names to records, for the services."""
    warnings: list[str] = []
    for field in ("signing_region", "landing_region", "origin_region"):
        if field in data:
            data[field] = region_from_code(data[field], field, warnings)
    if "landing_park" in data:
        data["landing_park"] = park_from_code(data["landing_park"], "landing_park")
    if "origin_chain_node" in data:
        code = data["origin_chain_node"]
        data["origin_chain_node"] = _node(code, "origin_chain_node") if code else None
    for field in ("owner", "secretary"):
        if field in data:
            data[field] = _user(data[field], field)
    if data.get("investor") is not None:
        data["investor"] = _investor(request, data["investor"])
    if data.get("chain_nodes") is not None:
        data["chain_nodes"] = [_node(code, "chain_nodes") for code in data["chain_nodes"]]
    for key, value in list(data.items()):
        if hasattr(value, "value") and not hasattr(value, "pk"):
            data[key] = value.value  # enums to their values
    return data, warnings


# -- lists and reports (before /{code}) ---------------------------------------------------------


@router.get("", response=list[ProjectOut], summary="List projects")
@paginate(Pagination)
def list_projects(request, filters: Query[ProjectFilters]):
    queryset = filter_projects(
        _queryset().restrict(request.auth, "view"), **filter_params(filters, "ordering")
    )
    return ordered(queryset, filters.ordering, ("-updated",))


@router.get("/export.xlsx", summary="Export the filtered list as XLSX")
def export(request, filters: Query[ProjectFilters]):
    """The same columns as the import template, so an export can be edited and imported back."""
    queryset = filter_projects(
        Project.objects.restrict(request.auth, "view"), **filter_params(filters, "ordering")
    )
    return export_projects(ordered(queryset, filters.ordering, ("code",)), user=request.auth)


@router.get("/alerts", response=list[AlertOut], summary="My alerts")
def my_alerts(request):
    """Projects you own or are secretary of: no stage change for too long, an overdue milestone,
    an open problem past its date."""
    return services.alerts_for_owner(user=request.auth)


@router.get("/kpis", summary="KPIs of a scope and year")
def kpis(request, scope: str = "cluster", year: int | None = None):
    """Each metric against its target and against the share of the year elapsed.
    `scope`: cluster, a city's region code or a park code."""
    try:
        resolved = resolve_scope(scope)
    except UnknownScope as error:
        raise HttpError(404, str(error))
    year = year or timezone.localdate().year
    return kpi_report(user=request.auth, scope=resolved, year=year).as_dict()


@router.get("/ranking", summary="City ranking: red and black lists")
def ranking(request, year: int | None = None):
    year = year or timezone.localdate().year
    rows = city_ranking(user=request.auth, year=year)
    red, black = red_and_black_lists(rows)
    return {
        "year": year,
        "cities": [
            {
                "rank": r.rank,
                "city": r.city.code,
                "name": r.city.name,
                "score": round(r.score, 4) if r.score is not None else None,
                "kpis": [line.as_dict() for line in r.lines],
            }
            for r in rows
        ],
        "red_list": [r.city.code for r in red],
        "black_list": [r.city.code for r in black],
    }


@router.get("/activity", summary="Weekly activity index per city")
def activity(request, weeks: int = 12):
    weeks = max(1, min(weeks, 104))
    return [
        {"week": row.week, "city": row.city.code, "index": row.index, "counts": row.counts}
        for row in activity_index(user=request.auth, weeks=weeks)
    ]


@router.get("/targets", response=list[TargetOut], summary="List targets")
def list_targets(request, year: int | None = None):
    queryset = Target.objects.restrict(request.auth, "view").select_related("region", "park")
    if year:
        queryset = queryset.filter(year=year)
    return queryset


@router.put("/targets", response={200: TargetOut, **WRITE_ERRORS}, summary="Set a target")
def put_target(request, payload: TargetIn):
    try:
        scope = resolve_scope(payload.scope)
    except UnknownScope as error:
        raise field_error("scope", str(error), "unknown")
    try:
        return services.set_target(
            user=request.auth,
            scope=scope,
            year=payload.year,
            metric=payload.metric.value,
            value=payload.value,
            segment=payload.segment.value if payload.segment else "",
        )
    except services.ProjectPermissionError as error:
        _refused(error)


# -- one project --------------------------------------------------------------------------------


@router.post("", response={201: ProjectDetail, **WRITE_ERRORS}, summary="Create a project")
def create_project(request, payload: ProjectCreate):
    """A new project is a lead (or a negotiation); it moves on with POST /{code}/move. Allowed in
    the area your scope covers as an officer; with no city given, your own area."""
    data, _warnings = _resolve(request, payload.model_dump(exclude_unset=True))
    try:
        project = services.create_project(user=request.auth, **data)
    except services.ProjectPermissionError as error:
        _refused(error)
    return Status(201, _detail(project))


@router.get("/{code}", response={200: ProjectDetail, **READ_ERRORS}, summary="Get a project")
def get_project(request, code: str):
    return _detail(get_visible(request, Project.objects.all(), code=code))


@router.patch("/{code}", response={200: ProjectDetail, **WRITE_ERRORS}, summary="Update a project")
def update_project(request, code: str, payload: ProjectPatch):
    project = get_visible(request, Project.objects.all(), code=code)
    data, _warnings = _resolve(request, payload.model_dump(exclude_unset=True))
    chain_nodes = data.pop("chain_nodes", None)
    try:
        project = services.update_project(
            user=request.auth, project=project, chain_nodes=chain_nodes, **data
        )
    except services.ProjectPermissionError as error:
        _refused(error)
    return _detail(project)


@router.post(
    "/{code}/move", response={200: ProjectDetail, **WRITE_ERRORS}, summary="Move to a stage"
)
def move(request, code: str, payload: StageMove):
    """Signing needs `contract_amount` (or one already set) and a date not in the future;
    construction needs a site and the landing area; stalling or dropping needs a `reason`."""
    project = get_visible(request, Project.objects.all(), code=code)
    data, _warnings = _resolve(request, payload.model_dump(exclude_unset=True))
    try:
        project = services.move_project_stage(user=request.auth, project=project, **data)
    except services.ProjectPermissionError as error:
        _refused(error)
    return _detail(project)


def _act(request, code: str, action, **kwargs):
    project = get_visible(request, Project.objects.all(), code=code)
    try:
        return action(user=request.auth, project=project, **kwargs)
    except services.ProjectPermissionError as error:
        _refused(error)


@router.post("/{code}/milestones", response={201: MilestoneOut, **WRITE_ERRORS})
def add_milestone(request, code: str, payload: MilestoneIn):
    return Status(201, _act(request, code, services.add_milestone, **payload.model_dump()))


@router.post("/{code}/milestones/{int:pk}/done", response={200: MilestoneOut, **WRITE_ERRORS})
def complete_milestone(request, code: str, pk: int, done_on: datetime.date | None = None):
    project = get_visible(request, Project.objects.all(), code=code)
    milestone = Milestone.objects.filter(project=project, pk=pk).first()
    if milestone is None:
        raise HttpError(404, _("Not found."))
    try:
        return services.complete_milestone(user=request.auth, milestone=milestone, done_on=done_on)
    except services.ProjectPermissionError as error:
        _refused(error)


@router.post("/{code}/problems", response={201: ProblemOut, **WRITE_ERRORS})
def add_problem(request, code: str, payload: ProblemIn):
    return Status(201, _act(request, code, services.add_problem, **payload.model_dump()))


@router.post("/{code}/problems/{int:pk}/resolve", response={200: ProblemOut, **WRITE_ERRORS})
def resolve_problem(request, code: str, pk: int, payload: ResolveIn):
    project = get_visible(request, Project.objects.all(), code=code)
    problem = Problem.objects.filter(project=project, pk=pk).first()
    if problem is None:
        raise HttpError(404, _("Not found."))
    try:
        return services.resolve_problem(
            user=request.auth, problem=problem, resolution=payload.resolution
        )
    except services.ProjectPermissionError as error:
        _refused(error)


@router.post("/{code}/funds", response={201: FundsOut, **WRITE_ERRORS})
def add_funds(request, code: str, payload: FundsIn):
    if payload.amount is None:
        raise ValidationError({"amount": _("give the amount")})
    return Status(201, _act(request, code, services.record_funds, **payload.model_dump()))
