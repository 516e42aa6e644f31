"""Sourcing demands, supplier rankings, "demands that fit me", investment targets and search over
the API. Every read goes through restrict(user, "view"): an invited-only demand does not exist
for anyone but its buyer and the suppliers invited to it (404), and search never returns it.
"""

import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
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
)

from . import services
from .models import DemandCandidate, SourcingDemand
from .schemas import (
    DemandCandidateOut,
    DemandFilters,
    DemandIn,
    DemandOut,
    DemandPatch,
    FitsOut,
    InviteIn,
    LeadIn,
    LeadOut,
    RankingOut,
    RespondIn,
    ResultIn,
    SearchOut,
    ShortlistIn,
    TargetListOut,
)

router = Router(tags=["matching"])


def _refused(error):
    raise HttpError(403, str(error))


def _demands(request):
    return services.demands_visible_to(request.auth).select_related("awarded_to")


def _demand(request, code: str) -> SourcingDemand:
    return get_visible(request, _demands(request), code=code)


def _enterprise(request, public_id: str, field: str):
    from clusterhub.enterprises.models import Enterprise

    found = (
        Enterprise.objects.restrict(request.auth, "view")
        .filter(public_id=(public_id or "").strip().upper())
        .first()
    )
    if found is None:
        raise field_error(field, _("unknown enterprise “%(id)s”") % {"id": public_id}, "unknown")
    return found


def _node(code: str, field: str = "chain_node"):
    from clusterhub.chain.models import ChainNode

    node = ChainNode.objects.filter(code=(code or "").strip()).first()
    if node is None:
        raise field_error(field, _("unknown chain node “%(code)s”") % {"code": code}, "unknown")
    return node


def _site(request, site_id: int | None, field: str = "buyer_site"):
    from clusterhub.enterprises.models import Site

    if site_id is None:
        return None
    site = Site.objects.restrict(request.auth, "view").filter(pk=site_id).first()
    if site is None:
        raise field_error(field, _("unknown site %(id)s") % {"id": site_id}, "unknown")
    return site


def _values(request, data: dict) -> dict:
    values = {}
    for name, value in data.items():
        if name == "buyer":
            values["buyer"] = _enterprise(request, value, "buyer")
        elif name == "buyer_site":
            values["buyer_site"] = _site(request, value)
        elif name == "chain_node":
            values["chain_node"] = _node(value)
        elif name == "required_certifications":
            values[name] = [getattr(c, "value", c) for c in value or []]
        else:
            values[name] = getattr(value, "value", value)
    return values


# -- demands --------------------------------------------------------------------------------


@router.get("/demands", response=list[DemandOut], summary="List sourcing demands")
@paginate(Pagination)
def list_demands(request, filters: Query[DemandFilters]):
    """Demands you may see: open ones posted for everyone, your own company's, and the ones you
    are invited to."""
    queryset = _demands(request)
    if filters.status:
        queryset = queryset.filter(status=filters.status.value)
    if filters.chain_node:
        queryset = queryset.filter(chain_node__path__startswith=_node(filters.chain_node).path)
    if filters.buyer:
        queryset = queryset.filter(buyer__public_id=filters.buyer.strip().upper())
    return queryset.order_by("-created", "pk")


@router.post("/demands", response={201: DemandOut, **WRITE_ERRORS}, summary="Post a demand")
def create_demand(request, payload: DemandIn):
    """Officers of an organisation that speaks for the buyer (or its group) may post."""
    values = _values(request, payload.model_dump(exclude_unset=True))
    try:
        demand = services.save_demand(user=request.auth, **values)
    except services.MatchingPermissionError as error:
        _refused(error)
    return Status(201, _demand(request, demand.code))


@router.get("/demands/{code}", response={200: DemandOut, **READ_ERRORS}, summary="Get a demand")
def get_demand(request, code: str):
    return _demand(request, code)


@router.patch(
    "/demands/{code}", response={200: DemandOut, **WRITE_ERRORS}, summary="Change a demand"
)
def update_demand(request, code: str, payload: DemandPatch):
    demand = _demand(request, code)
    values = _values(request, payload.model_dump(exclude_unset=True))
    try:
        services.save_demand(user=request.auth, demand=demand, **values)
    except services.MatchingPermissionError as error:
        _refused(error)
    return _demand(request, code)


@router.get(
    "/demands/{code}/ranking",
    response={200: RankingOut, **READ_ERRORS},
    summary="Rank suppliers for a demand",
)
def demand_ranking(request, code: str, limit: int = Query(20, ge=1, le=100)):
    """Hard filters (node or neighbour node, certifications valid at SOP, location), then a score
    out of 100 with each factor's points and the reason. `state` is `no_supplier` when nobody in
    the registry makes the part (a chain gap: see /api/matching/targets)."""
    demand = _demand(request, code)
    try:
        ranking = services.rank_suppliers(user=request.auth, demand=demand, limit=limit)
    except services.MatchingPermissionError as error:
        _refused(error)
    return ranking.as_dict()


@router.get(
    "/demands/{code}/candidates",
    response={200: list[DemandCandidateOut], **READ_ERRORS},
    summary="Shortlisted and invited suppliers",
)
def demand_candidates(request, code: str):
    """The buyer sees every candidate; an invited supplier sees its own row only."""
    demand = _demand(request, code)
    return list(
        DemandCandidate.objects.restrict(request.auth, "view")
        .filter(demand=demand)
        .select_related("supplier")
        .order_by("-score", "pk")
    )


def _act(request, action, **kwargs):
    try:
        return action(user=request.auth, **kwargs)
    except services.MatchingPermissionError as error:
        _refused(error)


@router.post(
    "/demands/{code}/shortlist",
    response={200: DemandCandidateOut, **WRITE_ERRORS},
    summary="Shortlist a supplier",
)
def shortlist(request, code: str, payload: ShortlistIn):
    demand = _demand(request, code)
    supplier = _enterprise(request, payload.supplier, "supplier")
    return _act(request, services.shortlist, demand=demand, supplier=supplier, note=payload.note)


@router.post(
    "/demands/{code}/invite",
    response={200: list[DemandCandidateOut], **WRITE_ERRORS},
    summary="Invite suppliers",
)
def invite(request, code: str, payload: InviteIn):
    demand = _demand(request, code)
    suppliers = [_enterprise(request, s, "suppliers") for s in payload.suppliers]
    return _act(request, services.invite, demand=demand, suppliers=suppliers)


@router.post(
    "/demands/{code}/respond",
    response={200: DemandCandidateOut, **WRITE_ERRORS},
    summary="Answer an invitation (supplier)",
)
def respond(request, code: str, payload: RespondIn):
    demand = _demand(request, code)
    return _act(
        request, services.respond, demand=demand, interested=payload.interested, note=payload.note
    )


@router.post(
    "/demands/{code}/result",
    response={200: DemandOut, **WRITE_ERRORS},
    summary="Record the result",
)
def result(request, code: str, payload: ResultIn):
    demand = _demand(request, code)
    winner = _enterprise(request, payload.awarded_to, "awarded_to") if payload.awarded_to else None
    _act(
        request,
        services.record_result,
        demand=demand,
        outcome=payload.outcome,
        awarded_to=winner,
        note=payload.note,
        on=payload.on,
    )
    return _demand(request, code)


@router.get("/fits", response=FitsOut, summary="Demands that fit my company")
def fits(request, enterprise: str | None = None):
    """Open demands your company's sites fit, best first, with the same explanation the buyer
    sees. Superusers may name any `enterprise`."""
    target = _enterprise(request, enterprise, "enterprise") if enterprise else None
    owner, pairs = _act(request, services.demands_fitting, enterprise=target)
    return {
        "enterprise": owner.public_id if owner else None,
        "fits": [{"demand": demand, "candidate": c.as_dict()} for demand, c in pairs],
    }


# -- targets --------------------------------------------------------------------------------


def _target_list(request, region: str, year, node):
    try:
        return services.recommend_targets(
            user=request.auth, region_code=region, year=year, node_code=node or None
        )
    except ValidationError as error:
        raise field_error("region", "; ".join(error.messages), "unknown")


@router.get(
    "/targets",
    response={200: TargetListOut, **READ_ERRORS},
    summary="Investment targets for a region's chain gaps",
)
def targets(request, region: str, year: int | None = None, node: str | None = None):
    """For each missing, weak or single-source chain node of the region, the enterprises outside
    it that could fill the gap, with their score and reasons."""
    return _target_list(request, region, year, node).as_dict()


@router.get("/targets.xlsx", summary="The target list (招商目标清单) as XLSX")
def targets_xlsx(request, region: str, year: int | None = None, node: str | None = None):
    from clusterhub.tabular.export import XLSX_TYPE

    from .targets import export_xlsx_bytes

    target_list = _target_list(request, region, year, node)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response = HttpResponse(export_xlsx_bytes(target_list), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"招商目标清单-{target_list.region.code}-{stamp}.xlsx"
    )
    return response


@router.post(
    "/targets/leads",
    response={201: LeadOut, 200: LeadOut, **WRITE_ERRORS},
    summary="Target to lead",
)
def target_lead(request, payload: LeadIn):
    """Turn a target into an investment project lead whose origin is the gap (node and region).
    An existing lead for the same company and gap is returned (200) instead of a second one."""
    from clusterhub.projects.services import ProjectPermissionError

    enterprise = _enterprise(request, payload.enterprise, "enterprise")
    try:
        project, created = services.create_target_lead(
            user=request.auth,
            region_code=payload.region,
            node_code=payload.node,
            enterprise=enterprise,
            year=payload.year,
        )
    except ProjectPermissionError as error:
        _refused(error)
    body = {"project": project.code, "created": created, "url": project.get_absolute_url()}
    return Status(201 if created else 200, body)


# -- search ---------------------------------------------------------------------------------


@router.get("/search", response=SearchOut, summary="Search the registry")
def search(
    request,
    q: str = "",
    type: list[str] = Query(None),  # noqa: B008 (ninja's way to declare a repeated parameter)
    city: str | None = None,
    kind: str | None = None,
    node: str | None = None,
    cert: str | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(20, ge=1, le=50),
    facets: bool = True,
):
    """Enterprises by any name (registered, short, English, aliases), pinyin or its initials,
    credit code or stock code; projects and demands by name, code or description. Traditional
    characters and full-width letters are normalised; Latin words tolerate typos. Facets: city,
    kind, chain node, certification. `type`: enterprise, project, demand, event (repeatable).
    `facets=false`: the hits and the count only (no facets, no counts by type), in about half
    the time: for a search box, which asks for the facets when it shows them."""
    answer = services.search(
        user=request.auth,
        query=q,
        types=type or None,
        city=city,
        kind=kind,
        node=node,
        cert=cert,
        page=page,
        page_size=page_size,
        facets=facets,
    )
    body = {
        "query": answer.query[:200],
        "state": answer.state,
        "count": answer.count,
        "count_complete": answer.count_complete,
        "by_type": answer.by_type,
        "page": answer.page,
        "page_size": answer.page_size,
        "notes": answer.notes,
        "facets": answer.facets,
        "hits": [
            {
                "type": h.doc_type,
                "id": next(
                    (getattr(h.obj, a) for a in ("public_id", "code", "slug") if hasattr(h.obj, a)),
                    "",
                ),
                "title": h.title,
                "subtitle": h.subtitle,
                "url": h.url,
                "score": h.score,
            }
            for h in answer.hits
        ],
    }
    # Written out as it is built (plain str, int, float, bool, lists and dicts in SearchOut's
    # shape, which a test checks): ninja's validation of the response against SearchOut cost
    # ~0.8 ms a call, a quarter of a search box's request.
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
