"""API schemas for projects, targets and KPIs. Related records appear by their codes and public
ids; money is a decimal string of yuan (in: a number of yuan or text such as "2.1亿元")."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from clusterhub.chain.choices import Segment
from clusterhub.core.api_common import Yuan
from clusterhub.core.choices import Confidentiality

from .choices import Metric, OriginKind, ProblemStatus, ScopeKind, Stage


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class ProjectOut(Schema):
    code: str
    name: str
    name_en: str
    investor: str = Field(description="Public id of the investing enterprise.")
    investor_name: str
    stage: Stage
    segment: Segment | Literal[""]
    origin_kind: OriginKind
    city: str | None = Field(None, description="Code of the city the project counts for.")
    signing_region: str | None
    landing_region: str | None
    landing_park: str | None
    confidentiality: Confidentiality
    planned_investment: Decimal | None
    contract_amount: Decimal | None
    funds_arrived: Decimal | None
    fixed_asset_investment: Decimal | None
    expected_annual_output: Decimal | None
    jobs: int | None
    lead_on: datetime.date | None
    signed_on: datetime.date | None
    started_on: datetime.date | None
    operating_on: datetime.date | None
    stage_changed_at: datetime.datetime | None
    owner: str | None = Field(None, description="User name of the owner official.")
    secretary: str | None
    is_synthetic: bool
    updated: datetime.datetime

    @staticmethod
    def resolve_investor(obj) -> str:
        return obj.investor.public_id

    @staticmethod
    def resolve_investor_name(obj) -> str:
        return obj.investor.name

    @staticmethod
    def resolve_city(obj):
        return _code(obj.city)

    @staticmethod
    def resolve_signing_region(obj):
        return _code(obj.signing_region)

    @staticmethod
    def resolve_landing_region(obj):
        return _code(obj.landing_region)

    @staticmethod
    def resolve_landing_park(obj):
        return _code(obj.landing_park)

    @staticmethod
    def resolve_owner(obj):
        return _username(obj.owner)

    @staticmethod
    def resolve_secretary(obj):
        return _username(obj.secretary)


class StageEventOut(Schema):
    from_stage: Stage | Literal[""]
    to_stage: Stage
    on: datetime.date
    at: datetime.datetime
    user_name: str
    source: str
    reason: str


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: datetime.date
    done_on: datetime.date | None
    owner: str | None

    @staticmethod
    def resolve_owner(obj):
        return _username(obj.owner)


class ProblemOut(Schema):
    id: int
    description: str
    owner: str | None
    raised_on: datetime.date
    due_on: datetime.date | None
    status: ProblemStatus
    resolution: str
    resolved_on: datetime.date | None

    @staticmethod
    def resolve_owner(obj):
        return _username(obj.owner)


class FundsOut(Schema):
    id: int
    on: datetime.date
    amount: Decimal
    note: str


class ProjectDetail(ProjectOut):
    description: str
    origin_chain_node: str | None
    origin_region: str | None
    origin_reference: str
    site_address: str
    stalled_from: Stage | Literal[""]
    stage_reason: str
    chain_nodes: list[str]
    named_people: list[str]
    legal_moves: list[Stage]
    stage_events: list[StageEventOut]
    milestones: list[MilestoneOut]
    problems: list[ProblemOut]
    funds: list[FundsOut]

    @staticmethod
    def resolve_origin_chain_node(obj):
        return _code(obj.origin_chain_node)

    @staticmethod
    def resolve_origin_region(obj):
        return _code(obj.origin_region)

    @staticmethod
    def resolve_chain_nodes(obj):
        return [node.code for node in obj.chain_nodes.all()]

    @staticmethod
    def resolve_named_people(obj):
        return [user.get_username() for user in obj.named_people.all()]

    @staticmethod
    def resolve_legal_moves(obj):
        from .services import legal_moves

        return legal_moves(obj)

    @staticmethod
    def resolve_stage_events(obj):
        return obj.stage_events.order_by("at", "pk")

    @staticmethod
    def resolve_milestones(obj):
        return obj.milestones.select_related("owner")

    @staticmethod
    def resolve_problems(obj):
        return obj.problems.select_related("owner")

    @staticmethod
    def resolve_funds(obj):
        return obj.fund_arrivals.all()


class ProjectFields(Schema):
    """Fields shared by create and update; on update every field is optional."""

    name_en: str | None = None
    description: str | None = None
    chain_nodes: list[str] | None = Field(None, description="Chain node codes.")
    segment: Segment | None = None
    origin_chain_node: str | None = Field(None, description="Chain node code (gap origin).")
    origin_region: str | None = Field(None, description="Region code (gap origin).")
    origin_reference: str | None = None
    signing_region: str | None = Field(None, description="Region code of the signing city.")
    landing_region: str | None = Field(None, description="Region code of the landing area.")
    landing_park: str | None = Field(None, description="Park code.")
    site_address: str | None = None
    owner: str | None = Field(None, description="User name of the owner official.")
    secretary: str | None = Field(None, description="User name of the project secretary.")
    confidentiality: Confidentiality | None = None
    planned_investment: Yuan = None
    expected_annual_output: Yuan = None
    jobs: int | None = Field(None, ge=0)


class ProjectCreate(ProjectFields):
    name: str = Field(min_length=1, max_length=200)
    investor: str = Field(
        description="The investor: public id, credit code, or exact registered or short name."
    )
    origin_kind: OriginKind = OriginKind.OTHER
    code: str | None = Field(None, max_length=40, description="Left out, a code is given.")
    stage: Literal["lead", "negotiating"] = "lead"
    lead_on: datetime.date | None = None


class ProjectPatch(ProjectFields):
    name: str | None = Field(None, min_length=1, max_length=200)
    investor: str | None = None
    origin_kind: OriginKind | None = None
    fixed_asset_investment: Yuan = None
    funds_arrived: Yuan = Field(None, description="Total to date; the increase arrives today.")


class StageMove(Schema):
    stage: Stage
    on: datetime.date | None = Field(None, description="Effective date; default today.")
    reason: str = ""
    contract_amount: Yuan = None
    signing_region: str | None = None
    landing_region: str | None = None
    landing_park: str | None = None
    site_address: str | None = None
    confidentiality: Confidentiality | None = None


class MilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    due_on: datetime.date


class ProblemIn(Schema):
    description: str = Field(min_length=1, max_length=500)
    due_on: datetime.date | None = None


class ResolveIn(Schema):
    resolution: str = Field(min_length=1, max_length=500)


class FundsIn(Schema):
    amount: Yuan
    on: datetime.date
    note: str = ""


class ProjectFilters(Schema):
    q: str | None = Field(None, description="Code, name or investor name.")
    stage: Stage | None = None
    region: str | None = Field(None, description="Region code (below included).")
    park: str | None = None
    segment: Segment | None = None
    origin_kind: OriginKind | None = None
    origin_reference: str | None = Field(None, description="Exactly this origin reference.")
    investor: str | None = Field(None, description="Public id of the investor.")
    confidentiality: Confidentiality | None = None
    chain_node: str | None = None
    signed_year: int | None = None
    signed_month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    started_year: int | None = None
    started_month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    operating_year: int | None = None
    funds_year: int | None = None
    reached: Literal["signed", "started", "operating"] | None = Field(
        None, description="Reached this stage at some time, whatever the stage now."
    )
    synthetic: bool | None = None
    stale: bool | None = Field(None, description="No stage change for longer than allowed.")
    overdue: bool | None = Field(None, description="An open milestone or problem past its date.")
    ordering: (
        Literal[
            "code",
            "-code",
            "name",
            "-updated",
            "updated",
            "contract_amount",
            "-contract_amount",
            "signed_on",
            "-signed_on",
        ]
        | None
    ) = None


class AlertOut(Schema):
    kind: Literal["stale", "milestone", "problem"]
    project: str
    project_name: str
    message: str
    since: datetime.date | None
    days: int

    @staticmethod
    def resolve_project(obj) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj) -> str:
        return obj.project.name


class TargetOut(Schema):
    id: int
    scope_kind: ScopeKind
    region: str | None
    park: str | None
    segment: Segment | Literal[""]
    year: int
    metric: Metric
    value: Decimal

    @staticmethod
    def resolve_region(obj):
        return _code(obj.region)

    @staticmethod
    def resolve_park(obj):
        return _code(obj.park)


class TargetIn(Schema):
    scope: str = Field(description="cluster, a city's region code, or a park code.")
    segment: Segment | None = None
    year: int = Field(ge=2000, le=2100)
    metric: Metric
    value: Yuan = Field(description="Yuan for amounts (500亿元 accepted), a count for projects.")
