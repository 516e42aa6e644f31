"""`clusterhub kpi --scope CODE --year YYYY [--json] [--user NAME]`: KPIs against the targets."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.projects.kpis import UnknownScope, kpi_report, resolve_scope


class Command(BaseCommand):
    help = "Progress of a scope (cluster, a city code or a park code) against its targets."

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="cluster", help="cluster, region code or park code")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--as-of", help="count up to this day (default today), YYYY-MM-DD")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--user", help="count only what this user may see (default: everything)"
        )

    def handle(self, *args, scope, year, as_of, json: bool = False, user=None, **options):
        try:
            resolved = resolve_scope(scope)
        except UnknownScope as error:
            raise CommandError(str(error))
        person = None
        if user:
            person = get_user_model().objects.filter(username=user).first()
            if person is None:
                raise CommandError(_("No user “%(name)s”.") % {"name": user})
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(_("Not a date: %(date)s") % {"date": as_of})
        year = year or (day or timezone.localdate()).year
        report = kpi_report(user=person, scope=resolved, year=year, as_of=day)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        self.stdout.write(
            f"{report.scope.label} {report.year} · {_('year elapsed')} {report.elapsed:.1%}"
        )
        for line in report.lines:
            percent = f"{line.percent}%" if line.percent is not None else "—"
            segment = f" [{line.segment}]" if line.segment else ""
            self.stdout.write(
                f"  {line.label}{segment}: {line.actual_display} / {line.target_display} "
                f"({percent}, {line.status_label})"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
