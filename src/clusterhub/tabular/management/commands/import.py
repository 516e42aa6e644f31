"""`clusterhub import KIND FILE [--dry-run] [--json] [--user USERNAME] [--good-rows]`.

Checks the file, prints every rejected row with its column and reason, and (without --dry-run)
writes it all or nothing, checking and writing in one pass inside one transaction (with
--good-rows: a dry run first, then the rows that passed). Exit codes: 0 done (or a clean dry run), 1 rows rejected and nothing
written (or written with --good-rows: 0), 2 the file could not be read or was refused.
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterhub.tabular.models import ImportStatus
from clusterhub.tabular.registry import IMPORTERS, UnknownImportKind
from clusterhub.tabular.services import (
    ImportRefused,
    commit_import,
    import_in_one_pass,
    preview_import,
    result_for_cli,
)


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file (enterprises, supply links ...): dry run, then all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="what the file lists")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--user",
            help="import with this user's rights and name in the change log "
            "(default: a system import with full rights)",
        )
        parser.add_argument(
            "--good-rows", action="store_true", help="write the rows that pass, skip the rejected"
        )
        parser.add_argument(
            "--encoding", default="", help="CSV encoding (default: detected; e.g. gb18030)"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path}, returncode=2)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("No user “%(name)s”.") % {"name": options["user"]}, returncode=2
                )
        system = user is None
        progress = self._progress_bar() if not options["json"] else None
        dry_run = options["dry_run"]
        refused = ""
        source = {
            "user": user,
            "kind": options["kind"],
            "file": path,
            "system": system,
            "encoding": options["encoding"],
            "progress": progress,
        }
        try:
            if dry_run or options["good_rows"]:
                job = preview_import(**source, background=False)
            else:
                # All or nothing, and nobody reads a preview here: check and write in one pass.
                job = import_in_one_pass(**source)
        except (ImportRefused, UnknownImportKind) as error:
            raise CommandError(str(error), returncode=2)
        if job.status == ImportStatus.VALIDATED and not dry_run:
            try:
                job = commit_import(
                    user=user,
                    job=job,
                    good_rows_only=options["good_rows"],
                    system=system,
                    background=False,
                    progress=progress,
                )
            except ImportRefused as error:
                refused = error.message
        self._output(job, dry_run=dry_run, as_json=options["json"], refused=refused)
        if job.status == ImportStatus.FAILED and not job.latest_result.get("counts", {}).get(
            "rows"
        ):
            raise CommandError(job.error, returncode=2)
        rejected = job.rejected_count
        if job.status == ImportStatus.FAILED or refused:
            raise CommandError(refused or job.error, returncode=1)
        if dry_run and rejected:
            raise CommandError(
                _("%(n)d rows are rejected (dry run: nothing was written).") % {"n": rejected},
                returncode=1,
            )

    def _progress_bar(self):
        if not sys.stderr.isatty():
            return None

        def show(processed, total):
            if total:
                done = min(30, 30 * processed // max(total, 1))
                sys.stderr.write(f"\r[{'#' * done}{'.' * (30 - done)}] {processed}/{total}")
            else:
                sys.stderr.write(f"\r{processed}")
            sys.stderr.flush()

        return show

    def _output(self, job, *, dry_run: bool, as_json: bool, refused: str):
        if self._progress_bar():
            sys.stderr.write("\n")
        data = result_for_cli(job)
        data["dry_run"] = dry_run
        if refused:
            data["error"] = refused
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        info = data.get("file") or {}
        details = ", ".join(
            str(x)
            for x in (
                info.get("format", "").upper() if info.get("format") else "",
                info.get("encoding"),
                info.get("sheet"),
                _("header on row %(row)s") % {"row": info["header_row"]}
                if info.get("header_row")
                else "",
            )
            if x
        )
        write(f"{job.file_name} ({details})")
        for message in data.get("file_errors", []):
            write(self.style.ERROR(message))
        for message in data.get("file_warnings", []):
            write(self.style.WARNING(message))
        counts = data.get("counts") or {}
        if counts:
            write(
                _(
                    "Rows: %(rows)d · valid %(valid)d · rejected %(rejected)d · create %(create)d · "
                    "update %(update)d · unchanged %(unchanged)d"
                )
                % counts
            )
        for heading, items, key, style in (
            (_("Rejected"), data.get("errors", []), "reason", self.style.ERROR),
            (_("Warnings"), data.get("warnings", []), "message", self.style.WARNING),
        ):
            if items:
                write(heading + ":")
                for item in items:
                    where = _("row %(row)d") % {"row": item["row"]}
                    if item.get("column"):
                        where += f", {item['column']}"
                    value = f" “{item['value']}”" if item.get("value") else ""
                    write(style(f"  {where}{value}: {item[key]}"))
        conversions = data.get("conversions", [])
        if conversions:
            write(_("Conversions:"))
            for item in conversions:
                write(
                    f"  {_('row %(row)d') % {'row': item['row']}}, {item['column']}: "
                    f"{item['value']} → {item['result']}"
                )
        if dry_run:
            write(_("Dry run: nothing was written."))
        elif job.status == ImportStatus.DONE:
            write(
                self.style.SUCCESS(
                    _("Imported: %(created)d created, %(updated)d updated.")
                    % {"created": job.created_count, "updated": job.updated_count}
                )
            )
        elif refused or job.error:
            write(self.style.ERROR(refused or job.error))
