"""Resolution over the API (mounted at /api/resolution): a dry run of a list, the review queue
with accept, reject and bulk decisions, flagging two registry records as one company, the merges
and their undo.

    POST /api/resolution/resolve               {"rows": [...], "source": ""}: nothing written
    GET  /api/resolution/reviews?status=pending the queue (paginated)
    GET  /api/resolution/reviews/{id}          one pair, field by field
    POST /api/resolution/reviews/{id}/accept   same company: merged
    POST /api/resolution/reviews/{id}/reject   different companies: never asked again
    POST /api/resolution/reviews/bulk          {"ids": [...], "action": "accept" | "reject"}
    POST /api/resolution/flag                  {"first": public id, "second": public id, "note"}
    GET  /api/resolution/merges                merges the caller may undo (paginated)
    POST /api/resolution/merges/{id}/undo      both records come back

Officers only (as on the pages), except flagging, which anyone who can see both records may do.
Anything else is a 404, as if the item did not exist.
"""

import datetime
from enum import Enum
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from clusterhub.core.access import get_access
from clusterhub.core.api_common import READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination
from clusterhub.enterprises.models import Enterprise

from . import services
from .choices import ReviewStatus
from .models import Merge

router = Router(tags=["resolution"])

MAX_RESOLVE_ROWS = 5000
MAX_BULK = 500

ReviewState = Enum("ReviewState", {value: value for value in ReviewStatus.values}, type=str)


def _not_found():
    return HttpError(404, _("Not found."))


def _officer(request) -> None:
    access = get_access(request.auth)
    if not (access.is_superuser or access.region_paths(2)):
        raise _not_found()


# --- dry run -----------------------------------------------------------------------------------

RowValue = str | int | float | list[str] | None


class ResolveIn(Schema):
    rows: list[dict[str, RowValue]] = Field(
        ...,
        min_length=1,
        max_length=MAX_RESOLVE_ROWS,
        description="Rows with canonical keys (name, name_en, short_name, aliases, credit_code, "
        "stock_code, city, address, phone, website) or common Chinese headers (企业名称 ...).",
    )
    source: str = Field("", max_length=300)


class ResolvedRow(Schema):
    row: int
    cluster: str
    decision: str
    score: float
    enterprise: str | None = None
    candidate: str | None = None
    notes: list[str] = []


class ResolveOut(Schema):
    rows: list[ResolvedRow]


@router.post(
    "/resolve",
    response={200: ResolveOut, **READ_ERRORS},
    summary="What resolution would do with these rows (nothing is written)",
)
def resolve(request, payload: ResolveIn):
    _officer(request)
    resolutions = services.resolve_rows(rows=payload.rows, source=payload.source)
    # Registry records the caller may not see are not named.
    visible = set(
        Enterprise.objects.restrict(request.auth, "view")
        .filter(public_id__in={r.cluster for r in resolutions} | {
            r.candidate_cluster for r in resolutions if r.candidate_cluster
        })
        .values_list("public_id", flat=True)
    )  # fmt: skip
    rows = []
    for resolution in resolutions:
        out = resolution.as_json()
        for key in ("cluster", "enterprise", "candidate"):
            value = out.get(key)
            if value and not value.startswith("new-") and value not in visible:
                out[key] = "hidden" if key == "cluster" else None
        rows.append(out)
    return Status(200, {"rows": rows})


# --- the review queue --------------------------------------------------------------------------


class ReviewOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    candidate: str
    candidate_name: str
    score: float
    kind: str
    status: str
    source: str
    note: str
    comparison: list[dict]
    created: datetime.datetime
    decided_at: datetime.datetime | None
    merge: int | None

    @staticmethod
    def resolve_enterprise(item):
        return item.enterprise.public_id

    @staticmethod
    def resolve_enterprise_name(item):
        return item.enterprise.name

    @staticmethod
    def resolve_candidate(item):
        return item.candidate.public_id

    @staticmethod
    def resolve_candidate_name(item):
        return item.candidate.name

    @staticmethod
    def resolve_merge(item):
        return item.merge_id


@router.get("/reviews", response=list[ReviewOut], summary="The review queue")
@paginate(Pagination)
def reviews(request, status: ReviewState = ReviewState.pending):
    _officer(request)
    items = (
        services.reviewable_items(request.auth).filter(status=status.value).order_by("-score", "pk")
    )
    return items


class BulkIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=MAX_BULK)
    action: Literal["accept", "reject"]


class BulkOut(Schema):
    done: int
    problems: list[str]


@router.post(
    "/reviews/bulk",
    response={200: BulkOut, **WRITE_ERRORS},
    summary="Accept or reject several pending pairs",
)
def bulk(request, payload: BulkIn):
    _officer(request)
    items = (
        services.reviewable_items(request.auth)
        .filter(pk__in=payload.ids, status=ReviewStatus.PENDING)
        .order_by("pk")
    )
    done, problems = services.decide_many(
        items=list(items), user=request.auth, accept=payload.action == "accept"
    )
    return Status(200, {"done": done, "problems": problems})


def _item(request, item_id: int):
    _officer(request)
    item = services.reviewable_items(request.auth).filter(pk=item_id).first()
    if item is None:
        raise _not_found()
    return item


@router.get("/reviews/{item_id}", response={200: ReviewOut, **READ_ERRORS}, summary="One pair")
def review(request, item_id: int):
    return Status(200, _item(request, item_id))


def _decide(request, item_id: int, accept: bool):
    item = _item(request, item_id)
    try:
        if accept:
            services.accept_review(item=item, user=request.auth)
        else:
            services.reject_review(item=item, user=request.auth)
    except ValidationError as error:
        raise HttpError(409, error.messages[0])
    item.refresh_from_db()
    return Status(200, item)


@router.post(
    "/reviews/{item_id}/accept",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Same company: merge the pair",
)
def accept(request, item_id: int):
    return _decide(request, item_id, True)


@router.post(
    "/reviews/{item_id}/reject",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Different companies: never asked again",
)
def reject(request, item_id: int):
    return _decide(request, item_id, False)


class FlagIn(Schema):
    first: str = Field(..., max_length=16, description="Public id of one record.")
    second: str = Field(..., max_length=16, description="Public id of the other record.")
    note: str = Field("", max_length=500)


@router.post(
    "/flag",
    response={201: ReviewOut, 400: ErrorOut, **WRITE_ERRORS},
    summary="Say that two registry records are the same company (an officer confirms)",
)
def flag(request, payload: FlagIn):
    visible = Enterprise.objects.restrict(request.auth, "view")
    first = visible.filter(public_id=payload.first.strip().upper()).first()
    second = visible.filter(public_id=payload.second.strip().upper()).first()
    if first is None or second is None:
        raise _not_found()
    try:
        item = services.flag_same_company(
            user=request.auth, enterprise=first, other=second, note=payload.note
        )
    except ValidationError as error:
        raise HttpError(409, error.messages[0])
    return Status(201, item)


# --- merges ------------------------------------------------------------------------------------


class MergeOut(Schema):
    id: int
    survivor: str = Field(..., alias="survivor_public_id")
    absorbed: str = Field(..., alias="absorbed_public_id")
    absorbed_name: str
    source: str
    created: datetime.datetime
    undone_at: datetime.datetime | None


@router.get("/merges", response=list[MergeOut], summary="Merges (newest first)")
@paginate(Pagination)
def merges(request):
    _officer(request)
    return Merge.objects.restrict(request.auth, "change").order_by("-pk")


class UndoOut(Schema):
    restored: str


@router.post(
    "/merges/{merge_id}/undo",
    response={200: UndoOut, **WRITE_ERRORS},
    summary="Undo a merge: both records come back",
)
def undo(request, merge_id: int):
    _officer(request)
    merge = Merge.objects.restrict(request.auth, "change").filter(pk=merge_id).first()
    if merge is None:
        raise _not_found()
    try:
        restored = services.undo_merge(merge=merge, user=request.auth)
    except ValidationError as error:
        raise HttpError(409, error.messages[0])
    return Status(200, {"restored": restored.public_id})
