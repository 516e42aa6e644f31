"""`clusterhub alerts digest [--date YYYY-MM-DD] [--dry-run]`: send the daily alert digest.
`clusterhub alerts list --user NAME`: print a user's alerts."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterhub.projects.digest import digest_messages, send_alert_digest
from clusterhub.projects.services import alerts_for_owner


class Command(BaseCommand):
    help = "Project alerts: send the daily digest by email, or list one user's alerts."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["digest", "list"])
        parser.add_argument("--date", help="the day to report (default today), YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="print, do not send")
        parser.add_argument("--user", help="for list: the user name")

    def handle(self, *args, action, date=None, dry_run=False, user=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(_("Not a date: %(date)s") % {"date": date})
        if action == "list":
            person = get_user_model().objects.filter(username=user or "").first()
            if person is None:
                raise CommandError(_("Give --user with an existing user name."))
            for alert in alerts_for_owner(user=person, today=today):
                self.stdout.write(f"{alert.project.code}\t{alert.kind}\t{alert.message}")
            return
        if dry_run:
            for message in digest_messages(today=today):
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n")
                self.stdout.write(message.body)
            return
        sent = send_alert_digest(today=today)
        self.stdout.write(_("%(n)d digest emails sent.") % {"n": sent})
