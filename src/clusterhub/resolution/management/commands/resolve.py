"""`clusterhub resolve FILE [--json] [--source NAME]`: resolve a list against the registry and
report what would be merged, queued and created. Nothing is written.

The file is read with the import engine's reader (clusterhub.tabular.readers: CSV in UTF-8, GBK or
GB18030, XLSX, a title row above the header); headers are matched by their usual Chinese and
English names (normalise.FIELD_SYNONYMS).
"""

import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from clusterhub.resolution.normalise import canonical_key, nfkc
from clusterhub.resolution.services import resolve_rows, thresholds


def _score_header(cells: list) -> int:
    known = {"name", "name_en", "short_name", "credit_code", "stock_code", "city", "address"}
    known |= {"phone", "website", "aliases"}
    return sum(1 for cell in cells if isinstance(cell, str) and canonical_key(cell) in known)


def read_rows(path: str) -> list[dict]:
    """The file's data rows as dicts keyed by header, each with `_row` (the row number users see)."""
    from clusterhub.tabular.readers import TabularError, open_table

    try:
        with open_table(path, score=_score_header) as table:
            headers = [nfkc(h) for h in table.headers]
            rows = []
            for number, cells in table.rows:
                row = {h: c for h, c in zip(headers, cells, strict=False) if h}
                row["_row"] = number
                rows.append(row)
            return rows
    except TabularError as error:
        raise CommandError(error.message)


class Command(BaseCommand):
    help = "Resolve a CSV/XLSX list against the registry (dry run: nothing is written)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print a JSON object")
        parser.add_argument("--source", default="", help="name of the list, for the report")

    def handle(self, *args, **options):
        try:
            rows = read_rows(options["file"])
        except FileNotFoundError:
            raise CommandError(f"no such file: {options['file']}")
        resolutions = resolve_rows(rows=rows, source=options["source"] or options["file"])
        auto, review = thresholds()
        counts = Counter(r.decision for r in resolutions)
        report = {
            "file": options["file"],
            "thresholds": {"auto_merge": auto, "review": review},
            "summary": {
                "rows": len(resolutions),
                "auto": counts.get("auto", 0),
                "review": counts.get("review", 0),
                "new": counts.get("new", 0),
                "clusters": len({r.cluster for r in resolutions}),
            },
            "rows": [r.as_json() for r in resolutions],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
            return
        summary = report["summary"]
        self.stdout.write(
            f"{summary['rows']} rows: {summary['auto']} merged automatically, "
            f"{summary['review']} to review, {summary['new']} new; {summary['clusters']} companies"
        )
        for r in resolutions:
            line = f"row {r.row}: {r.decision:6} {r.cluster:12} {r.score:.3f}"
            if r.candidate_cluster:
                line += f"  (may be {r.candidate_cluster})"
            self.stdout.write(line)
