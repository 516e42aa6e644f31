"""API schemas for sourcing demands, rankings, targets and search. Enterprises appear by public
id, chain nodes and regions by code; money is a decimal string of yuan (in: a number or text such
as "3000万元")."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from clusterhub.core.api_common import Yuan
from clusterhub.enterprises.choices import CertificationStandard

from .choices import CandidateStatus, DemandStatus, DemandVisibility, LocationPreference


class DemandOut(Schema):
    code: str
    title: str
    description: str
    buyer: str = Field(description="Public id of the buying enterprise.")
    buyer_name: str
    buyer_site: int | None = Field(None, description="Id of the receiving plant.")
    buyer_site_name: str | None
    chain_node: str
    chain_node_name: str
    annual_volume: int | None
    volume_unit: str
    annual_value: Decimal | None
    required_certifications: list[str]
    sop: datetime.date | None = Field(None, description="Start of production.")
    location: LocationPreference
    max_distance_km: int | None
    deadline: datetime.date | None
    visibility: DemandVisibility
    status: DemandStatus
    awarded_to: str | None
    result_note: str
    closed_on: datetime.date | None
    created: datetime.datetime
    updated: datetime.datetime

    @staticmethod
    def resolve_buyer(obj) -> str:
        return obj.buyer.public_id

    @staticmethod
    def resolve_buyer_name(obj) -> str:
        return obj.buyer.name

    @staticmethod
    def resolve_buyer_site(obj):
        return obj.buyer_site_id

    @staticmethod
    def resolve_buyer_site_name(obj):
        return obj.buyer_site.name if obj.buyer_site_id else None

    @staticmethod
    def resolve_chain_node(obj) -> str:
        return obj.chain_node.code

    @staticmethod
    def resolve_chain_node_name(obj) -> str:
        return obj.chain_node.name

    @staticmethod
    def resolve_awarded_to(obj):
        return obj.awarded_to.public_id if obj.awarded_to_id else None


class DemandFilters(Schema):
    status: DemandStatus | None = None
    chain_node: str | None = Field(None, description="Chain node code (its subtree).")
    buyer: str | None = Field(None, description="Public id of the buyer.")


class DemandIn(Schema):
    buyer: str = Field(description="Public id of the buyer (your company or one of your group).")
    buyer_site: int | None = Field(None, description="Id of the receiving plant.")
    chain_node: str
    title: str = Field(max_length=200)
    description: str = ""
    annual_volume: int | None = Field(None, ge=0)
    volume_unit: str = Field("", max_length=30)
    annual_value: Yuan = None
    required_certifications: list[CertificationStandard] = []
    sop: datetime.date | None = None
    location: LocationPreference = LocationPreference.ANYWHERE
    max_distance_km: int | None = Field(None, ge=1, le=5000)
    deadline: datetime.date | None = None
    visibility: DemandVisibility = DemandVisibility.EVERYONE
    status: Literal["draft", "open"] = "open"


class DemandPatch(Schema):
    buyer_site: int | None = None
    chain_node: str | None = None
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    annual_volume: int | None = Field(None, ge=0)
    volume_unit: str | None = Field(None, max_length=30)
    annual_value: Yuan = None
    required_certifications: list[CertificationStandard] | None = None
    sop: datetime.date | None = None
    location: LocationPreference | None = None
    max_distance_km: int | None = Field(None, ge=1, le=5000)
    deadline: datetime.date | None = None
    visibility: DemandVisibility | None = None
    status: Literal["draft", "open"] | None = None


class FactorOut(Schema):
    key: str
    label: str
    points: float | None = Field(description="Points earned; null for a hard filter passed.")
    max_points: int | None
    value: str
    detail: str


class RankedEnterprise(Schema):
    public_id: str
    name: str
    name_en: str
    kind: str
    size: str


class RankedSite(Schema):
    id: int
    name: str
    region: str | None
    region_name: str | None


class CandidateOut(Schema):
    rank: int
    score: float
    enterprise: RankedEnterprise
    site: RankedSite
    node_match: str
    distance_km: float | None
    factors: list[FactorOut]


class FunnelStep(Schema):
    step: str
    label: str
    count: int


class RankingDemand(Schema):
    code: str
    title: str
    chain_node: str
    chain_node_name: str
    buyer: str
    buyer_name: str
    sop: str | None
    required_certifications: list[str]
    location: str
    max_distance_km: int | None


class RankingOut(Schema):
    demand: RankingDemand
    state: Literal["ok", "no_supplier", "filtered_out", "index_building"]
    message: str
    funnel: list[FunnelStep]
    weights: dict[str, int]
    candidates: list[CandidateOut]


class ShortlistIn(Schema):
    supplier: str = Field(description="Public id of the supplier.")
    note: str = Field("", max_length=500)


class InviteIn(Schema):
    suppliers: list[str] = Field(description="Public ids of the suppliers to invite.", min_length=1)


class RespondIn(Schema):
    interested: bool
    note: str = Field("", max_length=1000)


class ResultIn(Schema):
    outcome: Literal["awarded", "closed", "cancelled"]
    awarded_to: str | None = Field(None, description="Public id of the winner (awarded only).")
    note: str = Field("", max_length=500)
    on: datetime.date | None = None


class DemandCandidateOut(Schema):
    supplier: str
    supplier_name: str
    status: CandidateStatus
    score: Decimal | None
    note: str
    invited_at: datetime.datetime | None
    responded_at: datetime.datetime | None
    response_note: str
    explanation: dict

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.supplier.public_id

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name


class FitOut(Schema):
    demand: DemandOut
    candidate: CandidateOut


class FitsOut(Schema):
    enterprise: str | None
    fits: list[FitOut]


class TargetEnterprise(Schema):
    public_id: str
    name: str
    name_en: str
    kind: str
    size: str
    home_region: str | None
    home_region_name: str | None


class TargetOut(Schema):
    rank: int
    score: float
    enterprise: TargetEnterprise
    return_value: str = Field(description="Yuan a year sold to this region's OEMs from outside.")
    other_value: str = Field(description="Yuan a year sold to OEMs elsewhere.")
    growth: float | None
    has_capability: bool
    nev: bool
    reasons: list[str]
    factors: dict[str, float]


class GapNode(Schema):
    code: str
    name: str
    name_en: str
    is_nev: bool


class GapOut(Schema):
    node: GapNode
    gap_class: Literal["missing", "weak", "single_source"]
    class_label: str
    unmet: str
    value_total: str
    rate: float | None
    reason: str
    targets: list[TargetOut]


class TargetRegion(Schema):
    code: str
    name: str


class TargetListOut(Schema):
    region: TargetRegion
    year: int | None
    state: Literal["ok", "not_ready", "no_gaps"]
    message: str
    weights: dict[str, int]
    gaps: list[GapOut]


class LeadIn(Schema):
    region: str = Field(description="Region code of the gap.")
    node: str = Field(description="Chain node code of the gap.")
    enterprise: str = Field(description="Public id of the target enterprise.")
    year: int | None = None


class LeadOut(Schema):
    project: str = Field(description="Code of the investment project.")
    created: bool
    url: str


class SearchHitOut(Schema):
    type: str
    id: str = Field(description="Public id, project code, demand code or event short name.")
    title: str
    subtitle: str
    url: str
    score: float


class FacetValue(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    query: str
    state: Literal["ok", "empty", "index_building"]
    count: int
    count_complete: bool = Field(
        True,
        description="False when `facets=false` stopped at a strict step that filled the page: "
        "`count` is then at least the number of matches (more names match with typos).",
    )
    by_type: dict[str, int]
    page: int
    page_size: int
    notes: list[str]
    facets: dict[str, list[FacetValue]]
    hits: list[SearchHitOut]
