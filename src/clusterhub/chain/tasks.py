"""Background work of the chain app: recomputing the analytics after data changes."""

from django_tasks import task


@task()
def refresh_chain_analytics() -> dict:
    """Export a new analytics snapshot, compute every metric and publish it."""
    from .services import refresh_analytics

    summary = refresh_analytics()
    return {"version": summary["version"], "seconds": summary["seconds"]}
