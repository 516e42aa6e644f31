"""Investment targets: the chain analytics' gaps of a region, the companies outside it that could
fill them, one click to a project lead, and the target list as XLSX."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.models import Capability
from clusterhub.matching import services, targets
from clusterhub.projects.choices import OriginKind
from clusterhub.projects.models import Project

from ..factories import EnterpriseFactory, SupplyLinkFactory
from .conftest import _site, token_client


@pytest.fixture
def gap_world(world, nodes, jilin):
    """Hongqi buys battery thermal management only from outside Changchun: a missing link."""
    shanghai = world["shanghai"]
    hot = EnterpriseFactory(name="上海热管理科技有限公司", home_region=shanghai, size="large")
    hot_site = _site(hot, shanghai, 121.5, 31.2, name="上海热管理工厂")
    Capability.objects.create(site=hot_site, chain_node=nodes["tms"], products="液冷板")
    for year, value in ((2022, 40_000_000), (2024, 120_000_000)):
        SupplyLinkFactory(
            supplier=hot,
            supplier_site=hot_site,
            customer=world["hongqi"],
            customer_site=world["plant"],
            chain_node=nodes["tms"],
            year=year,
            annual_value=Decimal(value),
            confidentiality=Confidentiality.INTERNAL,
        )
    other_oem = EnterpriseFactory(name="上海某整车厂", kind="oem", home_region=shanghai)
    cool = EnterpriseFactory(name="宁波冷却系统有限公司", home_region=shanghai, size="medium")
    cool_site = _site(cool, shanghai, 121.6, 29.9, name="宁波冷却工厂")
    Capability.objects.create(site=cool_site, chain_node=nodes["tms"], products="冷却板")
    SupplyLinkFactory(
        supplier=cool,
        customer=other_oem,
        chain_node=nodes["tms"],
        year=2024,
        annual_value=Decimal(30_000_000),
    )
    # A local company that already makes the part is not a target.
    local = EnterpriseFactory(name="长春本地热管理有限公司", home_region=jilin["changchun"])
    local_site = _site(local, jilin["changchun"], 125.3, 43.9, name="本地工厂")
    Capability.objects.create(site=local_site, chain_node=nodes["tms"], products="液冷板")
    return {"hot": hot, "cool": cool, "local": local}


def tms_gap(answer):
    return next(g for g in answer.gaps if g.node.code == "PRT.NEV.TMS")


def test_targets_for_a_missing_link(gap_world, people):
    answer = targets.recommend(
        user=people["changchun_officer"], region_code="220100", compute_if_missing=True
    )
    assert answer.state == "ok" and answer.year == 2024
    gap = tms_gap(answer)
    assert gap.gap_class == "missing" and gap.unmet == Decimal("120000000.00")
    ranked = [t.enterprise for t in gap.targets]
    assert ranked == [gap_world["hot"], gap_world["cool"]]  # never the local maker
    hot, cool = gap.targets
    assert hot.return_value == Decimal(120_000_000) and hot.growth == pytest.approx(2.0)
    assert hot.nev and hot.has_capability
    assert any("100% of the unmet value would return" in r for r in hot.reasons)
    assert cool.return_value == 0 and cool.other_value == Decimal(30_000_000)
    assert any("OEMs elsewhere" in r for r in cool.reasons)
    assert hot.score > cool.score
    as_json = answer.as_dict()
    assert as_json["gaps"][0]["targets"][0]["enterprise"]["public_id"]


def test_not_ready_until_the_analytics_has_run(gap_world, people):
    answer = targets.recommend(user=people["changchun_officer"], region_code="220100")
    assert answer.state == "not_ready" and answer.gaps == []
    with pytest.raises(Exception, match="unknown region"):
        targets.recommend(user=people["changchun_officer"], region_code="999999")


def test_a_target_becomes_a_project_lead_once(gap_world, people):
    officer = people["changchun_officer"]
    project, created = services.create_target_lead(
        user=officer, region_code="220100", node_code="PRT.NEV.TMS", enterprise=gap_world["hot"]
    )
    assert created
    assert project.origin_kind == OriginKind.GAP
    assert (
        project.origin_chain_node.code == "PRT.NEV.TMS" and project.origin_region.code == "220100"
    )
    assert project.investor == gap_world["hot"] and project.city.code == "220100"
    assert list(project.chain_nodes.values_list("code", flat=True)) == ["PRT.NEV.TMS"]
    again, created = services.create_target_lead(
        user=officer, region_code="220100", node_code="PRT.NEV.TMS", enterprise=gap_world["hot"]
    )
    assert again == project and not created
    assert Project.objects.count() == 1
    # A Siping officer may not open a lead counted for Changchun: it lands in their own area.
    other, _created = services.create_target_lead(
        user=people["siping_officer"],
        region_code="220100",
        node_code="PRT.NEV.TMS",
        enterprise=gap_world["cool"],
    )
    assert other.city.code == "220300"


def test_lead_page_and_api(gap_world, people):
    client = Client()
    client.force_login(people["changchun_officer"])
    response = client.post(
        "/matching/targets/lead/",
        {"region": "220100", "node": "PRT.NEV.TMS", "enterprise": gap_world["hot"].public_id},
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    api = token_client(people["changchun_officer"])
    body = {"region": "220100", "node": "PRT.NEV.TMS", "enterprise": gap_world["cool"].public_id}
    answer = api.post("/api/matching/targets/leads", body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["created"] is True
    again = api.post("/api/matching/targets/leads", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["project"] == answer.json()["project"]
    # A supplier account may not create projects.
    refused = token_client(people["supplier"]).post(
        "/api/matching/targets/leads",
        body | {"enterprise": gap_world["hot"].public_id},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_target_list_xlsx_page_api_and_command(gap_world, people, tmp_path, capsys):
    from openpyxl import load_workbook

    targets.recommend(user=None, region_code="220100", compute_if_missing=True)  # warm analytics
    client = Client()
    client.force_login(people["changchun_officer"])
    page = client.get("/matching/targets/?region=220100")
    assert page.status_code == 200 and gap_world["hot"].public_id in page.content.decode()
    assert gap_world["local"].public_id not in page.content.decode()
    response = client.get("/matching/targets/export.xlsx?region=220100")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    assert "Target enterprise" in header and "Reasons" in header
    names = [r[header.index("Target enterprise")] for r in rows[2:]]
    assert "上海热管理科技有限公司" in names and "长春本地热管理有限公司" not in names

    api = token_client(people["changchun_officer"]).get("/api/matching/targets?region=220100")
    assert api.status_code == 200
    gaps = {g["node"]["code"]: g for g in api.json()["gaps"]}
    assert gaps["PRT.NEV.TMS"]["gap_class"] == "missing"
    assert gaps["PRT.NEV.TMS"]["targets"][0]["enterprise"]["name"] == "上海热管理科技有限公司"

    out = tmp_path / "targets.xlsx"
    call_command("targets", "--region", "220100", "--json", "--xlsx", str(out))
    assert out.stat().st_size > 1000
    printed = capsys.readouterr().out
    assert '"PRT.NEV.TMS"' in printed and "上海热管理科技有限公司" in printed
