from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from clusterhub.core.changelog import change_context
from clusterhub.core.choices import ChangeSource
from clusterhub.demo.loader import load_app_demos, load_demo, reset_app_demos
from clusterhub.demo.synthetic import DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Load the demo: reference data, FAW and the real suppliers, a seeded synthetic "
        "population of suppliers and supply links, and demo users. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo's records first, then reload."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Seed of the synthetic population (default %(default)s).",
        )
        parser.add_argument(
            "--base-only",
            action="store_true",
            help="Only the registry demo: no projects, conference, demands or analytics refresh.",
        )

    def handle(self, *args, reset=False, seed=DEFAULT_SEED, base_only=False, **options):
        try:
            with change_context(source=ChangeSource.COMMAND):
                if reset:
                    reset_app_demos()
                summary = load_demo(reset=reset, seed=seed)
                app_results = {} if base_only else load_app_demos()
        except (ProtectedError, RestrictedError) as error:
            raise CommandError(
                _(
                    "Other records point at the demo companies (%(error)s). Remove them first "
                    "(for example `clusterhub load_project_demo --reset`); nothing was changed."
                )
                % {"error": error.args[0]}
            ) from error
        tally = summary.tally
        self.stdout.write(
            _(
                "Demo loaded in %(seconds).1f s: %(created)d records created, %(updated)d "
                "updated, %(unchanged)d unchanged; synthetic population %(population)s."
            )
            % {
                "seconds": summary.seconds,
                "created": tally.total("created"),
                "updated": tally.total("updated"),
                "unchanged": tally.total("unchanged"),
                "population": {
                    "created": _("created"),
                    "replaced": _("replaced"),
                    "unchanged": _("unchanged"),
                }[summary.population],
            }
        )
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label:<24} {count:>7,}")
        rates = ", ".join(f"{year} {rate:.1%}" for year, rate in summary.local_sourcing.items())
        self.stdout.write(
            _("Local sourcing rate of FAW's Changchun plants: %(rates)s") % {"rates": rates}
        )
        for label, result in app_results.items():
            details = ", ".join(f"{key} {value}" for key, value in result.items())
            self.stdout.write(f"  {label:<24} {details}")
