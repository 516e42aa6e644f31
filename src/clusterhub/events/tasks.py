"""Background work of the events app: a scheduler run takes its time limit (10 s by default),
so the page enqueues it and polls the run until it is a draft."""

from django_tasks import task


@task()
def schedule_event(*, run_id: int, time_limit: float = 10.0, keep_published: bool = True) -> int:
    from clusterhub.core.changelog import change_context
    from clusterhub.core.choices import ChangeSource

    from .models import ScheduleRun
    from .services import run_schedule

    run = ScheduleRun.objects.select_related("event", "created_by").get(pk=run_id)
    with change_context(user=run.created_by, source=ChangeSource.SYSTEM):
        run = run_schedule(
            event=run.event,
            user=run.created_by,
            time_limit=time_limit,
            keep_published=keep_published,
            run=run,
        )
    return run.meetings_count
