"""Importing enterprise lists: every bad input named by row and column, nothing half written."""

from decimal import Decimal

import pytest
from django.test import override_settings

from clusterhub.core.changelog import history_for
from clusterhub.core.choices import ChangeAction, ChangeSource
from clusterhub.core.models import ObjectChange
from clusterhub.enterprises.models import Enterprise, EnterpriseAlias, Site
from clusterhub.tabular.models import ImportStatus
from clusterhub.tabular.services import ImportRefused, commit_import, preview_import

from ..factories import EnterpriseFactory
from .conftest import csv_bytes, upload, uscc, xlsx_bytes

CODE_A = uscc("91220101MA0000001")
CODE_B = uscc("91220101MA0000002")
CODE_C = uscc("91220101MA0000003")
HEADER = [
    "统一社会信用代码",
    "企业名称",
    "企业类型",
    "注册地",
    "年营业收入（亿元）",
    "成立日期",
    "别名",
]


def wrong_check(code):
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def good_rows():
    return [
        HEADER,
        [
            CODE_A,
            "长春富维汽车零部件有限公司",
            "一级供应商",
            "220100",
            "3000万元",
            "2021年10月19日",
            "富维；FAWAY",
        ],
        [CODE_B, "公主岭某某汽车配件有限公司", "二级", "220184", "1.5", "2021.10.19", ""],
    ]


def preview(user, rows, name="list.csv", encoding="utf-8", content=None):
    content = content if content is not None else csv_bytes(rows, encoding)
    return preview_import(user=user, kind="enterprises", file=upload(name, content))


def errors_of(job):
    return [(e["row"], e["column"], e["reason"]) for e in job.result["errors"]]


def test_gbk_csv_with_chinese_headers_imports(registry, admin_user):
    job = preview(admin_user, good_rows(), encoding="gbk")
    assert job.status == ImportStatus.VALIDATED, job.error
    assert job.result["file"]["encoding"] == "GB18030"
    assert (
        job.result["counts"] | {"rows": 2, "valid": 2, "rejected": 0, "create": 2}
        == job.result["counts"]
    )
    job = commit_import(user=admin_user, job=job)
    assert job.status == ImportStatus.DONE
    assert job.created_count == 2
    fuwei = Enterprise.objects.get(credit_code=CODE_A)
    assert fuwei.name == "长春富维汽车零部件有限公司"  # decoded, no mojibake
    assert fuwei.kind == "tier1"
    assert fuwei.home_region == registry["changchun"]
    assert fuwei.annual_revenue == Decimal("30000000.00")
    assert str(fuwei.founded) == "2021-10-19"
    assert set(fuwei.aliases.values_list("name", flat=True)) == {"富维", "FAWAY"}
    other = Enterprise.objects.get(credit_code=CODE_B)
    assert other.annual_revenue == Decimal("150000000.00")  # 1.5 in a 亿元 column
    assert str(other.founded) == "2021-10-19"


def test_cell_with_its_own_unit_is_converted_and_the_conversion_shown(registry, admin_user):
    job = preview(admin_user, good_rows())
    (conversion,) = job.result["conversions"]
    assert conversion["row"] == 2
    assert conversion["column"] == "年营业收入（亿元）"
    assert conversion["value"] == "3000万元"
    assert conversion["result"] == "0.3亿元"
    assert conversion["yuan"] == "30000000.00"
    assert job.result["columns"][4]["unit"] == "亿元"


def test_english_headers_and_labels(registry, admin_user):
    rows = [
        [
            "Unified social credit code",
            "Registered name",
            "Kind",
            "Registered in",
            "Annual revenue (10k yuan)",
        ],
        [CODE_A, "Changchun Test Parts Co., Ltd.", "Tier-1 supplier", "Changchun", "2,500"],
    ]
    job = preview(admin_user, rows)
    assert job.result["counts"]["valid"] == 1, job.result["errors"]
    commit_import(user=admin_user, job=job)
    enterprise = Enterprise.objects.get(credit_code=CODE_A)
    assert enterprise.kind == "tier1"
    assert enterprise.home_region == registry["changchun"]
    assert enterprise.annual_revenue == Decimal("25000000.00")


def test_xlsx_with_a_title_row_reports_rows_as_excel_shows_them(registry, admin_user):
    bad = [wrong_check(CODE_C), "坏公司", "tier1", "220100", "", "", ""]
    content = xlsx_bytes([*good_rows(), bad], title_rows=[["2021年长春市零部件企业名单"]])
    job = preview(admin_user, None, name="list.xlsx", content=content)
    assert job.result["file"]["header_row"] == 2
    (error,) = job.result["errors"]
    assert error["row"] == 5
    assert error["column"] == "统一社会信用代码"
    assert error["cell"] == "A5"
    assert "check character" in error["reason"]


def test_wrong_credit_code_check_character_names_row_and_field(registry, admin_user):
    wrong = wrong_check(CODE_C)
    rows = [*good_rows(), [wrong, "错码公司", "tier1", "220100", "", "", ""]]
    job = preview(admin_user, rows)
    assert errors_of(job) == [
        (4, "统一社会信用代码", f"check character is {wrong[-1]}, expected {CODE_C[-1]}")
    ]
    assert job.result["errors"][0]["field"] == "credit_code"


def test_unknown_region_code(registry, admin_user):
    rows = [*good_rows(), [CODE_C, "外省公司", "tier1", "999999", "", "", ""]]
    job = preview(admin_user, rows)
    assert errors_of(job) == [(4, "注册地", "unknown region code “999999”")]


def test_retired_region_code_is_mapped_with_a_warning(registry, admin_user):
    rows = [HEADER, [CODE_A, "公主岭老码公司", "tier1", "220381", "", "", ""]]
    job = preview(admin_user, rows)
    (warning,) = job.result["warnings"]
    assert (warning["row"], warning["column"]) == (2, "注册地")
    assert "220381" in warning["message"] and "220184" in warning["message"]
    commit_import(user=admin_user, job=job)
    assert Enterprise.objects.get(credit_code=CODE_A).home_region == registry["gongzhuling"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (csv_bytes([HEADER]), "header.csv", "header row (row 1) but no data rows"),
        (xlsx_bytes([HEADER]), "header.xlsx", "header row (row 1) but no data rows"),
    ],
)
def test_empty_and_header_only_files(registry, admin_user, content, name, message):
    job = preview(admin_user, None, name=name, content=content)
    assert job.status == ImportStatus.FAILED
    assert message in job.error
    with pytest.raises(ImportRefused):
        commit_import(user=admin_user, job=job)
    assert not Enterprise.objects.exists()


def test_truncated_xlsx_upload(registry, admin_user):
    content = xlsx_bytes(good_rows() * 30)
    job = preview(admin_user, None, name="cut.xlsx", content=content[:-200])
    assert job.status == ImportStatus.FAILED
    assert "damaged or incomplete" in job.error


def test_missing_required_column(registry, admin_user):
    job = preview(admin_user, [["统一社会信用代码", "注册地"], [CODE_A, "220100"]])
    assert job.status == ImportStatus.FAILED
    assert "企业名称" in job.error and "missing" in job.error


def test_duplicate_row_is_rejected_naming_the_first(registry, admin_user):
    rows = [*good_rows(), [CODE_A, "长春富维汽车零部件有限公司", "tier1", "220100", "", "", ""]]
    job = preview(admin_user, rows)
    assert errors_of(job) == [
        (4, "统一社会信用代码", f"duplicate of row 2 (same 统一社会信用代码 “{CODE_A}”)")
    ]


def test_formula_text_is_kept_verbatim_with_a_warning(registry, admin_user):
    formula = '=HYPERLINK("http://evil.example/x","点击")'
    rows = [HEADER, [CODE_A, formula, "tier1", "220100", "", "", ""]]
    job = preview(admin_user, rows)
    (warning,) = job.result["warnings"]
    assert (warning["row"], warning["column"]) == (2, "企业名称")
    assert "kept as text" in warning["message"]
    commit_import(user=admin_user, job=job)
    assert Enterprise.objects.get(credit_code=CODE_A).name == formula


@override_settings(CLUSTERHUB_MAX_UPLOAD_BYTES=1024 * 1024)
def test_oversized_upload_is_refused_with_the_limit(registry, admin_user, settings):
    content = csv_bytes(good_rows()) + b"x" * (1024 * 1024)
    with pytest.raises(ImportRefused) as refused:
        preview(admin_user, None, content=content)
    assert refused.value.status == 413
    assert "limited to 1 MB" in refused.value.message
    assert not (settings.DATA_DIR / "imports").exists() or not any(
        (settings.DATA_DIR / "imports").iterdir()
    )


def test_too_many_rows(registry, admin_user, settings):
    settings.CLUSTERHUB_IMPORT_MAX_ROWS = 1
    job = preview(admin_user, good_rows())
    assert job.status == ImportStatus.FAILED
    assert "more than 1 data rows" in job.error


def test_reimport_updates_by_credit_code_and_logs_the_update(registry, admin_user):
    commit_import(user=admin_user, job=preview(admin_user, good_rows()))
    fuwei = Enterprise.objects.get(credit_code=CODE_A)
    rows = good_rows()
    rows[1][1] = "长春富维汽车零部件股份有限公司"  # renamed
    rows[1][4] = "0.5"
    job = preview(admin_user, rows)
    assert job.result["counts"]["update"] == 1
    assert job.result["counts"]["unchanged"] == 1
    (sample,) = job.result["sample"]
    changes = {c["field"]: (c["old"], c["new"]) for c in sample["changes"]}
    assert changes["registered name"] == (
        "长春富维汽车零部件有限公司",
        "长春富维汽车零部件股份有限公司",
    )
    job = commit_import(user=admin_user, job=job)
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Enterprise.objects.count() == 2
    fuwei.refresh_from_db()
    assert fuwei.name == "长春富维汽车零部件股份有限公司"
    assert fuwei.annual_revenue == Decimal("50000000.00")
    assert EnterpriseAlias.objects.filter(enterprise=fuwei).count() == 2  # not duplicated
    change = history_for(fuwei).get(action=ChangeAction.UPDATE)
    assert change.source == ChangeSource.IMPORT
    assert change.user == admin_user
    assert change.before["name"] == "长春富维汽车零部件有限公司"


def test_reimport_by_exact_name_fills_in_the_credit_code(registry, admin_user):
    existing = EnterpriseFactory(
        name="长春富维汽车零部件有限公司", home_region=registry["changchun"]
    )
    job = preview(admin_user, good_rows()[:2])
    assert job.result["counts"]["update"] == 1
    commit_import(user=admin_user, job=job)
    existing.refresh_from_db()
    assert existing.credit_code == CODE_A
    assert Enterprise.objects.count() == 1


def test_all_or_nothing_one_bad_row_writes_nothing(registry, admin_user, faw):
    before = list(Enterprise.objects.values_list("pk", "name", "updated"))
    changes = ObjectChange.objects.count()
    rows = [*good_rows(), [CODE_C, "坏区公司", "tier1", "999999", "", "", ""]]
    rows[1][1] = "中国第一汽车集团有限公司改名"  # would rename FAW if it were written
    rows[1][0] = faw.credit_code
    job = preview(admin_user, rows)
    assert job.result["counts"]["rejected"] == 1
    with pytest.raises(ImportRefused, match="1 rows are rejected"):
        commit_import(user=admin_user, job=job)
    assert list(Enterprise.objects.values_list("pk", "name", "updated")) == before
    assert ObjectChange.objects.count() == changes


def test_commit_rechecks_and_rolls_back_when_the_registry_changed(registry, admin_user):
    job = preview(admin_user, good_rows())
    assert job.result["counts"]["rejected"] == 0
    # Between the preview and the commit, someone registers CODE_B's name under another code.
    EnterpriseFactory(
        name="公主岭某某汽车配件有限公司", credit_code=CODE_C, home_region=registry["changchun"]
    )
    count = Enterprise.objects.count()
    job = commit_import(user=admin_user, job=job)
    assert job.status == ImportStatus.FAILED
    assert "nothing was written" in job.error
    assert job.commit_result["errors"][0]["row"] == 3
    assert Enterprise.objects.count() == count
    assert not Enterprise.objects.filter(credit_code=CODE_A).exists()


def test_good_rows_option_writes_the_rest(registry, admin_user):
    rows = [*good_rows(), [CODE_C, "坏区公司", "tier1", "999999", "", "", ""]]
    job = preview(admin_user, rows)
    job = commit_import(user=admin_user, job=job, good_rows_only=True)
    assert job.status == ImportStatus.DONE
    assert job.created_count == 2
    assert job.commit_result["counts"]["rejected"] == 1
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {CODE_A, CODE_B}


def test_siping_officer_cannot_import_into_changchun(registry, people):
    changchun_company = EnterpriseFactory(
        name="长春某公司", credit_code=CODE_A, home_region=registry["changchun"]
    )
    rows = [
        HEADER,
        [CODE_A, "长春某公司（改名）", "tier1", "220100", "", "", ""],  # update a Changchun record
        [CODE_B, "新长春公司", "tier1", "220100", "", "", ""],  # create one in Changchun
        [CODE_C, "四平新公司", "tier1", "220300", "", "", ""],  # inside Siping: fine
    ]
    officer = people["siping_officer"]
    job = preview(officer, rows)
    reasons = {e["row"]: e["reason"] for e in job.result["errors"]}
    assert reasons[2] == "outside your region: you may not change this enterprise"
    assert reasons[3].startswith("outside your region")
    assert 4 not in reasons
    with pytest.raises(ImportRefused):
        commit_import(user=officer, job=job)
    job = commit_import(user=officer, job=job, good_rows_only=True)
    assert job.created_count == 1
    changchun_company.refresh_from_db()
    assert changchun_company.name == "长春某公司"
    assert not Enterprise.objects.filter(credit_code=CODE_B).exists()
    assert Enterprise.objects.get(credit_code=CODE_C).home_region == registry["siping"]


def test_viewer_cannot_create_anything(registry, people):
    job = preview(people["changchun_viewer"], good_rows())
    assert job.result["counts"]["rejected"] == 2


def test_another_users_job_cannot_be_committed(registry, people, admin_user):
    job = preview(people["changchun_officer"], good_rows()[:2])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        commit_import(user=people["siping_officer"], job=job)


def test_parent_group_by_name_in_the_registry_or_a_row_above(registry, admin_user, faw):
    rows = [
        ["企业名称", "统一社会信用代码", "企业类型", "注册地", "所属集团"],
        ["一汽新集团", CODE_C, "集团", "220100", ""],
        ["一汽富维", CODE_A, "tier1", "220100", "中国第一汽车集团有限公司"],
        ["一汽子公司", CODE_B, "tier1", "220100", "一汽新集团"],
        ["孤儿公司", "", "tier1", "220100", "不存在的集团"],
    ]
    job = preview(admin_user, rows)
    assert errors_of(job) == [
        (
            5,
            "所属集团",
            "unknown enterprise “不存在的集团”: it is not in the registry nor in a row above",
        )
    ]
    commit_import(user=admin_user, job=job, good_rows_only=True)
    assert Enterprise.objects.get(credit_code=CODE_A).group == faw
    assert Enterprise.objects.get(credit_code=CODE_B).group.credit_code == CODE_C


def test_site_with_coordinates_and_datum(registry, admin_user):
    rows = [
        ["企业名称", "企业类型", "注册地", "厂区名称", "地址", "经度", "纬度", "坐标系"],
        ["富维", "tier1", "220100", "富维一厂", "长春市东风大街1号", "125.28", "43.83", "高德"],
        ["无坐标系公司", "tier1", "220100", "某厂", "", "125.2", "43.8", ""],
        ["反了公司", "tier1", "220100", "某厂", "", "43.8", "125.2", "GCJ-02"],
    ]
    job = preview(admin_user, rows)
    errors = errors_of(job)
    assert (3, "坐标系", "coordinates need their datum: GCJ-02 or WGS-84") in errors
    assert {e[0] for e in errors} == {3, 4}
    assert any(e[0] == 4 and e[1] == "经度" for e in errors)
    commit_import(user=admin_user, job=job, good_rows_only=True)
    site = Site.objects.get()
    assert (site.name, site.datum, site.region) == ("富维一厂", "GCJ-02", registry["changchun"])
    assert site.longitude == Decimal("125.280000")


def test_kind_is_needed_for_a_new_enterprise_and_labels_are_checked(registry, admin_user):
    rows = [
        ["企业名称", "企业类型", "所有制", "注册地"],
        ["甲公司", "", "民营", "220100"],
        ["乙公司", "火箭", "", "220100"],
    ]
    job = preview(admin_user, rows)
    errors = errors_of(job)
    assert errors[0] == (2, "企业类型", "a new enterprise needs its kind")
    assert errors[1][:2] == (3, "企业类型")
    assert "“火箭” is not one of" in errors[1][2]


def test_a_write_refused_by_the_database_is_named_and_nothing_is_written(
    registry, admin_user, monkeypatch
):
    """A clash only the database sees (another import registered the code meanwhile)."""
    from django.db import IntegrityError

    from clusterhub.enterprises import importers

    real_save = importers.save_enterprise

    def bulk_refused(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: enterprises_enterprise.credit_code")

    def save(*, enterprise, aliases=None):
        if enterprise.credit_code == CODE_B:
            raise IntegrityError("UNIQUE constraint failed: enterprises_enterprise.credit_code")
        return real_save(enterprise=enterprise, aliases=aliases)

    monkeypatch.setattr(importers, "create_enterprises_in_bulk", bulk_refused)
    monkeypatch.setattr(importers, "save_enterprise", save)
    job = commit_import(user=admin_user, job=preview(admin_user, good_rows()))
    assert job.status == ImportStatus.FAILED
    (error,) = job.commit_result["errors"]
    assert error["row"] == 3
    assert "the database refused this row" in error["reason"]
    assert not Enterprise.objects.exists()
    # With the good rows option the other row is written, one by one.
    job = commit_import(user=admin_user, job=preview(admin_user, good_rows()), good_rows_only=True)
    assert job.status == ImportStatus.DONE
    assert list(Enterprise.objects.values_list("credit_code", flat=True)) == [CODE_A]
    assert set(Enterprise.objects.get().aliases.values_list("name", flat=True)) == {"富维", "FAWAY"}


def test_commit_reads_the_dry_runs_rows_with_their_dates(registry, admin_user, settings):
    import datetime

    rows = [
        ["企业名称", "企业类型", "注册地", "成立日期", "员工人数"],
        ["日期公司", "tier1", 220100, datetime.datetime(2021, 10, 19), 1200.0],
    ]
    job = preview(admin_user, None, name="d.xlsx", content=xlsx_bytes(rows))
    cache = settings.DATA_DIR / "imports" / f"job-{job.pk}.rows.jsonl"
    assert cache.exists()
    job = commit_import(user=admin_user, job=job)
    assert job.status == ImportStatus.DONE
    enterprise = Enterprise.objects.get(name="日期公司")
    assert (str(enterprise.founded), enterprise.employees) == ("2021-10-19", 1200)
    assert enterprise.home_region == registry["changchun"]  # a numeric region code cell
    assert not cache.exists()


def test_short_region_name_is_read_as_the_one_region_it_starts(registry, admin_user):
    rows = [HEADER, [CODE_A, "长春简称测试有限公司", "一级供应商", "长春", "", "", ""]]
    job = preview(admin_user, rows)
    assert job.status == ImportStatus.VALIDATED, job.result
    (warning,) = job.result["warnings"]
    assert "长春市" in warning["message"] and "220100" in warning["message"]
