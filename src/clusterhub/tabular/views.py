"""Import pages: upload -> dry run (every rejected row) -> commit -> progress bar -> result.

The views hold no import logic: they call tabular.services and show the job.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from .export import ExportColumn, export_csv, template_response
from .forms import CommitForm, UploadForm
from .models import ImportJob, ImportStatus
from .registry import IMPORTERS, import_kinds, importer_class
from .services import (
    ImportRefused,
    commit_import,
    job_progress,
    max_upload_bytes,
    megabytes,
    preview_import,
    too_large,
)

LISTED_ROWS = 500  # rows of each table shown on the page; the CSV download has them all
MULTIPART_OVERHEAD = 64 * 1024


def _job_for(request, pk: int) -> ImportJob:
    job = ImportJob.objects.restrict(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@csrf_exempt  # checked below, once the body is known to be of an acceptable size
@login_required
def index(request):
    """The upload form and the user's recent imports."""
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > max_upload_bytes() + MULTIPART_OVERHEAD:
            # Refuse before reading the body: a huge upload is not streamed to disk first.
            return _index_page(request, UploadForm(), too_large(declared).message, status=413)
    return _upload(request)


@csrf_protect
def _upload(request):
    error = ""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = preview_import(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    file=form.cleaned_data["file"],
                    encoding=form.cleaned_data["encoding"],
                )
            except ImportRefused as refused:
                return _index_page(request, form, refused.message, status=refused.status)
            return redirect(job)
    else:
        form = UploadForm(initial={"kind": request.GET.get("kind", "")})
    return _index_page(request, form, error)


def _index_page(request, form, error, status=200):
    jobs = ImportJob.objects.restrict(request.user)[:20]
    labels = dict(import_kinds())
    return render(
        request,
        "tabular/index.html",
        {
            "form": form,
            "error": error,
            "jobs": jobs,
            "kinds": import_kinds(),
            "labels": labels,
            "limit_mb": megabytes(max_upload_bytes()),
        },
        status=status,
    )


@login_required
@require_GET
def job_detail(request, pk: int):
    job = _job_for(request, pk)
    result = job.latest_result
    counts = result.get("counts") or {}
    return render(
        request,
        "tabular/job.html",
        {
            "job": job,
            "kind_label": str(importer_class(job.kind).label)
            if job.kind in IMPORTERS
            else job.kind,
            "progress": job_progress(job),
            "result": result,
            "counts": counts,
            "errors": (result.get("errors") or [])[:LISTED_ROWS],
            "warnings": (result.get("warnings") or [])[:LISTED_ROWS],
            "conversions": (result.get("conversions") or [])[:LISTED_ROWS],
            "more_errors": max(0, len(result.get("errors") or []) - LISTED_ROWS),
            "listed": LISTED_ROWS,
            "commit_form": CommitForm(),
            "can_commit": job.status == ImportStatus.VALIDATED and counts.get("valid", 0) > 0,
            "to_write": counts.get("create", 0) + counts.get("update", 0),
        },
    )


@login_required
@require_GET
def job_progress_partial(request, pk: int):
    """The progress bar, polled by htmx; once the job is over the page reloads to its result."""
    job = _job_for(request, pk)
    response = render(
        request, "tabular/_progress.html", {"job": job, "progress": job_progress(job)}
    )
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def job_commit(request, pk: int):
    job = _job_for(request, pk)
    form = CommitForm(request.POST)
    good_rows_only = form.is_valid() and form.cleaned_data["good_rows_only"]
    try:
        commit_import(user=request.user, job=job, good_rows_only=good_rows_only)
    except ImportRefused as refused:
        messages.error(request, refused.message)
    return redirect(job)


@login_required
@require_GET
def job_issues_csv(request, pk: int):
    """Every rejected row, warning and conversion of the latest pass, as CSV."""
    job = _job_for(request, pk)
    result = job.latest_result
    rows = [
        {**item, "type": _("rejected"), "text": item["reason"]}
        for item in result.get("errors") or []
    ] + [
        {**item, "type": _("warning"), "text": item["message"]}
        for item in result.get("warnings") or []
    ]
    columns = [
        ExportColumn("行", "Row", "row"),
        ExportColumn("单元格", "Cell", "cell"),
        ExportColumn("列", "Column", "column"),
        ExportColumn("内容", "Value", "value"),
        ExportColumn("类别", "Type", "type"),
        ExportColumn("原因", "Reason", "text"),
    ]
    return export_csv(rows, columns, filename=f"import-{job.pk}-problems")


@login_required
@require_GET
def template_download(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    return template_response(importer_class(kind)(), kind)
