from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from clusterhub.core.changelog import change_context
from clusterhub.core.choices import ChangeSource
from clusterhub.demo.reference import load_reference


class Command(BaseCommand):
    help = (
        "Load or refresh the bundled reference data: Jilin's regions, retired codes, parks, "
        "industry codes and the chain taxonomy. Safe to run again."
    )

    def handle(self, *args, **options):
        with change_context(source=ChangeSource.COMMAND):
            tally = load_reference()
        self.stdout.write(
            _("Reference data: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": tally.total("created"),
                "updated": tally.total("updated"),
                "unchanged": tally.total("unchanged"),
            }
        )
