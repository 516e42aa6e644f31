"""Background work of the matching app: keeping the search index in step with the database."""

from django_tasks import task


@task()
def apply_search_updates() -> dict:
    """Apply the queued record changes to the search index."""
    from .index import apply_pending

    return {"applied": apply_pending()}


@task()
def rebuild_search_index() -> dict:
    """Write the whole search index again from the database."""
    from .index import rebuild

    summary = rebuild()
    return {"documents": summary.documents, "seconds": round(summary.seconds, 1)}
