"""Demo sourcing demands: FAW purchasing asks for parts the Changchun plants want to buy locally.

`load_matching_demo()` runs after the base demo (FAW, its OEMs and the supplier population) and
the projects demo. It posts a handful of demands through the services, as FAW Group's purchasing
department would: battery thermal-management parts for Hongqi's electric cars, wire harnesses,
brake calipers for Jiefang's heavy trucks, seat frames for Bestune, an invited-only cockpit
domain controller, and a brake-disc demand already awarded. Then it rebuilds the search index,
since the demo's bulk loads send no signals.

The demands are illustrative (real companies, invented purchasing needs), marked synthetic, and
have stable codes: a second run finds them and writes nothing; reset=True deletes and reposts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clusterhub.chain.models import ChainNode
from clusterhub.enterprises.models import Enterprise, Site

from . import index, services
from .choices import DemandStatus, DemandVisibility, LocationPreference
from .models import SourcingDemand

DEMO_USER = "faw"  # FAW Group purchasing (demo/people.py)


@dataclass(frozen=True)
class DemoDemand:
    code: str
    buyer: str  # real demo company key
    node: str
    title: str
    description: str
    volume: int
    unit: str
    value: str
    certifications: tuple[str, ...]
    sop_months: int  # start of production, months after the demo is loaded
    location: str
    km: int | None = None
    visibility: str = DemandVisibility.EVERYONE
    invite_top: int = 0
    invite: tuple[str, ...] = ()  # real demo companies invited by name
    award: bool = False


DEMANDS = [
    DemoDemand(
        "DFAW0001",
        "hongqi",
        "PRT.NEV.BAT.TMS",
        "红旗纯电平台电池液冷板及热管理组件",
        "红旗E平台纯电动车型电池包液冷板、冷却管路与Chiller换热器，铝合金钎焊，需具备气密性检测能力。\n"
        "Liquid cooling plates, coolant lines and chiller for the battery packs of Hongqi's "
        "E-platform electric cars; brazed aluminium, leak-tested.",
        150_000,
        "sets",
        "1.8亿元",
        ("IATF 16949",),
        9,
        LocationPreference.RADIUS,
        km=300,
    ),
    DemoDemand(
        "DFAW0002",
        "fawvw",
        "PRT.EE.WH",
        "新能源车型高压线束及车身低压线束",
        "一汽-大众长春工厂新能源车型高压线束（电池至电驱、充电口）及车身低压线束总成。\n"
        "High-voltage harnesses (battery to e-drive, charging inlet) and body wire harnesses.",
        300_000,
        "sets",
        "4.2亿元",
        ("IATF 16949",),
        12,
        LocationPreference.PROVINCE,
    ),
    DemoDemand(
        "DFAW0003",
        "jiefang",
        "PRT.CHS.BRK.CAL",
        "重卡气压盘式制动器卡钳总成",
        "解放J7重型卡车气压盘式制动器卡钳总成，含支架与摩擦片。\n"
        "Air disc brake caliper assemblies for Jiefang J7 heavy trucks, with carrier and pads.",
        80_000,
        "sets",
        "9600万元",
        ("IATF 16949",),
        10,
        LocationPreference.RADIUS,
        km=500,
    ),
    DemoDemand(
        "DFAW0004",
        "bestune",
        "PRT.INT.SEAT.FRM",
        "前排座椅骨架（含调角器、滑轨）",
        "奔腾新车型前排座椅骨架总成，含调角器与滑轨，高强钢冲压焊接。\n"
        "Front seat frames with recliners and seat tracks; high-strength steel, stamped and welded.",
        200_000,
        "sets",
        "1.1亿元",
        ("IATF 16949", "ISO 14001"),
        8,
        LocationPreference.RADIUS,
        km=150,
    ),
    DemoDemand(
        "DFAW0005",
        "hongqi",
        "PRT.ICV.DCU",
        "智能座舱域控制器（定向邀请）",
        "红旗新一代车型智能座舱域控制器，仅向受邀供应商公开。\n"
        "Cockpit domain controller for Hongqi's next generation; open to invited suppliers only.",
        120_000,
        "sets",
        "2.4亿元",
        ("IATF 16949",),
        14,
        LocationPreference.ANYWHERE,
        visibility=DemandVisibility.INVITED,
        invite_top=2,
    ),
    DemoDemand(
        "DFAW0006",
        "fawvw",
        "PRT.CHS.BRK.DSC",
        "制动盘本地化采购（已定点）",
        "一汽-大众长春工厂通风制动盘本地化，已完成定点。\n"
        "Ventilated brake discs sourced locally for the FAW-Volkswagen Changchun plant; awarded.",
        400_000,
        "pieces",
        "6000万元",
        ("IATF 16949",),
        6,
        LocationPreference.PROVINCE,
        invite_top=3,
        award=True,
    ),
    DemoDemand(
        "DFAW0007",
        "jiefang",
        "PRT.CHS.SUS",
        "轻卡前悬架控制臂及减振器总成",
        "解放轻卡前悬架下控制臂、稳定杆及减振器总成，要求在吉林省内生产。\n"
        "Front lower control arms, anti-roll bars and shock absorbers for Jiefang light trucks; "
        "to be made in Jilin.",
        60_000,
        "sets",
        "7200万元",
        (),
        9,
        LocationPreference.PROVINCE,
        invite_top=2,
        invite=("fawer",),
    ),
]


def _months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def _buyer(key: str) -> Enterprise | None:
    from clusterhub.demo.synthetic import real_public_id

    return Enterprise.objects.filter(public_id=real_public_id(key)).first()


def reset_matching_demo() -> None:
    SourcingDemand.objects.filter(code__in=[d.code for d in DEMANDS]).delete()


@transaction.atomic
def load_matching_demo(*, reset: bool = False, rebuild_index: bool = True) -> dict:
    """Post the demo demands (once) and rebuild the search index. Call inside change_context()."""
    if reset:
        reset_matching_demo()
    today = timezone.localdate()
    user = get_user_model().objects.filter(username=DEMO_USER).first()
    created = []
    for spec in DEMANDS:
        if SourcingDemand.objects.filter(code=spec.code).exists():
            continue
        buyer = _buyer(spec.buyer)
        node = ChainNode.objects.filter(code=spec.node).first()
        if buyer is None or node is None:
            continue
        plant = Site.objects.filter(enterprise=buyer, kind="plant").order_by("pk").first()
        sop = _months_later(today, spec.sop_months)
        demand = services.save_demand(
            user=None,
            demand=SourcingDemand(code=spec.code, created_by=user),
            buyer=buyer,
            buyer_site=plant,
            chain_node=node,
            title=spec.title,
            description=spec.description,
            annual_volume=spec.volume,
            volume_unit=spec.unit,
            annual_value=spec.value,
            required_certifications=list(spec.certifications),
            sop=sop,
            location=spec.location,
            max_distance_km=spec.km,
            deadline=min(sop, today + datetime.timedelta(days=45)),
            visibility=spec.visibility,
            status=DemandStatus.OPEN,
            is_synthetic=True,
        )
        created.append(demand.code)
        if spec.invite_top or spec.invite:
            ranking = services.rank_suppliers(user=None, demand=demand, limit=spec.invite_top)
            suppliers = [c.enterprise for c in ranking.candidates[: spec.invite_top]]
            suppliers += [e for e in map(_buyer, spec.invite) if e is not None]
            if suppliers:
                services.invite(user=None, demand=demand, suppliers=suppliers)
            if spec.award and suppliers:
                services.record_result(
                    user=None,
                    demand=demand,
                    outcome=DemandStatus.AWARDED,
                    awarded_to=suppliers[0],
                    note="Demo: awarded after two rounds of quotes.",
                    on=today,
                )
    summary = {"demands_created": created, "index_documents": None}
    if rebuild_index:
        summary["index_documents"] = index.rebuild().documents
    return summary
