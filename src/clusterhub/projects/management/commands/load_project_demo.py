from django.core.management.base import BaseCommand

from clusterhub.core.changelog import change_context
from clusterhub.core.choices import ChangeSource
from clusterhub.projects.demo import DEFAULT_SEED, load_project_demo


class Command(BaseCommand):
    help = (
        "Load the demo projects (the 2021-10-19 conference's 18 signings and a synthetic "
        "history), activities, output reports and targets. Run after load_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo projects first")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--history", type=int, default=600, help="synthetic projects")

    def handle(self, *args, reset=False, seed=DEFAULT_SEED, history=600, **options):
        with change_context(source=ChangeSource.COMMAND):
            result = load_project_demo(seed=seed, history=history, reset=reset)
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
