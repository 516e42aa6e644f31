"""`clusterhub schedule EVENT --time-limit SECONDS [--json] [--publish] [--fresh]`

Runs the scheduler for an event (its short name) into a new draft and prints the figures: value,
proven upper bound, gap, people covered, idle gaps, and what could not be met. --publish
publishes the draft; --fresh ignores the published schedule (by default published meetings stay).
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterhub.core.changelog import change_context
from clusterhub.core.choices import ChangeSource


class Command(BaseCommand):
    help = "Schedule an event's accepted meeting requests into a draft (and optionally publish)."

    def add_arguments(self, parser):
        parser.add_argument("event", help="the event's short name (slug)")
        parser.add_argument("--time-limit", type=float, default=10.0)
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--publish", action="store_true")
        parser.add_argument("--fresh", action="store_true", help="do not keep published meetings")

    def handle(self, *args, **options):
        from clusterhub.events import services
        from clusterhub.events.choices import RunStatus
        from clusterhub.events.messages import issue_text
        from clusterhub.events.models import Event

        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(
                _("No event with the short name %(name)r.") % {"name": options["event"]}
            )
        if options["time_limit"] <= 0:
            raise CommandError(_("--time-limit must be positive."))
        with change_context(source=ChangeSource.COMMAND):
            run = services.run_schedule(
                event=event,
                time_limit=options["time_limit"],
                keep_published=not options["fresh"],
            )
            if run.status == RunStatus.FAILED:
                raise CommandError(_("The scheduler failed: %(error)s") % {"error": run.error})
            if options["publish"]:
                services.publish(run=run)
        result = {
            "event": event.slug,
            "run": run.number,
            "status": run.status,
            "meetings": run.meetings_count,
            "value": run.value,
            "bound": run.bound,
            "gap_to_bound": run.gap_to_bound,
            "covered": run.covered,
            "askers": run.askers,
            "idle_gaps": run.idle_gaps,
            "seconds": run.seconds,
            "check": run.stats.get("check"),
            "issues": [issue_text(i) for i in run.issues],
            "unscheduled": len(run.unscheduled),
            "changes": run.changes,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(
            f"{event.slug} #{run.number} ({run.status}): {run.meetings_count} meetings, value "
            f"{run.value}, bound {run.bound}, gap {run.gap_percent}%, {run.covered}/{run.askers} "
            f"people with a meeting, {run.idle_gaps} idle gaps, {run.seconds} s"
        )
        for text in result["issues"]:
            self.stdout.write(f"  ! {text}")
