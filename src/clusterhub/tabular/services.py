"""Imports as services: upload and check a file (dry run), then commit it, all or nothing.

    job = preview_import(user=user, kind="enterprises", file=uploaded_file)
    # job.result: counts, every rejected row with its column and reason, warnings, conversions
    job = commit_import(user=user, job=job)                     # all-or-nothing
    job = commit_import(user=user, job=job, good_rows_only=True)  # skip the rejected rows

Files are kept in DATA_DIR/imports under a random name. Large files are checked and imported by
a background task (django-tasks); progress goes to a small file next to the upload, because the
import's own transaction hides its database writes from the page that polls the progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusterhub.core.changelog import change_context
from clusterhub.core.choices import ChangeSource

from .engine import ImportRun
from .models import ImportJob, ImportStatus
from .registry import importer_class

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """The request cannot go ahead (file too large, job not ready); the message says why."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# ---------------------------------------------------------------------------------------------
# Uploads


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    return int(settings.CLUSTERHUB_MAX_UPLOAD_BYTES)


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def too_large(size: int) -> ImportRefused:
    return ImportRefused(
        _(
            "The file is %(size)s MB; uploads are limited to %(limit)s MB. Split it into smaller files."
        )
        % {"size": megabytes(size), "limit": megabytes(max_upload_bytes())},
        status=413,
    )


def check_upload_size(size: int | None) -> None:
    """Refuse a declared size over the limit before reading anything."""
    if size is not None and size > max_upload_bytes():
        raise too_large(size)


def _chunks(file):
    if isinstance(file, str | Path):
        with Path(file).open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk
    elif hasattr(file, "chunks"):
        if hasattr(file, "seek"):
            file.seek(0)
        yield from file.chunks()
    else:
        while chunk := file.read(1024 * 1024):
            yield chunk


def _file_name(file) -> str:
    name = (
        Path(str(getattr(file, "name", None) or file)).name if not isinstance(file, bytes) else ""
    )
    return name[:255] or "upload"


def store_upload(file) -> dict:
    """Copy an upload (Django UploadedFile, path or binary file object) into DATA_DIR/imports.

    Refuses files over settings.CLUSTERHUB_MAX_UPLOAD_BYTES, counting while copying so an
    undeclared size cannot slip through. Returns name, stored name, size and SHA-256.
    """
    limit = max_upload_bytes()
    declared = getattr(file, "size", None)
    if declared is None and isinstance(file, str | Path):
        declared = Path(file).stat().st_size
    check_upload_size(declared)
    name = _file_name(file)
    suffix = re.sub(r"[^A-Za-z0-9.]", "", Path(name).suffix)[:10]
    stored_name = f"{timezone.now():%Y%m%d}-{secrets.token_hex(8)}{suffix}"
    target = import_dir() / stored_name
    digest = hashlib.sha256()
    size = 0
    try:
        with target.open("wb") as out:
            for chunk in _chunks(file):
                size += len(chunk)
                if size > limit:
                    raise too_large(size)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return {
        "file_name": name,
        "stored_name": stored_name,
        "size": size,
        "sha256": digest.hexdigest(),
    }


def stored_path(job: ImportJob) -> Path:
    return import_dir() / job.stored_name


# ---------------------------------------------------------------------------------------------
# Progress


def _progress_path(job_id: int) -> Path:
    return import_dir() / f"job-{job_id}.progress.json"


def _rows_cache(job: ImportJob) -> Path:
    return import_dir() / f"job-{job.pk}.rows.jsonl"


def write_progress(job_id: int, processed: int, total: int | None, phase: str) -> None:
    path = _progress_path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"processed": processed, "total": total, "phase": phase}))
    os.replace(temporary, path)


def job_progress(job: ImportJob) -> dict:
    """Status, rows processed, rows in total and a percentage (None when the total is unknown)."""
    processed, total = job.processed_rows, job.total_rows
    if job.is_running:
        try:
            data = json.loads(_progress_path(job.pk).read_text())
            processed, total = data["processed"], data["total"]
        except (OSError, ValueError, KeyError):
            pass
    percent = None
    if job.status == ImportStatus.DONE:
        percent = 100
    elif total:
        percent = min(100, round(100 * processed / total))
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "processed": processed,
        "total": total,
        "percent": percent,
        "running": job.is_running,
    }


# ---------------------------------------------------------------------------------------------
# Preview and commit


def _check_actor(user, system: bool) -> None:
    if system:
        return
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to import files."))


def _background(job: ImportJob, background: bool | None) -> bool:
    if background is not None:
        return background
    return job.size > int(getattr(settings, "CLUSTERHUB_IMPORT_BACKGROUND_BYTES", 1024 * 1024))


def preview_import(
    *,
    user,
    kind: str,
    file,
    system: bool = False,
    encoding: str = "",
    background: bool | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Store the file and check every row without writing anything (the dry run).

    Returns the job: `job.result` holds the preview once `job.status` is validated (or failed,
    with `job.error`, when the file cannot be read). Large files are checked in the background
    unless `background=False`. Raises ImportRefused for a file over the upload limit.
    `progress(processed, total)` is called as rows are checked (inline runs only).
    """
    job = _new_job(user=user, kind=kind, file=file, system=system, encoding=encoding)
    _start(job, "preview", background, progress)
    return job


def _new_job(*, user, kind: str, file, system: bool, encoding: str, **fields) -> ImportJob:
    """Store the upload and record its job; unknown kinds fail before anything is stored."""
    _check_actor(user, system)
    importer_class(kind)
    stored = store_upload(file)
    return ImportJob.objects.create(
        user=user if getattr(user, "pk", None) else None,
        is_system=system,
        kind=kind,
        encoding=encoding or "",
        language=translation.get_language() or settings.LANGUAGE_CODE,
        **stored,
        **fields,
    )


def commit_import(
    *,
    user,
    job: ImportJob,
    good_rows_only: bool = False,
    system: bool = False,
    background: bool | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Write a checked file: every row or none, or (good_rows_only) every row that passes.

    The file is checked again inside the transaction (the registry may have changed since the
    preview): references, existing records, keys and rights always; the cells' own checks only
    if the preview rejected rows. Raises ImportRefused if the job is not ready or the preview
    rejected rows and the user did not choose to import the good rows.
    """
    _check_actor(user, system)
    if not system and not ImportJob.objects.restrict(user).filter(pk=job.pk).exists():
        raise PermissionDenied
    job.refresh_from_db()
    if job.status != ImportStatus.VALIDATED:
        raise ImportRefused(
            _("This import cannot be committed now (status: %(status)s).")
            % {"status": job.get_status_display()},
            status=409,
        )
    rejected = ((job.result or {}).get("counts") or {}).get("rejected", 0)
    if rejected and not good_rows_only:
        raise ImportRefused(
            _(
                "%(n)d rows are rejected, so nothing was written. Fix them and upload the file "
                "again, or choose to import the good rows only."
            )
            % {"n": rejected},
            status=409,
        )
    job.good_rows_only = good_rows_only
    job.status = ImportStatus.COMMITTING
    job.save(update_fields=["good_rows_only", "status", "updated"])
    _start(job, "commit", background, progress)
    return job


def import_in_one_pass(
    *,
    user,
    kind: str,
    file,
    system: bool = False,
    encoding: str = "",
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Check and write every row in one transaction, all or nothing, with no dry run before.

    For the command line without --dry-run: nobody reads a preview there, so reading and checking
    the file twice would only double the time. Every check of the dry run runs inside the
    commit; one rejected row rolls everything back and the job lists every rejected row.
    """
    job = _new_job(
        user=user,
        kind=kind,
        file=file,
        system=system,
        encoding=encoding,
        status=ImportStatus.COMMITTING,
    )
    run_job(job, "commit", progress=progress)
    return job


def _start(job: ImportJob, action: str, background: bool | None, progress=None) -> None:
    if _background(job, background):
        from .tasks import run_import_job

        result = run_import_job.enqueue(job.pk, action)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.refresh_from_db()
    else:
        run_job(job, action, progress=progress)


def run_job(job: ImportJob, action: str, *, progress=None) -> ImportJob:
    """Run a preview or a commit now, in this process (the background task calls this too)."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            if action == "preview":
                _run_preview(job, progress)
            else:
                _run_commit(job, progress)
        except Exception as error:
            logger.exception("import job %s failed", job.pk)
            job.status = ImportStatus.FAILED
            job.error = _(
                "An unexpected error stopped the import; nothing was written (%(error)s)."
            ) % {"error": type(error).__name__}
            job.finished = timezone.now()
            job.save()
        finally:
            _progress_path(job.pk).unlink(missing_ok=True)
            if job.status != ImportStatus.VALIDATED:
                _rows_cache(job).unlink(missing_ok=True)  # only a commit still to come needs it
    return job


def _new_run(
    job: ImportJob, *, apply: bool, phase: str, also=None, prechecked: bool = False
) -> ImportRun:
    user = job.user
    importer = importer_class(job.kind)()

    def progress(processed, total):
        write_progress(job.pk, processed, total, phase)
        if also is not None:
            also(processed, total)

    return ImportRun(
        importer,
        user=user,
        system=job.is_system,
        apply=apply,
        good_rows_only=job.good_rows_only,
        prechecked=prechecked,
        progress=progress,
        source=job.file_name,
    )


def _run_preview(job: ImportJob, also=None) -> None:
    job.status = ImportStatus.VALIDATING
    job.save(update_fields=["status", "updated"])
    run = _new_run(job, apply=False, phase="validating", also=also)
    cache = _rows_cache(job)
    cache.unlink(missing_ok=True)
    result = run.execute(stored_path(job), encoding=job.encoding or None, cache=cache)
    _finish(job, run, result, field="result")
    job.status = ImportStatus.FAILED if result["file_errors"] else ImportStatus.VALIDATED
    job.error = "\n".join(result["file_errors"])
    job.save()


def _run_commit(job: ImportJob, also=None) -> None:
    # A dry run that rejected nothing checked every row's own cells: the commit (same file, by
    # its checksum below) checks again only what depends on the database.
    previewed = job.result or {}
    prechecked = (
        not previewed.get("file_errors") and (previewed.get("counts") or {}).get("rejected", 1) == 0
    )
    run = _new_run(job, apply=True, phase="committing", also=also, prechecked=prechecked)
    path = stored_path(job)
    if not path.exists() or _sha256(path) != job.sha256:
        job.status = ImportStatus.FAILED
        job.error = _("The uploaded file is no longer available; upload it again.")
        job.save()
        return
    with change_context(user=job.user, source=ChangeSource.IMPORT), transaction.atomic():
        # The rows as the dry run read them (the file's checksum was verified above).
        result = run.execute(path, encoding=job.encoding or None, cache=_rows_cache(job))
        all_or_nothing_failed = run.failed and not job.good_rows_only
        if all_or_nothing_failed or result["file_errors"]:
            transaction.set_rollback(True)
    _finish(job, run, result, field="commit_result")
    if result["file_errors"] or all_or_nothing_failed:
        job.status = ImportStatus.FAILED
        job.error = "\n".join(result["file_errors"]) or _(
            "%(n)d rows are rejected, so nothing was written."
        ) % {"n": result["counts"]["rejected"]}
        job.created_count = job.updated_count = 0
    else:
        job.status = ImportStatus.DONE
        job.error = ""
        job.created_count = result["counts"]["created"]
        job.updated_count = result["counts"]["updated"]
    job.save()
    if job.status == ImportStatus.DONE and (job.created_count or job.updated_count):
        from .signals import import_committed

        import_committed.send(sender=ImportJob, job=job)


def _finish(job: ImportJob, run: ImportRun, result: dict, *, field: str) -> None:
    setattr(job, field, result)
    job.total_rows = result["counts"]["rows"]
    job.processed_rows = run.processed
    job.finished = timezone.now()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def result_for_cli(job: ImportJob) -> dict:
    """The preview or commit outcome as one JSON-ready object (CLI and API)."""
    result = job.latest_result
    return {
        "job": job.pk,
        "kind": job.kind,
        "file_name": job.file_name,
        "size": job.size,
        "sha256": job.sha256,
        "status": job.status,
        "committed": job.status == ImportStatus.DONE,
        "error": job.error,
        "created": job.created_count,
        "updated": job.updated_count,
        **{k: v for k, v in result.items() if k != "kind"},
    }
