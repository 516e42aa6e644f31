"""Background work of the projects app."""

from django_tasks import task


@task()
def send_alert_digest_task() -> int:
    """The daily alert digest (schedule it once a day, e.g. cron: `clusterhub alerts digest`)."""
    from .digest import send_alert_digest

    return send_alert_digest()
