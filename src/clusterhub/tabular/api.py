"""Imports over the API: upload a CSV or XLSX file, read its dry run, commit it, poll progress.

    POST /api/imports/{kind}              multipart: file, dry_run (default true), good_rows_only
    POST /api/imports/jobs/{id}/commit    {"good_rows_only": false}
    GET  /api/imports/jobs/{id}           status, progress, the preview and the result
    GET  /api/imports/jobs                the caller's imports, newest first

Rejected rows are not HTTP errors: the job says which rows, columns and reasons. A file over the
upload limit is a 413, a job that is not ready to commit (or has rejected rows and the caller did
not choose the good rows) a 409. Large files run in the background: the answer is then a 202
with the job, to poll until `running` is false. Authentication is the API's default (token or
session, core/api_auth.py); a job is only ever visible to the user who uploaded it.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from clusterhub.core.api_common import ErrorOut, Pagination

from .models import ImportJob
from .registry import IMPORTERS
from .services import (
    ImportRefused,
    check_upload_size,
    commit_import,
    job_progress,
    preview_import,
)

router = Router(tags=["imports"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    running: bool
    file_name: str
    size: int
    sha256: str
    total_rows: int | None
    processed_rows: int
    percent: int | None
    good_rows_only: bool
    created_count: int
    updated_count: int
    error: str
    message: str = ""
    created: datetime.datetime
    finished: datetime.datetime | None
    url: str
    result: dict | None = None
    commit_result: dict | None = None


class JobSummary(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    total_rows: int | None
    created_count: int
    updated_count: int
    created: datetime.datetime


class CommitIn(Schema):
    good_rows_only: bool = False


def _out(job: ImportJob, message: str = "") -> dict:
    progress = job_progress(job)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "running": job.is_running,
        "file_name": job.file_name,
        "size": job.size,
        "sha256": job.sha256,
        "total_rows": progress["total"],
        "processed_rows": progress["processed"],
        "percent": progress["percent"],
        "good_rows_only": job.good_rows_only,
        "created_count": job.created_count,
        "updated_count": job.updated_count,
        "error": job.error,
        "message": message,
        "created": job.created,
        "finished": job.finished,
        "url": job.get_absolute_url(),
        "result": job.result,
        "commit_result": job.commit_result,
    }


def _answer(job: ImportJob, message: str = ""):
    return Status(202 if job.is_running else 200, _out(job, message))


def _job(request, job_id: int) -> ImportJob:
    job = ImportJob.objects.restrict(request.auth).filter(pk=job_id).first()
    if job is None:
        raise HttpError(404, _("Not found."))
    return job


@router.post(
    "/jobs/{job_id}/commit",
    response={200: JobOut, 202: JobOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Import a checked file",
)
def commit(request, job_id: int, payload: CommitIn):
    job = _job(request, job_id)
    try:
        job = commit_import(user=request.auth, job=job, good_rows_only=payload.good_rows_only)
    except ImportRefused as refused:
        raise HttpError(refused.status, refused.message)
    except PermissionDenied:
        raise HttpError(404, _("Not found."))
    return _answer(job)


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, 202: JobOut, 401: ErrorOut, 404: ErrorOut},
    summary="An import's status, progress and result",
)
def job_detail(request, job_id: int):
    return _answer(_job(request, job_id))


@router.get("/jobs", response=list[JobSummary], summary="My imports, newest first")
@paginate(Pagination)
def job_list(request):
    return ImportJob.objects.restrict(request.auth)


# Last: "/{kind}" would otherwise also catch "/jobs".
@router.post(
    "/{kind}",
    response={200: JobOut, 202: JobOut, 401: ErrorOut, 404: ErrorOut, 413: ErrorOut},
    summary="Upload a file: dry run (default) or import",
)
def upload(
    request,
    kind: str,
    file: Annotated[UploadedFile, File(description="CSV (UTF-8, GBK/GB18030) or XLSX")],
    dry_run: Annotated[bool, Form(description="Only check the file; write nothing.")] = True,
    good_rows_only: Annotated[
        bool, Form(description="Without dry_run: write the rows that pass, skip the rejected.")
    ] = False,
):
    """Checks every row; without `dry_run` also writes the file, all or nothing (or the good rows
    only). The answer lists every rejected row with its column and reason in `result.errors`."""
    if kind not in IMPORTERS:
        raise HttpError(404, _("Unknown kind of import “%(kind)s”.") % {"kind": kind})
    try:
        check_upload_size(file.size)
        job = preview_import(user=request.auth, kind=kind, file=file)
    except ImportRefused as refused:
        raise HttpError(refused.status, refused.message)
    message = ""
    if not dry_run and job.status == "validated":
        try:
            job = commit_import(user=request.auth, job=job, good_rows_only=good_rows_only)
        except ImportRefused as refused:
            message = refused.message
    return _answer(job, message)
