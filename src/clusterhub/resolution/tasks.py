"""Background work: the registry check (likely duplicates among registry records, queued)."""

from django_tasks import task


@task()
def check_registry_task() -> int:
    """Queue the registry's likely duplicates for review; returns how many pairs were queued."""
    from .services import check_registry

    return len(check_registry())
