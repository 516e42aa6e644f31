"""The import engine: reads a file, validates every row, and (when asked) writes the good ones.

An importer (see `Importer`) declares its columns, the natural keys that make two rows the same
record, and three steps: `check_batch` (find the existing record, check the user's rights, build
the record to write), `apply_row` (write one validated row through the app's services) and
`finish`. The engine does the rest: header matching, cell parsing, batched reference lookups,
duplicates inside the file, the preview (every rejected row with its column and reason, warnings,
conversions, a sample of what will be created or updated), progress reports and the counts.

A dry run and a commit are the same pass over the file; a commit also writes. The caller runs a
commit inside one transaction and rolls it back when `run.failed` (all-or-nothing); with
`good_rows_only` the rejected rows are skipped and the rest are written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from clusterhub.core.access import get_access
from clusterhub.core.changelog import snapshot

from .columns import AmountColumn, Cell, CellError, Column, ReferenceColumn, header_variants
from .readers import Table, TabularError, open_table

MAX_LISTED_ISSUES = 10_000  # per list in the stored result; the counts stay exact
SAMPLE_ROWS = 20
LISTED_WRITES = 200


def max_rows() -> int:
    return int(getattr(settings, "CLUSTERHUB_IMPORT_MAX_ROWS", 100_000))


@dataclass
class BoundColumn:
    column: Column
    index: int
    header: str  # as written in the file
    letter: str
    unit: str | None

    def __post_init__(self):
        self.cell = Cell(header=self.header, unit=self.unit)


class Row:
    """One data row: its cells, parsed values, problems, and what the import will do with it."""

    __slots__ = (
        "action",
        "before",
        "cells",
        "conversions",
        "errors",
        "extra",
        "extra_changes",
        "instance",
        "number",
        "values",
        "warnings",
    )

    def __init__(self, number: int):
        self.number = number
        self.cells: dict[str, Any] = {}  # key -> the cell as read
        self.values: dict[str, Any] = {}  # key -> parsed value (only non-blank cells)
        self.errors: list[tuple[str, str]] = []  # (column key or "", reason)
        self.warnings: list[tuple[str, str]] = []
        self.conversions: list[tuple[str, dict]] = []
        self.action: str | None = None  # "create", "update" or "unchanged"
        self.instance = None  # the record to save (existing and modified, or new)
        self.before: dict | None = None  # snapshot of the existing record
        self.extra_changes: list[tuple[str, str, str]] = []  # (what, old, new) beyond fields
        self.extra: dict[str, Any] = {}  # importer scratch space

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, key: str, reason: str) -> None:
        self.errors.append((key, str(reason)))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append((key, str(message)))

    def get(self, key: str, default=None):
        return self.values.get(key, default)


class ImportContext:
    """What an importer needs to know about the run: the user, their rights, shared caches."""

    def __init__(self, *, user, system: bool, apply: bool, source: str = ""):
        self.user = user
        self.system = system
        self.source = source  # what the rows came from (the file's name), for provenance
        self.access = None if system else get_access(user)
        self.apply = apply
        self.cache: dict[str, Any] = {}

    def restrict(self, queryset, action: str = "view"):
        """The queryset limited to what the user may do; everything for a system import."""
        if self.system:
            return queryset
        return queryset.restrict(self.user, action)

    def allowed_pks(self, queryset, pks, action: str = "change") -> set:
        """Which of these primary keys the user may perform `action` on (one query)."""
        pks = {pk for pk in pks if pk is not None}
        if not pks:
            return set()
        if self.system:
            return pks
        return set(self.restrict(queryset.filter(pk__in=pks), action).values_list("pk", flat=True))

    def may_add_in_region(self, region) -> bool:
        """Whether the user may create a record placed in `region` (officer or more there)."""
        if self.system or self.access.is_superuser or self.access.is_data_steward():
            return True
        return region is not None and self.access.covers_region(region, "add")


class Importer:
    """Base class of an importer. Subclasses set the class attributes and the steps."""

    kind: ClassVar[str]
    label: ClassVar[Any]
    model: ClassVar[Any]
    columns: ClassVar[list[Column]]
    batch_size: ClassVar[int] = 500
    # Model field name -> column key, for mapping model validation errors to columns.
    field_columns: ClassVar[dict[str, str]] = {}
    # True in a commit whose dry run of the same file (same checksum) rejected no row: checks
    # that depend only on the row's own cells (lengths, choices, the order of its dates) passed
    # then and are not run again. What depends on the database (references, existing records,
    # keys, the user's rights) is always checked again, in bulk, inside the commit.
    prechecked: bool = False

    def __init__(self):
        self._alias_map: dict[str, Column] | None = None

    # -- header matching --
    def alias_map(self) -> dict[str, Column]:
        if self._alias_map is None:
            mapping: dict[str, Column] = {}
            for column in self.columns:
                for header in column.headers():
                    for variant in header_variants(header):
                        other = mapping.setdefault(variant, column)
                        if other is not column:
                            raise ValueError(f"{self.kind}: header {variant!r} names two columns")
            self._alias_map = mapping
        return self._alias_map

    def match_header(self, text) -> Column | None:
        if text is None:
            return None
        mapping = self.alias_map()
        for variant in header_variants(str(text)):
            if variant in mapping:
                return mapping[variant]
        return None

    def score_header(self, cells: list) -> int:
        return len({c.key for c in (self.match_header(v) for v in cells) if c is not None})

    # -- steps an importer fills in --
    def keys(self, row: Row) -> list[tuple[str, tuple, str]]:
        """(column key, natural key, text shown): two rows sharing a natural key are one record.

        Called after references are resolved, so keys may hold resolved records' ids."""
        return []

    def start(self, ctx: ImportContext) -> None:
        """Load what every row needs (small lookup tables) once."""

    def check_batch(self, rows: list[Row], ctx: ImportContext) -> None:
        for row in rows:
            self.check_row(row, ctx)

    def check_row(self, row: Row, ctx: ImportContext) -> None:
        raise NotImplementedError

    def apply_row(self, row: Row, ctx: ImportContext):
        raise NotImplementedError

    def apply_batch(self, rows: list[Row], ctx: ImportContext) -> None:
        """Write a batch of validated rows. Override to create in bulk; if it raises, the engine
        undoes the batch, calls `forget_batch` and writes the rows one by one with apply_row."""
        for row in rows:
            self.apply_row(row, ctx)

    def forget_batch(self, rows: list[Row], ctx: ImportContext) -> None:
        """Undo in memory what a rolled-back apply_batch left on the rows (new records' keys)."""
        for row in rows:
            if row.action == "create" and row.instance is not None:
                row.instance.pk = None
                row.instance._state.adding = True

    def finish(self, ctx: ImportContext) -> None:
        """Called once after every good row has been written."""

    def describe(self, row: Row) -> str:
        return ""

    def report(self, ctx: ImportContext) -> dict:
        """Extra entries for the run's result (the preview and the outcome), e.g. what entity
        resolution decided for each row."""
        return {}

    def url_of(self, instance) -> str:
        get_url = getattr(instance, "get_absolute_url", None)
        if get_url is None:
            return ""
        try:
            return get_url()
        except Exception:  # a page another app has not wired yet must not break an import
            return ""

    # -- helpers for subclasses --
    @staticmethod
    def start_update(row: Row, instance) -> None:
        """Mark the row as an update of `instance`, remembering it as it was."""
        row.action = "update"
        row.before = snapshot(instance)
        row.instance = instance

    def clean_instance(self, row: Row, instance, fields) -> None:
        """Model validation of `fields` (lengths, choices, URLs, validators) without queries;
        errors land on their columns (see `field_columns`).

        Only the fields the row sets are checked (the rest were valid already, or are defaults),
        and never relations: the importer resolved those itself. Checking all of them for every
        row would cost a query per relation and most of an import's time. Skipped when the
        row's values were checked by the dry run (`prechecked`)."""
        if self.prechecked:
            return
        names = set(fields)
        exclude = [
            f.name
            for f in instance._meta.concrete_fields
            if f.is_relation or (f.name not in names and f.attname not in names)
        ]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.add_validation_errors(row, error)

    def add_validation_errors(self, row: Row, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            already = {key for key, _reason in row.errors}
            for field_name, messages in error.message_dict.items():
                key = self.field_columns.get(field_name, field_name)
                if key in already:
                    continue  # the importer said it more precisely
                for message in messages:
                    row.error(key if key != "__all__" else "", message)
        else:
            for message in error.messages:
                row.error("", message)


class ImportRun:
    """One pass over one file."""

    def __init__(
        self,
        importer: Importer,
        *,
        user,
        system: bool = False,
        apply: bool = False,
        good_rows_only: bool = False,
        prechecked: bool = False,
        progress: Callable[[int, int | None], None] | None = None,
        source: str = "",
    ):
        self.importer = importer
        importer.prechecked = prechecked and apply
        self.ctx = ImportContext(user=user, system=system, apply=apply, source=source)
        self.apply = apply
        self.good_rows_only = good_rows_only
        self.progress = progress
        self.bound: dict[str, BoundColumn] = {}
        self.lookups: dict[str, Any] = {}
        self.seen: dict[tuple, int] = {}
        self.failed = False  # some row rejected (or a write refused)
        self.file_errors: list[str] = []
        self.file_warnings: list[str] = []
        self.counts = dict.fromkeys(
            (
                "rows",
                "valid",
                "rejected",
                "create",
                "update",
                "unchanged",
                "warnings",
                "conversions",
                "created",
                "updated",
            ),
            0,
        )
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.conversions: list[dict] = []
        self.sample: list[dict] = []
        self.written: list[dict] = []
        self.table: Table | None = None
        self.processed = 0
        self._last_progress = 0.0

    # -- the pass --
    def execute(self, path, *, encoding: str | None = None, cache=None) -> dict:
        try:
            with open_table(
                path, score=self.importer.score_header, encoding=encoding, cache=cache
            ) as table:
                self.table = table
                self._bind(table)
                if self.file_errors:
                    self.failed = True
                    return self.result()
                self.importer.start(self.ctx)
                self.lookups = {
                    key: bound.column.lookup(self.ctx)
                    for key, bound in self.bound.items()
                    if isinstance(bound.column, ReferenceColumn)
                }
                self._report(force=True)
                batch: list[Row] = []
                limit = max_rows()
                for number, cells in table.rows:
                    if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                        continue
                    self.counts["rows"] += 1
                    if self.counts["rows"] > limit:
                        raise TabularError(
                            _(
                                "The file has more than %(max)d data rows: split it into smaller files."
                            )
                            % {"max": limit}
                        )
                    batch.append(self._parse(number, cells))
                    if len(batch) >= self.importer.batch_size:
                        self._process(batch)
                        batch = []
                if batch:
                    self._process(batch)
                if self.counts["rows"] == 0:
                    raise TabularError(
                        _("The file has a header row (row %(row)d) but no data rows.")
                        % {"row": table.header_row}
                    )
                if self.apply and (self.good_rows_only or not self.failed):
                    self.importer.finish(self.ctx)
                self._report(force=True)
        except TabularError as error:
            self.failed = True
            self.file_errors.append(error.message)
        return self.result()

    def _bind(self, table: Table) -> None:
        seen: dict[str, BoundColumn] = {}
        for index, header in enumerate(table.headers):
            if header is None or not str(header).strip():
                continue
            column = self.importer.match_header(header)
            letter = get_column_letter(index + 1)
            if column is None:
                self.file_warnings.append(
                    _("Column %(letter)s “%(header)s” is not a known column and is not imported.")
                    % {"letter": letter, "header": str(header).strip()}
                )
                continue
            if column.key in seen:
                self.file_errors.append(
                    _("Columns %(first)s and %(second)s both hold “%(name)s”: keep one of them.")
                    % {
                        "first": seen[column.key].letter,
                        "second": letter,
                        "name": column.header_for(),
                    }
                )
                continue
            unit = None
            if isinstance(column, AmountColumn):
                from .columns import unit_of

                unit = unit_of(header) or column.default_unit()
            # As written, on one line: "*企业名称\nRegistered name" -> "*企业名称 / Registered name".
            written = " / ".join(p.strip() for p in str(header).strip().splitlines() if p.strip())
            seen[column.key] = BoundColumn(column, index, written, letter, unit)
        for column in self.importer.columns:
            if column.required and column.key not in seen:
                self.file_errors.append(
                    _(
                        "The required column “%(zh)s” (%(en)s) is missing from the header row (row %(row)d)."
                    )
                    % {"zh": column.zh, "en": column.en, "row": table.header_row}
                )
        self.bound = seen

    def _parse(self, number: int, cells: list) -> Row:
        row = Row(number)
        width = len(cells)
        for key, bound in self.bound.items():
            index = bound.index
            value = cells[index] if index < width else None
            column = bound.column
            if value is None or value == "" or column.is_blank(value):
                if column.required:
                    row.error(key, _("this column must be filled in"))
                continue
            row.cells[key] = value
            cell = bound.cell  # one per column, emptied after use: fewer objects per row
            try:
                parsed = column.parse(value, cell)
            except CellError as error:
                row.error(key, str(error))
                continue
            finally:
                if cell.warnings:
                    for message in cell.warnings:
                        row.warn(key, message)
                    cell.warnings = []
            if cell.conversion:
                row.conversions.append((key, cell.conversion))
                cell.conversion = None
            if parsed is not None and parsed != []:
                row.values[key] = parsed
        return row

    def _process(self, rows: list[Row]) -> None:
        importer = self.importer
        # References, resolved for the whole batch at once.
        for key, lookup in self.lookups.items():
            wanted = {row.values[key] for row in rows if key in row.values}
            if not wanted:
                continue
            lookup.prefetch(wanted)
            for row in rows:
                if key not in row.values:
                    continue
                try:
                    record, warning = lookup.resolve(row.values[key], row)
                except CellError as error:
                    row.error(key, str(error))
                    del row.values[key]
                    continue
                row.values[key] = record
                if warning:
                    row.warn(key, warning)
        # Duplicates inside the file: the later row is rejected, naming the first.
        for row in rows:
            for key, natural, shown in importer.keys(row):
                first = self.seen.get(natural)
                if first is None:
                    self.seen[natural] = row.number
                else:
                    row.error(
                        key,
                        _("duplicate of row %(row)d (same %(what)s “%(value)s”)")
                        % {"row": first, "what": self._header(key), "value": shown},
                    )
                    break
        importer.check_batch([row for row in rows if row.ok], self.ctx)
        for row in rows:
            if row.ok:
                self._compare(row)
        if self.apply:
            self._write(rows)
        for row in rows:
            self._account(row)
        self.processed += len(rows)
        self._report()

    def _compare(self, row: Row) -> None:
        if row.action != "update" or row.instance is None or row.before is None:
            return
        after = snapshot(row.instance)
        changed = [k for k in after if row.before.get(k) != after[k]]
        row.extra["changed_fields"] = changed
        if not changed and not row.extra_changes:
            row.action = "unchanged"

    def _write(self, rows: list[Row]) -> None:
        if not self.good_rows_only and (self.failed or any(not row.ok for row in rows)):
            self.failed = True
            return  # all-or-nothing: nothing more is written; the caller rolls back
        todo = [row for row in rows if row.ok and row.action in ("create", "update")]
        if not todo:
            return
        importer = self.importer
        try:
            with transaction.atomic():
                importer.apply_batch(todo, self.ctx)
            return
        except (ValidationError, DatabaseError):
            importer.forget_batch(todo, self.ctx)
        # The batch was refused as a whole: write it row by row to name the rows at fault.
        for row in todo:
            try:
                with transaction.atomic():
                    importer.apply_row(row, self.ctx)
            except (ValidationError, DatabaseError) as error:
                importer.forget_batch([row], self.ctx)
                self._write_failed(row, error)
                if not self.good_rows_only:
                    self.failed = True
                    return

    def _write_failed(self, row: Row, error: Exception) -> None:
        if isinstance(error, ValidationError):
            self.importer.add_validation_errors(row, error)
        else:
            row.error(
                "",
                _("the database refused this row: %(error)s")
                % {"error": str(error).splitlines()[0]},
            )

    def _account(self, row: Row) -> None:
        counts = self.counts
        for key, message in row.warnings:
            counts["warnings"] += 1
            self._list(self.warnings, self._issue(row, key, message, "message"))
        for key, conversion in row.conversions:
            counts["conversions"] += 1
            self._list(self.conversions, {**self._where(row, key), **conversion})
        if not row.ok:
            counts["rejected"] += 1
            self.failed = True
            # In the order of the file's columns, as the user reads the row.
            for key, reason in sorted(row.errors, key=lambda e: self._position(e[0])):
                self._list(self.errors, self._issue(row, key, reason, "reason"))
            return
        counts["valid"] += 1
        action = row.action or "unchanged"
        counts[action] = counts.get(action, 0) + 1
        if action in ("create", "update") and len(self.sample) < SAMPLE_ROWS:
            self.sample.append(self._sample(row))
        if self.apply and action in ("create", "update") and row.instance is not None:
            written = "created" if action == "create" else "updated"
            if (self.good_rows_only or not self.failed) and row.instance.pk is not None:
                counts[written] += 1
                if len(self.written) < LISTED_WRITES:
                    self.written.append(
                        {
                            "row": row.number,
                            "action": action,
                            "label": self.importer.describe(row),
                            "url": self.importer.url_of(row.instance),
                        }
                    )

    def _position(self, key: str) -> int:
        bound = self.bound.get(key)
        return bound.index if bound else -1

    @staticmethod
    def _list(target: list, item: dict) -> None:
        if len(target) < MAX_LISTED_ISSUES:
            target.append(item)

    def _header(self, key: str) -> str:
        bound = self.bound.get(key)
        if bound:
            return bound.header
        for column in self.importer.columns:
            if column.key == key:
                return column.header_for()
        return key

    def _where(self, row: Row, key: str) -> dict:
        bound = self.bound.get(key)
        return {
            "row": row.number,
            "column": self._header(key) if key else "",
            "field": key,
            "cell": f"{bound.letter}{row.number}" if bound else "",
        }

    def _issue(self, row: Row, key: str, text: str, name: str) -> dict:
        from .columns import cell_text

        value = cell_text(row.cells.get(key)) if key else ""
        return {**self._where(row, key), "value": value[:200], name: text}

    def _sample(self, row: Row) -> dict:
        from .columns import cell_text

        entry = {"row": row.number, "action": row.action, "label": self.importer.describe(row)}
        if row.action == "update":
            entry["changes"] = describe_changes(row) + [
                {"field": what, "old": old, "new": new} for what, old, new in row.extra_changes
            ]
        else:
            entry["values"] = {
                self._header(key): cell_text(value)[:100] for key, value in row.cells.items()
            }
        return entry

    def _report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.5:
            self._last_progress = now
            self.progress(self.processed, self.table.total_rows if self.table else None)

    def result(self) -> dict:
        table = self.table
        counts = dict(self.counts)
        written = self.written
        if self.apply and self.failed and not self.good_rows_only:
            # All-or-nothing: the caller rolls everything back, so nothing was written.
            counts["created"] = counts["updated"] = 0
            written = []
        return {
            "kind": self.importer.kind,
            "file": {
                "format": table.format if table else None,
                "encoding": table.encoding if table else None,
                "sheet": table.sheet if table else None,
                "header_row": table.header_row if table else None,
                "notes": table.notes if table else [],
            },
            "columns": [
                {
                    "letter": b.letter,
                    "header": b.header,
                    "field": b.column.key,
                    "label": b.column.header_for(),
                    "unit": b.unit,
                }
                for b in sorted(self.bound.values(), key=lambda b: b.index)
            ],
            "file_errors": self.file_errors,
            "file_warnings": self.file_warnings,
            "counts": counts,
            "errors": self.errors,
            "warnings": self.warnings,
            "conversions": self.conversions,
            "sample": self.sample,
            "written": written,
            "truncated": any(
                len(items) >= MAX_LISTED_ISSUES
                for items in (self.errors, self.warnings, self.conversions)
            ),
            **(self.importer.report(self.ctx) if self.table is not None else {}),
        }


def describe_changes(row: Row) -> list[dict]:
    """The fields an update changes, old and new, as a user would read them."""
    instance = row.instance
    before = row.before or {}
    after = snapshot(instance)
    result = []
    for attname in row.extra.get("changed_fields", []):
        field = _field_by_attname(type(instance), attname)
        if field is None:
            continue
        old, new = before.get(attname), after.get(attname)
        if field.is_relation:
            related = field.related_model._base_manager.in_bulk([v for v in (old, new) if v])
            old_text = str(related.get(old, "")) if old else ""
            new_text = str(getattr(instance, field.name, "") or "")
        elif field.choices:
            labels = dict(field.flatchoices)
            old_text, new_text = str(labels.get(old, old or "")), str(labels.get(new, new or ""))
        else:
            old_text, new_text = "" if old is None else str(old), "" if new is None else str(new)
        result.append({"field": str(field.verbose_name), "old": old_text, "new": new_text})
    return result


def _field_by_attname(model, attname: str):
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    return None
