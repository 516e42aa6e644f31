"""Reading CSV and XLSX files as rows, with the problems users actually have explained clearly.

- Format from the file's first bytes, not its name: XLSX is a zip; an old .xls (OLE2) or binary
  junk is refused with a reason.
- CSV encodings: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8; otherwise GB18030 (the
  superset of GBK and GB2312 that Chinese Excel and WPS write), with charset-normalizer arbitrating
  when the bytes may be Big5. A GBK file is never decoded as UTF-8 with replacement characters, and
  a file that already contains mojibake ("�", "ä¼ä¸") is refused naming the row.
- The header row is the one of the first rows that matches the most known headers, so a title row
  above the header (common in bureau spreadsheets) is skipped.
- Row numbers are those the user sees in Excel or WPS (1-based, counting the title and header).
- XLSX is streamed with openpyxl's read-only mode; formula cells give their last computed value.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

HEADER_SEARCH_ROWS = 10

GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "hz_gb_2312", "cp936"}
BIG5_FAMILY = {"big5", "big5hkscs", "cp950"}


class TabularError(Exception):
    """A file that cannot be read at all; the message tells the user why and what to do."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class Table:
    """An open file: its header and an iterator over its data rows."""

    format: str  # "csv" or "xlsx"
    encoding: str | None
    sheet: str | None
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    total_rows: int | None  # data rows, when known in advance (for the progress bar)
    notes: list[str] = field(default_factory=list)


HeaderScore = Callable[[list[Any]], int]


def sniff_format(head: bytes) -> str:
    if not head:
        raise TabularError(_("The file is empty."))
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TabularError(
            _(
                "This is an old Excel 97-2003 (.xls) or WPS (.et) file. Open it and save it as "
                "Excel Workbook (.xlsx) or as CSV, then upload it again."
            )
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if head.startswith(b"%PDF") or head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8"):
        raise TabularError(_("This is not a spreadsheet: upload an XLSX or a CSV file."))
    if b"\x00" in head[:4096]:
        raise TabularError(
            _(
                "This file contains binary data and is neither CSV nor XLSX: upload an XLSX or CSV file."
            )
        )
    return "csv"


@contextlib.contextmanager
def open_table(
    path: Path | str,
    *,
    score: HeaderScore,
    encoding: str | None = None,
    cache: Path | None = None,
):
    """Open a CSV or XLSX file; yields a Table. Raises TabularError for unreadable files.

    With `cache`, the rows read are also written there (JSON lines), and a later call with the
    same cache reads them back instead of parsing the file again: a commit re-checks the rows
    of its dry run without parsing a 50,000-row workbook a second time.
    """
    if cache is not None and cache.exists():
        with _open_cache(cache) as table:
            yield table
        return
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = sniff_format(head)
    opener = _open_xlsx(path, score) if kind == "xlsx" else contextlib.nullcontext()
    with opener as table:
        if table is None:
            table = _open_csv(path, score, encoding)
        if cache is not None:
            table.rows = _tee(table, table.rows, cache)
        yield table


# ---------------------------------------------------------------------------------------------
# Row cache


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$s": value.total_seconds()}
    return str(value)


def _json_object(data: dict):
    if len(data) == 1:
        key, value = next(iter(data.items()))
        if key == "$dt":
            return datetime.datetime.fromisoformat(value)
        if key == "$d":
            return datetime.date.fromisoformat(value)
        if key == "$t":
            return datetime.time.fromisoformat(value)
        if key == "$s":
            return datetime.timedelta(seconds=value)
    return data


def _tee(table: Table, rows: Iterator, cache: Path) -> Iterator[tuple[int, list[Any]]]:
    """Yield the table's rows and write them to `cache`; the cache exists only if complete."""
    temporary = cache.with_name(cache.name + ".tmp")
    header = {
        "format": table.format,
        "encoding": table.encoding,
        "sheet": table.sheet,
        "header_row": table.header_row,
        "headers": table.headers,
        "total_rows": table.total_rows,
        "notes": [str(note) for note in table.notes],
    }
    complete = False
    with temporary.open("w", encoding="utf-8") as out:
        try:
            out.write(json.dumps(header, ensure_ascii=False, default=_json_default) + "\n")
            for item in rows:
                out.write(json.dumps(item, ensure_ascii=False, default=_json_default) + "\n")
                yield item
            complete = True
        finally:
            out.close()
            if complete:
                os.replace(temporary, cache)
            else:
                temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def _open_cache(cache: Path):
    with cache.open(encoding="utf-8") as handle:
        header = json.loads(handle.readline())

        def rows():
            for line in handle:
                number, cells = json.loads(line, object_hook=_json_object)
                yield number, cells

        yield Table(rows=rows(), **header)


# ---------------------------------------------------------------------------------------------
# CSV


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a CSV file's bytes; returns (text, encoding name shown to the user)."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise TabularError(_("Unknown encoding “%(enc)s”.") % {"enc": encoding})
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), encoding.upper()
        except UnicodeDecodeError as error:
            hint = ""
            if codec.startswith("utf") and _decodes_as_gb(data):
                hint = _(" The file looks like GBK/GB18030: choose that encoding, or automatic.")
            raise TabularError(
                _("Row %(row)d is not valid %(enc)s.")
                % {"row": _line_of(data, error.start), "enc": encoding.upper()}
                + hint,
                row=_line_of(data, error.start),
            )
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8 (BOM)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    guesses = _guess_encodings(data)
    if guesses and guesses[0] in BIG5_FAMILY and "gb18030" not in guesses:
        return _strict(data, "big5hkscs", "Big5")
    if _decodes_as_gb(data):
        return data.decode("gb18030"), "GB18030"
    for guess in guesses:
        if guess not in GB_FAMILY:
            with contextlib.suppress(UnicodeDecodeError, LookupError):
                return data.decode(guess), guess.upper()
    raise TabularError(
        _(
            "The file's encoding could not be recognised (it is neither UTF-8 nor GBK/GB18030). "
            "Save it from Excel or WPS as “CSV UTF-8” or as XLSX."
        )
    )


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        return data.decode(codec), label
    except UnicodeDecodeError as error:
        row = _line_of(data, error.start)
        raise TabularError(
            _("Row %(row)d is not valid %(enc)s although the file says it is: the file is damaged.")
            % {"row": row, "enc": label},
            row=row,
        )


def _decodes_as_gb(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    # Binary junk decodes as GB18030 too (it maps almost every byte): demand text.
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n")
    return controls == 0


def _guess_encodings(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    try:
        matches = from_bytes(data[:200_000])
    except Exception:  # a detector failure is not the user's problem; fall back to our rules
        return []
    return [m.encoding for m in matches]


_MOJIBAKE = re.compile(r"[\u00c2-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc]")


def damaged_text_row(text: str) -> int | None:
    """The first line holding replacement characters or UTF-8-read-as-Latin-1 mojibake."""
    position = text.find("\ufffd")
    for match in _MOJIBAKE.finditer(text):
        snippet = text[match.start() : match.start() + 12]
        if _is_mojibake(snippet):
            position = match.start() if position < 0 else min(position, match.start())
            break
    if position < 0:
        return None
    return text.count("\n", 0, position) + 1


def _is_mojibake(snippet: str) -> bool:
    for length in range(len(snippet), 1, -1):
        for codec in ("cp1252", "latin-1"):
            try:
                fixed = snippet[:length].encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if any("\u4e00" <= c <= "\u9fff" for c in fixed):
                return True
    return False


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(path: Path, score: HeaderScore, encoding: str | None) -> Table:
    data = path.read_bytes()
    text, label = decode_bytes(data, encoding)
    del data
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TabularError(_("The file is empty."))
    damaged = damaged_text_row(text)
    if damaged:
        raise TabularError(
            _(
                "Row %(row)d contains garbled characters (such as “�” or “ä¼”): the file was saved "
                "after being opened with the wrong encoding, for example a GBK file read as UTF-8. "
                "Export it again from the original spreadsheet."
            )
            % {"row": damaged},
            row=damaged,
        )
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        number = 0
        try:
            for record in reader:
                number += 1
                yield number, record
        except csv.Error as error:
            raise TabularError(
                _("Row %(row)d cannot be read as CSV: %(error)s")
                % {"row": number + 1, "error": error},
                row=number + 1,
            )

    iterator = records()
    head = _take(iterator, HEADER_SEARCH_ROWS)
    header_index = _pick_header(head, score)
    total = sum(1 for _r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header_number, header = head[header_index]
    return Table(
        format="csv",
        encoding=label,
        sheet=None,
        header_row=header_number,
        headers=[str(c) if c is not None else "" for c in header],
        rows=_chain(head[header_index + 1 :], iterator),
        total_rows=max(total - header_number, 0),
        notes=[_("delimiter “%(d)s”") % {"d": {"\t": "TAB"}.get(delimiter, delimiter)}]
        if delimiter != ","
        else [],
    )


# ---------------------------------------------------------------------------------------------
# XLSX

_XLSX_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ParseError, OSError)


def _damaged_xlsx() -> TabularError:
    return TabularError(
        _(
            "The XLSX file is damaged or incomplete (perhaps the upload was cut off). Open it in "
            "Excel or WPS, save it again and upload it again."
        )
    )


@contextlib.contextmanager
def _open_xlsx(path: Path, score: HeaderScore):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (*_XLSX_DAMAGED, InvalidFileException, ValueError, TypeError) as error:
        if isinstance(error, zipfile.BadZipFile | zlib.error | EOFError):
            raise _damaged_xlsx()
        raise TabularError(
            _("This is a zip file but not an Excel workbook (.xlsx): save it as XLSX or CSV.")
        )
    try:
        best = None
        for sheet in workbook.worksheets[:10]:
            if sheet.sheet_state != "visible" and len(workbook.worksheets) > 1:
                continue
            try:
                estimate = sheet.max_row
            except Exception:
                estimate = None
            sheet.reset_dimensions()  # some writers record wrong dimensions; read what is there
            rows = _xlsx_rows(sheet)
            head = _take(rows, HEADER_SEARCH_ROWS)
            if not any(any(not _blank(c) for c in cells) for _n, cells in head):
                continue
            index = _best_header(head, score)
            points = score(head[index][1]) if index is not None else 0
            if best is None or points > best[0]:
                best = (points, sheet, head, index, rows, estimate)
            if points and sheet is workbook.worksheets[0]:
                break  # the first sheet has the data: do not open the others
        if best is None:
            raise TabularError(_("The file is empty."))
        points, sheet, head, index, rows, estimate = best
        if not points:
            _pick_header(head, score)  # raises the "no header row" error
        header_number, header = head[index]
        total = max(estimate - header_number, 0) if estimate else None
        yield Table(
            format="xlsx",
            encoding=None,
            sheet=sheet.title,
            header_row=header_number,
            headers=["" if c is None else str(c) for c in header],
            rows=_chain(head[index + 1 :], rows),
            total_rows=total,
        )
    finally:
        workbook.close()


def _xlsx_rows(sheet) -> Iterator[tuple[int, list[Any]]]:
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except _XLSX_DAMAGED:
        raise _damaged_xlsx()


# ---------------------------------------------------------------------------------------------
# Shared


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _take(iterator, n: int) -> list:
    taken = []
    for item in iterator:
        taken.append(item)
        if len(taken) >= n:
            break
    return taken


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _best_header(head: list[tuple[int, list]], score: HeaderScore) -> int | None:
    best_index, best_points = None, 0
    for index, (_number, cells) in enumerate(head):
        points = score(cells)
        if points > best_points:
            best_index, best_points = index, points
    if best_index is None:
        for index, (_number, cells) in enumerate(head):
            if any(not _blank(c) for c in cells):
                return index
    return best_index


def _pick_header(head: list[tuple[int, list]], score: HeaderScore) -> int:
    if not any(any(not _blank(c) for c in cells) for _n, cells in head):
        raise TabularError(_("The file is empty."))
    index = _best_header(head, score)
    if index is None or score(head[index][1]) == 0:
        raise TabularError(
            _(
                "No header row found in the first %(n)d rows: none of them names a known column. "
                "Download the template to see the expected headers."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    return index
