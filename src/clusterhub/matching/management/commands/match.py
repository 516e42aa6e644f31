import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterhub.matching import services

from ._common import add_user_argument, user_from


class Command(BaseCommand):
    help = "Rank suppliers for a sourcing demand, with the reasons, factor by factor."

    def add_arguments(self, parser):
        parser.add_argument("demand", help="Demand code (D…).")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        add_user_argument(parser)

    def handle(self, *args, demand, limit, json: bool = False, **options):
        user = user_from(options)
        found = services.demands_visible_to(user).filter(code=demand.strip().upper()).first()
        if found is None:
            raise CommandError(_("Unknown demand “%(code)s”.") % {"code": demand})
        try:
            ranking = services.rank_suppliers(user=user, demand=found, limit=max(1, limit))
        except services.MatchingPermissionError as error:
            raise CommandError(str(error))
        if json:
            self.stdout.write(_dumps(ranking.as_dict()))
            return
        self.stdout.write(f"{found.code} {found.title} · {found.chain_node.name}")
        for step in ranking.funnel:
            self.stdout.write(f"  {step['count']:>6}  {step['label']}")
        if ranking.message:
            self.stdout.write(ranking.message)
        for c in ranking.candidates:
            self.stdout.write(
                f"{c.rank:>3}. {c.score:5.1f}  {c.enterprise.name}  ({c.site.region.name})"
            )
            for f in c.factors:
                points = "  ✓  " if f.points is None else f"{f.points:4.1f}/{f.max_points}"
                self.stdout.write(f"        {points}  {f.label}: {f.detail}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
