"""Resolution over the API (router to mount at /api/resolution): a dry run of a list, the review
queue with accept and reject, and undoing a merge. Officers only, as on the pages."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from clusterhub.core.access import get_access

from . import services
from .choices import ReviewStatus
from .models import Merge

router = Router(tags=["resolution"])


def _officer(request) -> None:
    access = get_access(request.auth)
    if not (access.is_superuser or access.region_paths(2)):
        raise HttpError(404, "Not found")


class ResolveIn(Schema):
    rows: list[dict]
    source: str = ""


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


@router.post("/resolve", response=ResolveOut)
def resolve(request, payload: ResolveIn):
    """What resolution would do with these rows (nothing is written)."""
    _officer(request)
    resolutions = services.resolve_rows(rows=payload.rows, source=payload.source)
    return {"rows": [r.as_json() for r in resolutions]}


class ReviewOut(Schema):
    id: int
    enterprise: str
    candidate: str
    score: float
    kind: str
    status: str
    source: str
    comparison: list[dict]


def _review_out(item) -> dict:
    return {
        "id": item.pk,
        "enterprise": item.enterprise.public_id,
        "candidate": item.candidate.public_id,
        "score": item.score,
        "kind": item.kind,
        "status": item.status,
        "source": item.source,
        "comparison": item.comparison,
    }


@router.get("/reviews", response=list[ReviewOut])
def reviews(request, status: str = ReviewStatus.PENDING):
    _officer(request)
    items = services.reviewable_items(request.auth).filter(status=status)[:500]
    return [_review_out(item) for item in items]


def _decide(request, item_id: int, accept: bool):
    _officer(request)
    item = get_object_or_404(services.reviewable_items(request.auth), pk=item_id)
    try:
        if accept:
            services.accept_review(item=item, user=request.auth)
        else:
            services.reject_review(item=item, user=request.auth)
    except ValidationError as error:
        raise HttpError(409, error.messages[0])
    item.refresh_from_db()
    return _review_out(item)


@router.post("/reviews/{item_id}/accept", response=ReviewOut)
def accept(request, item_id: int):
    return _decide(request, item_id, True)


@router.post("/reviews/{item_id}/reject", response=ReviewOut)
def reject(request, item_id: int):
    return _decide(request, item_id, False)


@router.post("/merges/{merge_id}/undo")
def undo(request, merge_id: int):
    _officer(request)
    merge = get_object_or_404(Merge.objects.restrict(request.auth, "change"), pk=merge_id)
    try:
        restored = services.undo_merge(merge=merge, user=request.auth)
    except ValidationError as error:
        raise HttpError(409, error.messages[0])
    return {"restored": restored.public_id}
