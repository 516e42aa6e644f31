"""`clusterhub chain report --region CODE --year YYYY [--oem PUBLIC_ID ...] [--json]` and
`clusterhub chain refresh`.

report: the local sourcing rate of a region's OEMs (by value and by count), the trend, the
breakdowns by OEM, supplier city and chain node, and the gap list; from the current analytics
snapshot (computed first if there is none). Without --json it prints a short summary.
refresh: export a new snapshot and recompute every metric now (what the background task does).
The command line sees every link, as `clusterhub import` does.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterhub.chain.services import AnalyticsError, chain_report, refresh_analytics
from clusterhub.core.units import format_percent as percent


class Command(BaseCommand):
    help = "Industrial-chain analytics: report a region's local sourcing and gaps, or refresh."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="local sourcing rate and gap list of a region")
        report.add_argument("--region", required=True, help="region code, e.g. 220000")
        report.add_argument("--year", type=int, help="year (default: the latest with data)")
        report.add_argument(
            "--oem", action="append", default=[], help="an OEM's public id (repeatable)"
        )
        report.add_argument("--weak", help="weak threshold, a fraction or percent (default 30%%)")
        report.add_argument(
            "--single-source", help="single-source share, a fraction or percent (default 70%%)"
        )
        report.add_argument("--json", action="store_true", help="print the whole report as JSON")
        refresh = sub.add_parser("refresh", help="recompute the analytics snapshot now")
        refresh.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "refresh":
            summary = refresh_analytics()
            if options["json"]:
                self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(
                    _("Snapshot %(version)s: %(links)s links in %(seconds)s s.")
                    % {
                        "version": summary["version"],
                        "links": summary["counts"]["links"],
                        "seconds": summary["seconds"],
                    }
                )
            return
        try:
            answer = chain_report(
                user=None,
                region_code=options["region"],
                year=options["year"],
                oems=options["oem"] or None,
                weak_threshold=options["weak"],
                single_source_threshold=options["single_source"],
                compute_if_missing=True,
            )
        except AnalyticsError as exc:
            raise CommandError(str(exc))
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        region = answer["region"]
        rate = answer["rate"]
        self.stdout.write(
            _("%(region)s %(year)s: local sourcing rate %(value)s by value, %(count)s by count")
            % {
                "region": region["name"],
                "year": answer["year"] or "—",
                "value": percent(rate["rate_value"]),
                "count": percent(rate["rate_count"]),
            }
        )
        for gap in answer["gaps"][:20]:
            self.stdout.write(f"  {gap['code']:<16} {gap['class_label']:<14} {gap['reason']}")
