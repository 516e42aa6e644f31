"""Exports: headers in the reader's language, amounts in the header's unit, formulas neutralised."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
from django.utils import translation

from clusterhub.enterprises.importers import EnterpriseImporter
from clusterhub.tabular.export import (
    ExportColumn,
    csv_bytes,
    export_csv,
    export_xlsx,
    neutralise,
    template_bytes,
    xlsx_bytes,
)
from clusterhub.tabular.models import ImportStatus
from clusterhub.tabular.services import commit_import, preview_import

from .conftest import upload

FORMULA = '=HYPERLINK("http://evil.example","点击")'
COLUMNS = [
    ExportColumn("企业名称", "Registered name", "name"),
    ExportColumn("注册地", "Registered in", "region.name"),
    ExportColumn("年营业收入", "Annual revenue", "revenue", unit="万元"),
    ExportColumn("成立日期", "Founded", "founded"),
    ExportColumn("备注", "Note", lambda row: row["note"].upper()),
]
ROWS = [
    {
        "name": FORMULA,
        "region": {"name": "长春市"},
        "revenue": Decimal("30000000"),
        "founded": datetime.date(2021, 10, 19),
        "note": "@sum(1)",
    },
    {"name": "一汽富维", "region": None, "revenue": None, "founded": None, "note": "-2+3"},
]


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+86 431") == "'+86 431"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("一汽") == "一汽"
    assert neutralise(-5) == -5  # numbers are numbers


def test_xlsx_export_in_chinese_neutralises_formulas_and_uses_the_unit():
    with translation.override("zh-hans"):
        content = xlsx_bytes(ROWS, COLUMNS, "企业名录")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "企业名录"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("企业名称", "注册地", "年营业收入（万元）", "成立日期", "备注")
    assert rows[1][0] == "'" + FORMULA
    assert sheet["A2"].data_type == "s"  # a string cell, never a formula
    assert rows[1][2] == 3000
    assert rows[1][3] == datetime.datetime(2021, 10, 19)
    assert rows[1][4] == "'@SUM(1)"
    assert rows[2] == ("一汽富维", None, None, None, "'-2+3")


def test_csv_export_in_english_with_bom():
    with translation.override("en"):
        content = csv_bytes(ROWS, COLUMNS)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Registered name",
        "Registered in",
        "Annual revenue (10k yuan)",
        "Founded",
        "Note",
    ]
    assert rows[1] == ["'" + FORMULA, "长春市", "3000", "2021-10-19", "'@SUM(1)"]


def test_download_responses():
    response = export_xlsx(ROWS, COLUMNS, "企业名录", filename="企业名录")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    response = export_csv(ROWS, COLUMNS, filename="enterprises", encoding="gb18030")
    assert response["Content-Disposition"] == 'attachment; filename="enterprises.csv"'
    assert "一汽富维".encode("gb18030") in response.content


def test_formula_survives_export_and_reimport_unchanged(registry, admin_user, faw):
    """Imported as text, exported with an apostrophe, imported back without it."""
    from clusterhub.enterprises.models import Enterprise

    faw.name_en = FORMULA
    faw.save()
    columns = [
        ExportColumn(c.zh, c.en, c.key)
        for c in EnterpriseImporter.columns
        if c.key in ("credit_code", "name", "name_en")
    ]
    content = xlsx_bytes(Enterprise.objects.all(), columns, "企业")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["C2"].value == "'" + FORMULA
    job = preview_import(user=admin_user, kind="enterprises", file=upload("back.xlsx", content))
    assert job.result["counts"]["unchanged"] == 1, job.result
    commit_import(user=admin_user, job=job)
    faw.refresh_from_db()
    assert faw.name_en == FORMULA


def test_template_has_both_languages_and_imports_back(registry, admin_user):
    content = template_bytes(EnterpriseImporter())
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "统一社会信用代码\nUnified social credit code"
    assert "*企业名称\nRegistered name" in headers
    assert "年营业收入（万元）\nAnnual revenue (10k yuan)" in headers
    notes = workbook.worksheets[1]
    kinds = next(row for row in notes.iter_rows(values_only=True) if row[0] == "企业类型")
    assert "整车企业 / Vehicle maker (OEM)" in kinds[3]
    # Filled in, the template imports: every header is recognised, units included.
    for header, value in (
        ("*企业名称\nRegistered name", "模板测试公司"),
        ("企业类型\nKind", "一级供应商"),
        ("注册地\nRegistered in", "220100"),
        ("年营业收入（万元）\nAnnual revenue (10k yuan)", 120),
    ):
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = preview_import(
        user=admin_user, kind="enterprises", file=upload("t.xlsx", buffer.getvalue())
    )
    assert job.status == ImportStatus.VALIDATED
    assert job.result["file_warnings"] == []
    assert len(job.result["columns"]) == len(EnterpriseImporter.columns)
    assert job.result["counts"]["create"] == 1, job.result["errors"]
    commit_import(user=admin_user, job=job)
    from clusterhub.enterprises.models import Enterprise

    assert Enterprise.objects.get(name="模板测试公司").annual_revenue == Decimal("1200000.00")
