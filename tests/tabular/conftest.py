"""Builders for import files (CSV in any encoding, XLSX) and a small registry to import into."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterhub.geo.models import RetiredRegionCode

from ..factories import ChainNodeFactory, EnterpriseFactory, RegionFactory, UserFactory


def csv_bytes(rows, encoding="utf-8"):
    text = "\r\n".join(",".join(_quote(c) for c in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def _quote(value):
    value = "" if value is None else str(value)
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def xlsx_bytes(rows, *, title_rows=(), sheet_title="企业名单", string_cells=True):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in [*title_rows, *rows]:
        sheet.append(list(row))
    if string_cells:
        # A text cell that starts with "=" as a bureau's sheet holds it: text, not a formula.
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


# Valid credit codes (check characters computed by the GB 32100-2015 rule).
def uscc(body17):
    from clusterhub.enterprises.validators import uscc_check_character

    return body17 + uscc_check_character(body17)


@pytest.fixture
def registry(jilin, people):
    """Jilin regions incl. Gongzhuling (220184, old code 220381) and a few chain nodes."""
    gongzhuling = RegionFactory(
        code="220184",
        name="公主岭市",
        name_en="Gongzhuling",
        level="county",
        parent=jilin["changchun"],
    )
    RetiredRegionCode.objects.create(code="220381", name="公主岭市", region=gongzhuling)
    nodes = {
        "seat": ChainNodeFactory(code="P-INT-SEAT", name="座椅", name_en="Seats"),
        "battery": ChainNodeFactory(code="P-NEV-BAT", name="动力电池", name_en="Traction battery"),
    }
    return {**jilin, "gongzhuling": gongzhuling, "nodes": nodes}


@pytest.fixture
def admin_user(db):
    return UserFactory(username="steward", is_superuser=True, is_staff=True)


@pytest.fixture
def faw(registry):
    return EnterpriseFactory(
        name="中国第一汽车集团有限公司",
        credit_code=uscc("91220000123456789"),
        kind="group",
        home_region=registry["changchun"],
    )
