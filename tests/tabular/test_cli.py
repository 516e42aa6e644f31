"""`clusterhub import KIND FILE [--dry-run] [--json] [--user] [--good-rows]`."""

import json

import pytest
from django.core.management import CommandError, call_command

from clusterhub.core.changelog import history_for
from clusterhub.core.choices import ChangeSource
from clusterhub.enterprises.models import Enterprise
from clusterhub.tabular.models import ImportJob

from .conftest import csv_bytes, uscc

CODE_A = uscc("91220101MA0000001")
CODE_B = uscc("91220101MA0000002")
HEADER = ["统一社会信用代码", "企业名称", "企业类型", "注册地", "年营业收入（亿元）"]


def write(tmp_path, rows, encoding="gbk"):
    path = tmp_path / "企业名单.csv"
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("import", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_dry_run_json_lists_rejected_rows_and_writes_nothing(registry, tmp_path):
    path = write(
        tmp_path,
        [
            HEADER,
            [CODE_A, "长春甲公司", "tier1", "220100", "3000万元"],
            [CODE_B, "外省乙公司", "tier1", "999999", ""],
            [CODE_A, "长春甲公司", "tier1", "220100", ""],
        ],
    )
    out, error = run("enterprises", str(path), "--dry-run", "--json")
    assert error is not None and error.returncode == 1
    data = json.loads(out)
    assert data["dry_run"] is True
    assert data["committed"] is False
    assert data["counts"]["rows"] == 3
    assert data["counts"]["rejected"] == 2
    assert [(e["row"], e["column"], e["field"]) for e in data["errors"]] == [
        (3, "注册地", "home_region"),
        (4, "统一社会信用代码", "credit_code"),
    ]
    assert data["errors"][0]["reason"] == "unknown region code “999999”"
    assert data["conversions"][0]["result"] == "0.3亿元"
    assert data["file"]["encoding"] == "GB18030"
    assert not Enterprise.objects.exists()


def test_clean_file_imports_as_user_and_logs_the_source(registry, people, tmp_path):
    path = write(tmp_path, [HEADER, [CODE_A, "长春甲公司", "一级供应商", "220100", "1"]])
    out, error = run("enterprises", str(path), "--user", "changchun_officer")
    assert error is None, out
    assert "1 created" in out
    # Without --dry-run the file is checked and written in one pass: no separate preview.
    job = ImportJob.objects.get()
    assert not job.result and job.commit_result["counts"]["created"] == 1
    enterprise = Enterprise.objects.get(credit_code=CODE_A)
    change = history_for(enterprise).get(action="create")
    assert change.source == ChangeSource.IMPORT
    assert change.user_name == "changchun_officer"


def test_rejected_rows_exit_non_zero_and_nothing_is_written(registry, tmp_path):
    path = write(
        tmp_path,
        [HEADER, [CODE_A, "长春甲公司", "tier1", "220100", ""], [CODE_B, "乙", "tier1", "999", ""]],
    )
    out, error = run("enterprises", str(path), "--json")
    assert error.returncode == 1
    data = json.loads(out)
    assert "nothing was written" in data["error"]
    # One pass: the rejected row is named with its field and reason, and the good one rolled back.
    assert [(e["row"], e["field"]) for e in data["errors"]] == [(3, "home_region")]
    assert data["committed"] is False
    assert not Enterprise.objects.exists()
    out, error = run("enterprises", str(path), "--good-rows")
    assert error is None
    assert list(Enterprise.objects.values_list("credit_code", flat=True)) == [CODE_A]


def test_unreadable_file_exits_2(registry, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    out, error = run("enterprises", str(path), "--json")
    assert error.returncode == 2
    assert json.loads(out)["file_errors"] == ["The file is empty."]


def test_unknown_user(registry, tmp_path):
    path = write(tmp_path, [HEADER])
    with pytest.raises(CommandError, match="No user"):
        call_command("import", "enterprises", str(path), "--user", "nobody")


def test_supply_links_kind(registry, tmp_path, faw):
    from ..factories import EnterpriseFactory

    supplier = EnterpriseFactory(name="供应商甲", home_region=registry["changchun"])
    path = tmp_path / "links.csv"
    path.write_bytes(
        csv_bytes(
            [["供应商", "客户", "产业链环节", "年份"], [supplier.name, faw.name, "座椅", "2024"]]
        )
    )
    out, error = run("supply-links", str(path))
    assert error is None, out
    assert supplier.sales.get().customer == faw
