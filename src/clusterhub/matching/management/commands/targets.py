import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterhub.matching import targets

from ._common import add_user_argument, user_from


class Command(BaseCommand):
    help = (
        "Investment targets for the chain gaps of a region: who could fill each missing, weak "
        "or single-source node, with the reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Region code, e.g. 220100.")
        parser.add_argument("--year", type=int)
        parser.add_argument("--node", help="Only this chain node's gap.")
        parser.add_argument("--per-gap", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument("--xlsx", help="Also write the target list (招商目标清单) here.")
        add_user_argument(parser)

    def handle(
        self, *args, region, year=None, node=None, per_gap=10, json=False, xlsx=None, **options
    ):
        user = user_from(options)
        try:
            answer = targets.recommend(
                user=user,
                region_code=region,
                year=year,
                node_code=node,
                per_gap=max(1, per_gap),
                compute_if_missing=True,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        if xlsx:
            Path(xlsx).write_bytes(targets.export_xlsx_bytes(answer))
        if json:
            self.stdout.write(_dumps(answer.as_dict()))
            return
        self.stdout.write(f"{answer.region.code} {answer.region.name} · {answer.year or ''}")
        if answer.message:
            self.stdout.write(answer.message)
        for gap in answer.gaps:
            self.stdout.write(
                f"\n{gap.node.code} {gap.node.name} · {gap.class_label} · {gap.unmet}"
            )
            for t in gap.targets:
                self.stdout.write(f"  {t.rank:>2}. {t.score:5.1f}  {t.enterprise.name}")
                for reason in t.reasons:
                    self.stdout.write(f"        {reason}")
        if xlsx:
            self.stdout.write(_("Target list written to %(path)s") % {"path": xlsx})


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
