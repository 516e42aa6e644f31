"""Importing project lists as bureaus keep them: Chinese headers, 万元/亿元 (and a cell with its own
unit), Chinese dates, GBK CSV; every rejected row with its reason; all or nothing; re-import by
project code updates; the CLI."""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from clusterhub.projects.choices import Stage
from clusterhub.projects.models import FundsArrival, Project, StageEvent
from clusterhub.tabular.models import ImportStatus
from clusterhub.tabular.services import commit_import, preview_import

from ..factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "项目编号",
    "项目名称",
    "投资主体",
    "签约地",
    "落地县区",
    "项目状态",
    "计划总投资（万元）",
    "合同金额（亿元）",
    "到位资金（万元）",
    "签约日期",
    "开工日期",
    "项目地址",
    "包保领导",
    "产业链环节",
]


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2024年重点项目"
    sheet.append(["长春市2024年汽车产业招商项目台账"])  # a title row above the header
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(rows, encoding="gbk"):
    return "\r\n".join(",".join("" if c is None else str(c) for c in r) for r in rows).encode(
        encoding
    )


@pytest.fixture
def bureau(jilin, investor, node):
    EnterpriseFactory(
        name="吉林省凯达管业有限公司", short_name="凯达管业", home_region=jilin["siping"]
    )
    UserFactory(username="wangjun", first_name="军", last_name="王")
    return jilin


def rows():
    return [
        HEADER,
        [
            1,
            "CC2024-001",
            "动力电池壳体项目",
            "富奥股份",
            "长春市",
            "朝阳区",
            "已开工",
            "50000",
            "3000万元",
            "1200",
            "2024年3月5日",
            "2024.5.20",
            "朝阳区汽车路1号",
            "王军",
            "P-BAT",
        ],
        [
            2,
            "CC2024-002",
            "座椅骨架项目",
            "吉林省凯达管业有限公司",
            "220100",
            "",
            "签约",
            "8000",
            "0.6",
            "",
            "2024/4/1",
            "",
            "",
            "张三",
            "",
        ],
        [
            3,
            "CC2024-003",
            "线束项目",
            "富奥汽车零部件股份有限公司",
            "长春市",
            "",
            "在谈",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def preview(user, content, name="台账.xlsx"):
    return preview_import(
        user=user, kind="projects", file=SimpleUploadedFile(name, content), background=False
    )


def commit(user, job):
    return commit_import(user=user, job=job, background=False)


def test_bureau_spreadsheet_preview_then_commit(bureau, people):
    user = people["changchun_officer"]
    job = preview(user, xlsx(rows()))
    result = job.result
    assert result["errors"] == [], result["errors"]
    assert result["counts"]["create"] == 3
    # 3000万元 in the 亿元 column is read by its own unit and the preview shows it.
    [conversion] = result["conversions"]
    assert conversion["value"] == "3000万元" and conversion["result"] == "0.3亿元"
    warnings = [w["message"] for w in result["warnings"]]
    assert any("张三" in w for w in warnings)  # not a user: a warning, not a rejection
    assert not Project.objects.exists()  # the preview writes nothing

    job = commit(user, job)
    assert job.status == ImportStatus.DONE, job.error
    battery = Project.objects.get(code="CC2024-001")
    assert battery.stage == Stage.STARTED
    assert battery.contract_amount == Decimal("30000000.00")
    assert battery.planned_investment == Decimal("500000000.00")
    assert battery.signed_on == datetime.date(2024, 3, 5)
    assert battery.started_on == datetime.date(2024, 5, 20)
    assert battery.city == bureau["changchun"] and battery.landing_region == bureau["chaoyang"]
    assert battery.owner.username == "wangjun"
    assert battery.chain_nodes.get().code == "P-BAT"
    assert list(battery.stage_events.values_list("to_stage", flat=True)) == [
        "lead",
        "negotiating",
        "signed",
        "started",
    ]
    assert FundsArrival.objects.get(project=battery).amount == Decimal("12000000.00")
    seat = Project.objects.get(code="CC2024-002")
    assert seat.contract_amount == Decimal("60000000.00") and seat.stage == Stage.SIGNED
    lead = Project.objects.get(code="CC2024-003")
    assert lead.stage == Stage.NEGOTIATING and lead.confidentiality == "confidential"
    assert seat.confidentiality == "internal"


def test_gbk_csv(bureau, people):
    job = preview(people["changchun_officer"], csv(rows()), name="台账.csv")
    assert job.result["file"]["encoding"].lower() in ("gbk", "gb18030", "gb2312", "cp936")
    assert job.result["counts"]["create"] == 3, job.result["errors"]


def test_bad_rows_are_all_reported_and_nothing_is_written(bureau, people):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%Y年%m月%d日")
    bad = [
        HEADER,
        [1, "X-1", "未知企业项目", "富奥", "长春市", "", "洽谈", "", "", "", "", "", "", "", ""],
        [
            2,
            "X-2",
            "负数项目",
            "富奥股份",
            "长春市",
            "",
            "洽谈",
            "-100",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            3,
            "X-3",
            "未来签约",
            "富奥股份",
            "长春市",
            "",
            "签约",
            "",
            "1",
            "",
            tomorrow,
            "",
            "",
            "",
            "",
        ],
        [
            4,
            "X-4",
            "无金额签约",
            "富奥股份",
            "长春市",
            "",
            "签约",
            "",
            "",
            "",
            "2024-01-05",
            "",
            "",
            "",
            "",
        ],
        [
            5,
            "X-5",
            "开工无地址",
            "富奥股份",
            "长春市",
            "",
            "开工",
            "",
            "1",
            "",
            "2024-01-05",
            "2024-02-01",
            "",
            "",
            "",
        ],
        [6, "X-6", "四平项目", "富奥股份", "四平市", "", "洽谈", "", "", "", "", "", "", "", ""],
        [7, "X-7", "好的一行", "富奥股份", "长春市", "", "洽谈", "", "", "", "", "", "", "", ""],
    ]
    job = preview(people["changchun_officer"], xlsx(bad))
    reasons = {e["row"]: e["reason"] for e in job.result["errors"]}
    # Row numbers are the spreadsheet's: a title row, the header, then data from row 3.
    assert "unknown investor" in reasons[3] and "富奥" in reasons[3]
    assert "did you mean" in reasons[3]
    assert "negative" in reasons[4]
    assert "future" in reasons[5]
    assert "contract amount" in reasons[6]
    assert "site" in reasons[7]
    assert "outside your area" in reasons[8]
    assert 9 not in reasons
    assert job.result["counts"]["rejected"] == 6
    from clusterhub.tabular.services import ImportRefused

    with pytest.raises(ImportRefused):
        commit(people["changchun_officer"], job)
    assert not Project.objects.exists() and not StageEvent.objects.exists()


def test_reimport_by_code_updates(bureau, people):
    user = people["changchun_officer"]
    commit(user, preview(user, xlsx(rows())))
    today = timezone.localdate().isoformat()
    header = [
        "项目编号",
        "项目名称",
        "落地县区",
        "项目阶段",
        "签约金额（亿元）",
        "到位资金（万元）",
    ]
    header += ["签约日期", "投产日期"]
    update = [
        header,
        ["CC2024-003", "线束项目（二期）", "朝阳区", "签约", "2.5", "", today, ""],
        ["CC2024-001", "动力电池壳体项目", "", "投产", "", "2000", "", "2024年12月1日"],
    ]
    job = preview(user, xlsx(update))
    assert job.result["errors"] == [], job.result["errors"]
    assert job.result["counts"]["update"] == 2 and job.result["counts"]["create"] == 0
    job = commit(user, job)
    assert job.status == ImportStatus.DONE
    assert Project.objects.count() == 3
    wire = Project.objects.get(code="CC2024-003")
    assert wire.name == "线束项目（二期）" and wire.stage == Stage.SIGNED
    assert wire.contract_amount == Decimal("250000000.00")
    battery = Project.objects.get(code="CC2024-001")
    assert battery.stage == Stage.OPERATING
    assert battery.operating_on == datetime.date(2024, 12, 1)
    assert battery.stage_events.last().to_stage == "operating"
    # Funds went from 1200万 to 2000万: the 800万 increase is an arrival of today.
    assert FundsArrival.objects.filter(project=battery).order_by("pk").last().amount == Decimal(
        "8000000.00"
    )
    # An illegal move on re-import is refused: operating cannot go back to negotiating.
    back = [header, ["CC2024-001", "动力电池壳体项目", "", "洽谈", "", "", "", ""]]
    job = preview(user, xlsx(back))
    assert "cannot move" in job.result["errors"][0]["reason"]


def test_officer_cannot_update_another_citys_project(bureau, people):
    siping_row = [1, "SP-1", "四平项目", "富奥股份", "四平市", "", "洽谈"] + [""] * 8
    job = preview_import(
        user=None,
        kind="projects",
        system=True,
        background=False,
        file=SimpleUploadedFile("a.xlsx", xlsx([HEADER, siping_row])),
    )
    commit_import(user=None, job=job, system=True, background=False)
    assert Project.objects.get(code="SP-1").city == bureau["siping"]
    rename = [1, "SP-1", "改名"] + [""] * 12
    job = preview(people["changchun_officer"], xlsx([HEADER, rename]))
    assert "another area" in job.result["errors"][0]["reason"]
    assert Project.objects.get(code="SP-1").name == "四平项目"


def test_cli_import_dry_run_json(bureau, tmp_path, capsys):
    path = tmp_path / "projects.xlsx"
    path.write_bytes(xlsx(rows()))
    call_command("import", "projects", str(path), "--dry-run", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True and data["counts"]["create"] == 3
    assert not Project.objects.exists()
    call_command("import", "projects", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["committed"] is True and data["created"] == 3
    assert Project.objects.count() == 3


def test_commit_checks_again_what_changed_since_the_preview(bureau, people):
    """The commit does not check each row's cells again after a clean dry run, but what depends
    on the database is checked again: here a Siping project took one of the file's codes between
    the preview and the commit, and the investor of another row left the registry."""
    user = people["changchun_officer"]
    job = preview(user, xlsx(rows()))
    assert job.result["counts"]["rejected"] == 0
    siping_row = [1, "CC2024-001", "四平项目", "富奥股份", "四平市", "", "洽谈"] + [""] * 8
    other = preview_import(
        user=None,
        kind="projects",
        system=True,
        background=False,
        file=SimpleUploadedFile("b.xlsx", xlsx([HEADER, siping_row])),
    )
    commit_import(user=None, job=other, system=True, background=False)
    from clusterhub.enterprises.models import Enterprise

    Enterprise.objects.filter(name="吉林省凯达管业有限公司").delete()

    job = commit(user, job)
    assert job.status == ImportStatus.FAILED
    reasons = {e["row"]: e["reason"] for e in job.commit_result["errors"]}
    assert "another area" in reasons[3]  # CC2024-001 is now Siping's
    assert "unknown investor" in reasons[4]
    assert set(Project.objects.values_list("code", flat=True)) == {"CC2024-001"}  # all or nothing
    assert Project.objects.get(code="CC2024-001").name == "四平项目"


def test_created_projects_are_in_the_change_log(bureau, people):
    from clusterhub.core.models import ObjectChange

    user = people["changchun_officer"]
    job = commit(user, preview(user, xlsx(rows())))
    assert job.status == ImportStatus.DONE, job.error
    battery = Project.objects.get(code="CC2024-001")
    assert battery.created is not None and battery.updated is not None
    entry = ObjectChange.objects.get(object_id=str(battery.pk), content_type__model="project")
    assert entry.action == "create" and entry.user == user and entry.source == "import"
    assert entry.after["code"] == "CC2024-001" and entry.after["contract_amount"] == "30000000.00"
    assert entry.before is None and entry.object_repr
    # Stage events and funds are written with their project.
    assert battery.stage_events.count() == 4
    assert ObjectChange.objects.filter(content_type__model="fundsarrival").count() == 1
