"""Background work: checking and importing large files, reporting progress as it goes."""

from django_tasks import task


@task()
def run_import_job(job_id: int, action: str) -> str:
    """Run the preview ("preview") or the commit ("commit") of an import job."""
    from .models import ImportJob
    from .services import run_job

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    return run_job(job, action).status
