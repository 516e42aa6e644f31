"""The daily alert digest (email content), the alerts and kpi commands, and the demo loader."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clusterhub.projects.choices import Metric, ScopeKind, Stage
from clusterhub.projects.models import Milestone, Project, Target

from ..factories import EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_digest_email_lists_each_owners_alerts(people, make_project, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"
    officer = people["changchun_officer"]
    stale = make_project(stage=Stage.NEGOTIATING, owner=officer, name="久未推进项目")
    Project.objects.filter(pk=stale.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=120)
    )
    late = make_project(stage=Stage.SIGNED, owner=officer, name="里程碑逾期项目")
    Milestone.objects.create(project=late, title="取得土地证", due_on=datetime.date(2024, 6, 1))
    make_project(stage=Stage.SIGNED, owner=people["siping_officer"], city="siping", name="正常")
    call_command("alerts", "digest")
    assert len(mail.outbox) == 1  # the Siping officer has nothing to follow up
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "2 project alerts" in message.subject
    assert "久未推进项目" in message.body and "no stage change for 120 days" in message.body
    assert "取得土地证" in message.body and late.get_absolute_url() in message.body
    assert "正常" not in message.body


def test_kpi_cli_json(people, make_project, jilin, capsys):
    make_project(stage=Stage.SIGNED, amount=Decimal("300000000"), on=datetime.date(2024, 5, 1))
    Target.objects.create(
        scope_kind=ScopeKind.CITY,
        region=jilin["changchun"],
        year=2024,
        metric=Metric.CONTRACT_AMOUNT,
        value=Decimal("1000000000"),
    )
    call_command("kpi", "--scope", "220100", "--year", "2024", "--as-of", "2024-07-01", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["scope"] == {"kind": "city", "code": "220100", "label": "Changchun"}
    line = next(k for k in data["kpis"] if k["metric"] == "contract_amount")
    assert line["actual"] == "300000000.00" and line["target"] == "1000000000.00"
    assert line["progress"] == 0.3 and line["year_elapsed"] == pytest.approx(0.5, abs=0.01)
    assert line["status"] == "late"
    with pytest.raises(Exception, match="unknown scope"):
        call_command("kpi", "--scope", "999999", "--json")


@pytest.fixture
def base_demo(jilin, people):
    """Just enough of the base demo: the six conference cities, a district, investors, owners."""
    cities = {
        "220200": "吉林市",
        "220400": "辽源市",
        "220700": "松原市",
        "220800": "白城市",
    }
    for code, name in cities.items():
        RegionFactory(code=code, name=name, level="prefecture", parent=jilin["province"])
    for kind in ("tier1", "tier2", "raw_material", "logistics", "oem", "service"):
        for n in range(3):
            EnterpriseFactory(name=f"{kind}企业{n}", kind=kind, home_region=jilin["changchun"])
    return jilin


def test_demo_loads_the_conference_and_a_history(base_demo, client, people):
    from clusterhub.projects.demo import CONFERENCE_CODES, load_project_demo

    result = load_project_demo(history=40)
    assert result["conference_amount"] == Decimal("21000000000.00")
    conference = Project.objects.filter(code__in=CONFERENCE_CODES)
    assert conference.count() == 18
    assert {p.city.code for p in conference} == {
        "220100",
        "220200",
        "220300",
        "220400",
        "220700",
        "220800",
    }
    assert all(p.signed_on == datetime.date(2021, 10, 19) for p in conference)
    assert Project.objects.filter(is_synthetic=True).count() == 58
    assert {p.stage for p in Project.objects.all()} >= {Stage.SIGNED, Stage.OPERATING}
    assert Target.objects.filter(year=2026).exists()
    assert load_project_demo(history=40)["unchanged"] is True  # a second run writes nothing
    client.force_login(people["province_viewer"])
    cockpit = client.get("/cockpit/", {"year": 2021}).context["cockpit"]
    event = next(e for e in cockpit.events if e["name"].startswith("2021-10-19"))
    assert event["count"] == 18 and event["amount"] == Decimal("21000000000.00")
