"""A small sourcing world: Hongqi (of FAW Group) buys brake calipers; caliper makers near and far,
with valid and expired certificates; a disc maker next door; FAW purchasing and two suppliers
with their own accounts."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from clusterhub.accounts.models import ApiToken
from clusterhub.core.choices import Confidentiality, Datum, Role
from clusterhub.enterprises.models import Capability, Certification, EnterpriseAlias
from clusterhub.matching import services
from clusterhub.matching.choices import DemandVisibility, LocationPreference

from ..conftest import _member
from ..factories import (
    ChainNodeFactory,
    EnterpriseFactory,
    OrganisationFactory,
    RegionFactory,
    SiteFactory,
    SupplyLinkFactory,
)

SOP = datetime.date(2027, 3, 1)


def token_client(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def nodes(db):
    prt = ChainNodeFactory(code="PRT", name="零部件及系统", name_en="Parts and systems")
    chs = ChainNodeFactory(code="PRT.CHS", name="底盘", name_en="Chassis", parent=prt)
    brk = ChainNodeFactory(code="PRT.CHS.BRK", name="制动系统", name_en="Brake systems", parent=chs)
    cal = ChainNodeFactory(
        code="PRT.CHS.BRK.CAL", name="制动卡钳", name_en="Brake calipers", parent=brk
    )
    dsc = ChainNodeFactory(
        code="PRT.CHS.BRK.DSC", name="制动盘与制动鼓", name_en="Brake discs and drums", parent=brk
    )
    nev = ChainNodeFactory(
        code="PRT.NEV", name="新能源三电", name_en="NEV systems", parent=prt, is_nev=True
    )
    tms = ChainNodeFactory(
        code="PRT.NEV.TMS",
        name="电池热管理",
        name_en="Battery thermal management",
        parent=nev,
        is_nev=True,
    )
    veh = ChainNodeFactory(code="VEH", name="整车", name_en="Vehicles", segment="vehicles")
    return {"prt": prt, "chs": chs, "brk": brk, "cal": cal, "dsc": dsc, "tms": tms, "veh": veh}


def _site(enterprise, region, lon, lat, datum=Datum.GCJ02, **kwargs):
    return SiteFactory(
        enterprise=enterprise,
        region=region,
        longitude=Decimal(str(lon)),
        latitude=Decimal(str(lat)),
        datum=datum,
        **kwargs,
    )


def _cert(enterprise, standard="IATF 16949", until=datetime.date(2030, 1, 1), **kwargs):
    return Certification.objects.create(
        enterprise=enterprise,
        standard=standard,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=until,
        **kwargs,
    )


@pytest.fixture
def world(jilin, people, nodes):
    cc, siping = jilin["changchun"], jilin["siping"]
    shanghai = RegionFactory(code="310000", name="上海市", name_en="Shanghai", level="province")
    faw = EnterpriseFactory(
        name="中国第一汽车集团有限公司", short_name="中国一汽", kind="group", home_region=cc
    )
    hongqi = EnterpriseFactory(
        name="一汽红旗", name_en="FAW Hongqi", kind="oem", group=faw, home_region=cc
    )
    plant = _site(hongqi, cc, 125.256135, 43.880975, name="一汽红旗长春工厂")
    # The best fit: makes calipers next to the plant, certified, supplied Hongqi before.
    best = EnterpriseFactory(
        name="长春卡钳制造有限公司",
        name_en="Changchun Caliper Manufacturing Co., Ltd.",
        short_name="长春卡钳",
        home_region=cc,
        size="large",
        employees=1200,
        credit_code="91220101MA0000001G",
        stock_code="600999",
    )
    EnterpriseAlias.objects.create(enterprise=best, name="CC Caliper", kind="english")
    best_site = _site(
        best,
        cc,
        125.30,
        43.86,
        capacity=Decimal("300000"),
        capacity_unit="sets",
        name="长春卡钳一厂",
    )
    Capability.objects.create(site=best_site, chain_node=nodes["cal"], products="卡钳")
    _cert(best)
    for year in (2023, 2024):
        SupplyLinkFactory(
            supplier=best,
            supplier_site=best_site,
            customer=hongqi,
            chain_node=nodes["cal"],
            year=year,
            annual_value=Decimal("80000000"),
            confidentiality=Confidentiality.INTERNAL,
        )
    # English-only products, in Siping (WGS-84 coordinates), certified.
    english = EnterpriseFactory(
        name="四平制动科技有限公司",
        name_en="Siping Brake Technology",
        home_region=siping,
        size="medium",
    )
    english_site = _site(english, siping, 124.35, 43.17, datum=Datum.WGS84, name="四平工厂")
    Capability.objects.create(site=english_site, chain_node=nodes["cal"], products="brake calipers")
    _cert(english)
    # A neighbour: brake discs, next door, certified.
    discs = EnterpriseFactory(name="吉林制动盘有限公司", home_region=cc, size="medium")
    discs_site = _site(discs, cc, 125.28, 43.87, name="吉林制动盘工厂")
    Capability.objects.create(site=discs_site, chain_node=nodes["dsc"], products="制动盘")
    _cert(discs)
    # Calipers, but the certificate expires before the SOP.
    expired = EnterpriseFactory(name="长春旧证卡钳有限公司", home_region=cc, size="large")
    expired_site = _site(expired, cc, 125.29, 43.85, name="旧证工厂")
    Capability.objects.create(site=expired_site, chain_node=nodes["cal"], products="制动卡钳")
    _cert(expired, until=datetime.date(2026, 12, 31))
    # Calipers, certified, but in Shanghai: outside a 300 km radius and outside the province.
    far = EnterpriseFactory(name="上海卡钳有限公司", home_region=shanghai, size="large")
    far_site = _site(far, shanghai, 121.47, 31.23, name="上海卡钳工厂")
    Capability.objects.create(site=far_site, chain_node=nodes["cal"], products="制动卡钳")
    _cert(far)
    for year in (2022, 2024):
        SupplyLinkFactory(
            supplier=far,
            supplier_site=far_site,
            customer=hongqi,
            customer_site=plant,
            chain_node=nodes["cal"],
            year=year,
            annual_value=Decimal("50000000") * (1 if year == 2022 else 3),
            confidentiality=Confidentiality.INTERNAL,
        )
    # Accounts: FAW purchasing (officer) and the best fit's own account.
    faw_org = OrganisationFactory(name="中国一汽采购部", kind="enterprise", enterprise=faw)
    best_org = OrganisationFactory(name="长春卡钳", kind="enterprise", enterprise=best)
    discs_org = OrganisationFactory(name="吉林制动盘", kind="enterprise", enterprise=discs)
    return {
        "faw": faw,
        "hongqi": hongqi,
        "plant": plant,
        "best": best,
        "english": english,
        "discs": discs,
        "expired": expired,
        "far": far,
        "shanghai": shanghai,
        "buyer": _member("faw_buyer", faw_org, Role.OFFICER),
        "best_user": _member("best_user", best_org, Role.MANAGER),
        "discs_user": _member("discs_user", discs_org, Role.MANAGER),
    }


@pytest.fixture
def make_demand(world, nodes):
    def make(**values):
        defaults = {
            "buyer": world["hongqi"],
            "buyer_site": world["plant"],
            "chain_node": nodes["cal"],
            "title": "前制动卡钳",
            "description": "铝合金前制动卡钳 aluminium front brake caliper",
            "annual_volume": 100000,
            "volume_unit": "sets",
            "annual_value": "5000万元",
            "required_certifications": ["IATF 16949"],
            "sop": SOP,
            "location": LocationPreference.RADIUS,
            "max_distance_km": 300,
            "visibility": DemandVisibility.EVERYONE,
        }
        defaults.update(values)
        return services.save_demand(user=world["buyer"], **defaults)

    return make
