"""Chain analytics API: local sourcing rate, breakdowns, gap list, city roles, dependency.

Every answer comes from the current analytics snapshot (see chain/analytics) and says which one
(`snapshot`) and over which links it was computed (`audience`): government users get aggregates
over all supply links, everyone else over public links only (chain/analytics/access.py). Money is
a decimal string of yuan, rates and shares are fractions (0.25 = 25%). Until the first snapshot is
computed the endpoints answer 503 and ask for one.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from clusterhub.core.access import get_access
from clusterhub.core.api_common import ErrorOut

from . import services

router = Router(tags=["chain analytics"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut}


# Schemas ------------------------------------------------------------------------------------


class EnterpriseRef(Schema):
    public_id: str | None = Field(description="Null when the caller may not view it.")
    name: str
    name_en: str | None = None


class RegionRef(Schema):
    code: str
    name: str
    name_en: str | None = None


class Rate(Schema):
    value_total: str = Field(description="Yuan bought by the OEMs in scope.")
    value_local: str = Field(description="Yuan of it produced inside the region.")
    value_outside: str
    count_total: int = Field(description="Supply links in scope.")
    count_local: int
    rate_value: float | None = Field(description="Local share by value; null without buying.")
    rate_count: float | None = Field(description="Local share by number of links.")


class YearRate(Rate):
    year: int


class Trend(Schema):
    years: list[YearRate]
    slope_pp_per_year: float | None = Field(description="Least-squares slope, points a year.")
    change_pp: float | None = Field(description="Last year minus first, percentage points.")


class OemRate(Rate):
    oem: EnterpriseRef | None


class CityShare(Schema):
    city: RegionRef | None = Field(description="The supplier's city (null: unknown location).")
    local: bool
    value_total: str
    count_total: int
    share: float | None


class SingleSource(Schema):
    oem: EnterpriseRef | None
    supplier: EnterpriseRef | None
    share: float | None
    value: str
    oem_total: str


class NodeRate(Rate):
    code: str
    name: str
    name_en: str
    depth: int
    segment: str
    unmet: str = Field(description="Yuan bought from outside the region.")
    gap_class: Literal["missing", "weak", "single_source", "strong"] | None = Field(
        alias="class", description="Null when nobody in scope buys the node."
    )
    class_label: str
    reason: str
    single: SingleSource | None = Field(description="The most concentrated OEM buying.")


class Scope(Schema):
    snapshot: str
    audience: Literal["all", "public"]
    region: RegionRef
    year: int | None
    years: list[int]
    oems: list[EnterpriseRef | None] | None
    thresholds: dict[str, str]


class RateOut(Scope):
    rate: Rate
    trend: Trend
    skipped: dict[str, int] = Field(description="Links left out of every metric, by reason.")


class ReportOut(RateOut):
    by_oem: list[OemRate]
    by_city: list[CityShare]
    by_node: list[NodeRate]
    gaps: list[NodeRate]


class GapsOut(Scope):
    gaps: list[NodeRate]


class BreakdownOut(Scope):
    rows: list[dict]


class RoleCell(Schema):
    child: int
    key: str
    value: str
    lq: float | None


class RolesOut(Schema):
    snapshot: str
    audience: str
    region: RegionRef | None
    year: int | None
    kind: Literal["segment", "node"]
    cities: list[dict]
    keys: list[dict]
    cells: list[RoleCell]
    strong: dict[str, list[RoleCell]] = Field(
        description="Per child region: LQ >= 1, highest first."
    )


class PlantRisk(Schema):
    oem: EnterpriseRef | None
    site_id: int | None
    tier: int = Field(description="Supply steps from the failure (1: bought directly).")
    value_total: str
    value_at_risk: str
    value_direct: str
    share_at_risk: float | None


class DependencyOut(Schema):
    snapshot: str
    audience: str
    year: int | None
    failed: dict
    affected_enterprises: int
    affected_by_tier: list[dict]
    plants: list[PlantRisk]


class UpstreamOut(Schema):
    snapshot: str
    audience: str
    enterprise: EnterpriseRef | None
    year: int | None
    region: RegionRef | None
    suppliers: int
    tiers: list[dict]


class NodeEnterprise(Schema):
    enterprise: EnterpriseRef
    value: str
    value_local: str
    local_share: float | None
    links: int


class NodeEnterprisesOut(Schema):
    snapshot: str
    audience: str
    region: RegionRef
    year: int | None
    node: NodeRate
    suppliers: list[NodeEnterprise]
    oems: list[NodeEnterprise]


class ScopeQuery(Schema):
    region: str = Field(description="Region code: province, city, district or zone.")
    year: int | None = Field(None, description="Default: the latest year with data.")
    oem: list[str] = Field(default_factory=list, description="OEM public ids (default: all OEMs).")
    weak: str | None = Field(None, description="Weak threshold, fraction or percent (30%).")
    single_source: str | None = Field(None, description="Single-source share (70%, >= 50%).")


class RefreshOut(Schema):
    detail: str


# Helpers ------------------------------------------------------------------------------------


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except services.AnalyticsNotReady:
        raise HttpError(503, _("The chain analytics are being computed. Try again in a minute."))
    except services.AnalyticsNotFound as exc:
        raise HttpError(404, str(exc))
    except services.AnalyticsError as exc:
        raise HttpError(422, str(exc))
    except PermissionDenied:
        raise HttpError(401, _("Sign in first."))


def _report(request, query: ScopeQuery) -> dict:
    return _call(
        services.chain_report,
        user=request.auth,
        region_code=query.region,
        year=query.year,
        oems=query.oem or None,
        weak_threshold=query.weak,
        single_source_threshold=query.single_source,
    )


def _scope(answer: dict) -> dict:
    keys = ("snapshot", "audience", "region", "year", "years", "oems", "thresholds")
    return {k: answer[k] for k in keys}


# Endpoints ----------------------------------------------------------------------------------


@router.get("/rate", response={200: RateOut, **ERRORS}, summary="Local sourcing rate and trend")
def rate(request, query: Query[ScopeQuery]):
    """The local sourcing rate of the region's OEMs (by value and by count) in the year, and by
    year with its trend."""
    answer = _report(request, query)
    return {
        **_scope(answer),
        "rate": answer["rate"],
        "trend": answer["trend"],
        "skipped": answer["skipped"],
    }


@router.get(
    "/report", response={200: ReportOut, **ERRORS}, summary="The whole region report", by_alias=True
)
def report(request, query: Query[ScopeQuery]):
    """Rate, trend, breakdowns by OEM, supplier city and chain node (rolled up), and gaps."""
    return _report(request, query)


@router.get(
    "/breakdowns/{by}", response={200: BreakdownOut, **ERRORS}, summary="One breakdown of the rate"
)
def breakdown(request, by: Literal["oem", "city", "node"], query: Query[ScopeQuery]):
    answer = _report(request, query)
    return {**_scope(answer), "rows": answer[f"by_{by}"]}


@router.get("/gaps", response={200: GapsOut, **ERRORS}, summary="The gap list", by_alias=True)
def gaps(
    request,
    query: Query[ScopeQuery],
    gap_class: Literal["missing", "weak", "single_source"] | None = None,
    depth: int | None = None,
):
    """Nodes that are missing, weak or single-source in the region, ranked by unmet value (yuan
    bought from outside the region), with the reason."""
    answer = _report(request, query)
    rows = [
        g
        for g in answer["gaps"]
        if (gap_class is None or g["class"] == gap_class) and (depth is None or g["depth"] == depth)
    ]
    return {**_scope(answer), "gaps": rows}


@router.get("/city-roles", response={200: RolesOut, **ERRORS}, summary="City roles (LQ)")
def city_roles(
    request,
    region: str,
    year: int | None = None,
    kind: Literal["segment", "node"] = "segment",
):
    """Location quotient of each child area (the cities of a province) x chain segment, or x
    system-level chain node, against the region: above 1, the area specialises in it."""
    return _call(
        services.chain_city_roles, user=request.auth, region_code=region, year=year, kind=kind
    )


@router.get("/dependency", response={200: DependencyOut, **ERRORS}, summary="Dependency on ...")
def dependency(
    request,
    supplier: str | None = None,
    site: int | None = None,
    region: str | None = None,
    year: int | None = None,
):
    """Which OEM plants depend, through any number of tiers, on a supplier (public id), one of
    its sites (id) or every producer in a region (code); and the share of each plant's buying
    at risk if it fails. Without a year: every year together."""
    return _call(
        services.chain_dependency,
        user=request.auth,
        year=year,
        supplier=supplier,
        site=site,
        region_code=region,
    )


@router.get("/upstream", response={200: UpstreamOut, **ERRORS}, summary="An OEM's supply tiers")
def upstream(request, enterprise: str, year: int | None = None, region: str | None = None):
    """The suppliers an OEM (or any enterprise) depends on, tier by tier."""
    return _call(
        services.chain_upstream,
        user=request.auth,
        enterprise=enterprise,
        year=year,
        region_code=region,
    )


@router.get(
    "/nodes/{code}/enterprises",
    response={200: NodeEnterprisesOut, **ERRORS},
    summary="A node's suppliers and buyers",
    by_alias=True,
)
def node_enterprises(request, code: str, query: Query[ScopeQuery]):
    """The node's gap in the region, the suppliers selling it (or anything under it) to the
    region's OEMs and the OEMs buying it: only links the caller may view."""
    return _call(
        services.chain_node_enterprises,
        user=request.auth,
        node_code=code,
        region_code=query.region,
        year=query.year,
        oems=query.oem or None,
    )


@router.post("/refresh", response={202: RefreshOut, 401: ErrorOut, 403: ErrorOut})
def refresh(request):
    """Ask for a recompute (data stewards and government officers)."""
    access = get_access(request.auth)
    if not (access.is_data_steward() or (access.is_government and access.region_paths(2))):
        raise HttpError(403, _("Only data stewards and officers may ask for a recompute."))
    services.request_refresh()
    return Status(202, {"detail": _("A recompute has been requested.")})
