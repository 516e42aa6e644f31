"""Exports every list page uses: XLSX and CSV, safe to open, headers in the reader's language.

    columns = [
        ExportColumn("企业名称", "Registered name", "name", width=40),
        ExportColumn("注册地", "Registered in", "home_region.name"),
        ExportColumn("年营业收入", "Annual revenue", "annual_revenue", unit="万元"),
        ExportColumn("类型", "Kind", lambda e: e.get_kind_display()),
    ]
    return export_xlsx(queryset.restrict(user, "view"), columns, "企业名录", filename="enterprises")
    return export_csv(rows, columns, filename="enterprises")

- `rows`: any iterable of objects or dicts (querysets are iterated with .iterator()). The caller
  restricts them to what the user may see: these helpers never widen or narrow access.
- `value`: an attribute path ("home_region.name", dict keys too) or a callable taking the row.
- Headers: Chinese or English following the active language (or `language=`). An amount column
  (`unit` set, values in Decimal yuan) shows its unit in the header, "年营业收入（万元）" /
  "Annual revenue (10k yuan)", and divides the values: the file says what the numbers mean and the
  importer reads them back in the same unit.
- Text that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
  gets a leading apostrophe, so "=HYPERLINK(...)" is shown, never run. The importer removes that
  apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from clusterhub.core.units import UNIT_FACTORS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNIT_EN = {
    "元": "yuan",
    "千元": "1,000 yuan",
    "万元": "10k yuan",
    "百万元": "million yuan",
    "亿元": "100m yuan",
}
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@dataclass(frozen=True)
class ExportColumn:
    zh: str
    en: str
    value: str | Callable[[Any], Any]
    unit: str | None = None  # money unit for Decimal yuan values: "元", "万元", "亿元"
    width: int | None = None  # XLSX column width in characters
    places: int = 2  # decimal places shown for amounts

    def header(self, language: str | None = None) -> str:
        english = (language or translation.get_language() or "zh-hans").startswith("en")
        text = self.en if english else self.zh
        if self.unit:
            text += f" ({UNIT_EN.get(self.unit, self.unit)})" if english else f"（{self.unit}）"
        return text

    def get(self, row) -> Any:
        if callable(self.value):
            value = self.value(row)
        else:
            value = row
            for part in self.value.split("."):
                if value is None:
                    break
                value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
            if callable(value) and not isinstance(value, type):
                value = value()
        if self.unit and value is not None and value != "":
            value = Decimal(value) / UNIT_FACTORS[self.unit]
        return value


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would treat as a formula gets a leading apostrophe; the rest is kept."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | datetime.date):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return value
    if isinstance(value, list | tuple | set):
        value = "；".join(str(v) for v in value)
    return neutralise(str(value))


def _iterate(rows: Iterable) -> Iterable:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=2000)
    return rows


def table_rows(rows: Iterable, columns: Sequence[ExportColumn]):
    for row in _iterate(rows):
        yield [_cell(column.get(row)) for column in columns]


def xlsx_bytes(
    rows: Iterable,
    columns: Sequence[ExportColumn],
    sheet_title: str,
    *,
    language: str | None = None,
    title: str | None = None,
) -> bytes:
    """An XLSX workbook with one sheet: optional title row, a bold frozen header, the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(sheet_title))
    for index, column in enumerate(columns, start=1):
        width = column.width or max(10, min(40, len(column.header(language)) * 2 + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    if title:
        cell = WriteOnlyCell(sheet, value=neutralise(title))
        cell.font = Font(bold=True, size=14)
        sheet.append([cell])
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header(language)))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        headers.append(cell)
    sheet.append(headers)
    formats = [
        "#,##0." + "0" * column.places if column.unit and column.places else None
        for column in columns
    ]
    for values in table_rows(rows, columns):
        cells = []
        for value, number_format in zip(values, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif number_format and value is not None:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Iterable,
    columns: Sequence[ExportColumn],
    *,
    language: str | None = None,
    encoding: str = "utf-8-sig",
) -> bytes:
    """CSV with a header row; UTF-8 with a BOM by default so Excel and WPS open Chinese right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(column.header(language)) for column in columns])
    for values in table_rows(rows, columns):
        writer.writerow(["" if value is None else value for value in values])
    return buffer.getvalue().encode(encoding, errors="replace")


def _sheet_name(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return (title or "Sheet1")[:31]


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def export_xlsx(
    rows: Iterable,
    columns: Sequence[ExportColumn],
    sheet_title: str,
    *,
    filename: str | None = None,
    language: str | None = None,
    title: str | None = None,
) -> HttpResponse:
    """A download response with an XLSX file of `rows` (see the module docstring)."""
    content = xlsx_bytes(rows, columns, sheet_title, language=language, title=title)
    name = filename or sheet_title or "export"
    return _download(content, XLSX_TYPE, name if name.endswith(".xlsx") else f"{name}.xlsx")


def export_csv(
    rows: Iterable,
    columns: Sequence[ExportColumn],
    *,
    filename: str = "export",
    language: str | None = None,
    encoding: str = "utf-8-sig",
) -> HttpResponse:
    """A download response with a CSV file of `rows` (see the module docstring)."""
    content = csv_bytes(rows, columns, language=language, encoding=encoding)
    name = filename if filename.endswith(".csv") else f"{filename}.csv"
    return _download(content, f"text/csv; charset={encoding.removesuffix('-sig')}", name)


# ---------------------------------------------------------------------------------------------
# Import templates


def template_bytes(importer) -> bytes:
    """The importer's template: bilingual headers (required ones starred) and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    with translation.override("zh-hans"):
        sheet.title = _sheet_name(str(importer.label))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(importer.columns, start=1):
        unit = column.default_unit()
        zh, en = column.zh, column.en
        if unit:
            zh, en = f"{zh}（{unit}）", f"{en} ({UNIT_EN.get(unit, unit)})"
        star = "*" if column.required else ""
        cell = sheet.cell(row=1, column=index, value=f"{star}{zh}\n{en}")
        cell.data_type = "s"
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = max(
            14, len(zh) * 2 + 4, len(en) + 2
        )
    sheet.row_dimensions[1].height = 36
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明 Notes")
    headings = [
        "列名 Column",
        "Column (English)",
        "必填 Required",
        "格式 Format",
        "示例 Example",
        "说明 Notes",
    ]
    notes.append(headings)
    for cell in notes[1]:
        cell.font = bold
        cell.fill = fill
    for column in importer.columns:
        with translation.override("en"):
            accepted_en = column.accepted()
            help_en = str(column.help_text) if column.help_text else ""
        row = [
            column.zh,
            column.en,
            "是 Yes" if column.required else "",
            accepted_en,
            column.example,
            help_en,
        ]
        notes.append([neutralise(v) if isinstance(v, str) else v for v in row])
    for letter, width in zip("ABCDEF", (20, 26, 12, 60, 30, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_response(importer, kind: str) -> HttpResponse:
    return _download(template_bytes(importer), XLSX_TYPE, f"clusterhub-{kind}-template.xlsx")
