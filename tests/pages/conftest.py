"""A small cluster for the page tests: FAW and suppliers in Changchun and Siping, a park, chain
nodes, a certification, a supply link and a retired code, on top of the `jilin` and `people`
fixtures."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from clusterhub.chain.models import IndustryCode
from clusterhub.core.choices import Confidentiality, Role
from clusterhub.enterprises.models import Capability, Certification, EnterpriseAlias
from clusterhub.geo.models import Park, RetiredRegionCode

from ..factories import (
    ChainNodeFactory,
    EnterpriseFactory,
    MembershipFactory,
    RegionFactory,
    SiteFactory,
    SupplyLinkFactory,
    UserFactory,
)

# A valid unified social credit code (check character per GB 32100-2015).
FAWAY_USCC = "91220101123456789C"


@pytest.fixture
def world(jilin, people):
    from clusterhub.enterprises.validators import uscc_check_character

    code17 = FAWAY_USCC[:17]
    credit_code = code17 + uscc_check_character(code17)
    gongzhuling = RegionFactory(
        code="220184",
        name="公主岭市",
        name_en="Gongzhuling",
        level="county",
        parent=jilin["changchun"],
    )
    zone = RegionFactory(
        code="220174", name="长春汽车经济技术开发区", level="dev_zone", parent=jilin["changchun"]
    )
    RetiredRegionCode.objects.create(code="220381", name="公主岭市", region=gongzhuling)
    park = Park.objects.create(
        code="AUTOCITY",
        name="长春国际汽车城",
        name_en="Changchun International Automobile City",
        kind="automobile_city",
        region=jilin["changchun"],
        statistical_region=zone,
        area_km2=Decimal("471"),
    )
    park.spans.set([jilin["chaoyang"], gongzhuling])
    vehicles = ChainNodeFactory(
        code="VEH", name="整车", name_en="Complete vehicles", segment="vehicles"
    )
    parts = ChainNodeFactory(code="PRT", name="零部件", name_en="Parts and systems")
    seats = ChainNodeFactory(
        code="PRT.SEAT", name="座椅", name_en="Seats", parent=parts, keywords="座椅;seat"
    )
    code = IndustryCode.objects.create(
        system="GB/T4754-2017", code="C3670", title="汽车零部件及配件制造"
    )
    seats.codes.add(code)
    faw = EnterpriseFactory(
        name="中国第一汽车集团有限公司",
        name_en="China FAW Group",
        short_name="一汽",
        kind="group",
        home_region=jilin["changchun"],
    )
    fawvw = EnterpriseFactory(
        name="一汽-大众汽车有限公司",
        name_en="FAW-Volkswagen",
        kind="oem",
        group=faw,
        home_region=jilin["changchun"],
    )
    faway = EnterpriseFactory(
        name="富奥汽车零部件股份有限公司",
        name_en="FAWER Automotive Parts",
        short_name="富奥",
        kind="tier1",
        home_region=jilin["chaoyang"],
        credit_code=credit_code,
    )
    EnterpriseAlias.objects.create(enterprise=faway, name="富奥股份", kind="short")
    secret = EnterpriseFactory(
        name="长春保密配套有限公司",
        name_en="Changchun Confidential Supplier",
        home_region=jilin["changchun"],
        confidentiality=Confidentiality.CONFIDENTIAL,
    )
    siping_co = EnterpriseFactory(
        name="四平专用汽车有限公司",
        name_en="Siping Special Vehicles",
        home_region=jilin["siping"],
        kind="oem",
    )
    faway_plant = SiteFactory(enterprise=faway, name="富奥座椅工厂", park=park)
    secret_site = SiteFactory(enterprise=secret, name="保密工厂")
    SiteFactory(enterprise=fawvw, name="一汽-大众长春工厂", kind="plant")
    Capability.objects.create(site=faway_plant, chain_node=seats, products="汽车座椅")
    Capability.objects.create(site=secret_site, chain_node=seats, products="保密座椅骨架")
    today = datetime.date.today()
    Certification.objects.create(
        enterprise=faway, standard="IATF 16949", valid_until=today + datetime.timedelta(days=300)
    )
    Certification.objects.create(
        enterprise=faway, standard="ISO 14001", valid_until=today - datetime.timedelta(days=3)
    )
    link = SupplyLinkFactory(
        supplier=faway,
        supplier_site=faway_plant,
        customer=fawvw,
        chain_node=seats,
        confidentiality=Confidentiality.PUBLIC,
        annual_value=Decimal("250000000"),
    )
    SupplyLinkFactory(
        supplier=secret,
        customer=fawvw,
        chain_node=seats,
        confidentiality=Confidentiality.CONFIDENTIAL,
    )
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    steward = people["province_admin"]
    steward.is_staff = True
    steward.save()
    changchun_manager = UserFactory(username="changchun_manager")
    MembershipFactory(
        user=changchun_manager, organisation=people["orgs"]["changchun"], role=Role.MANAGER
    )
    return {
        **jilin,
        "people": people,
        "park": park,
        "zone": zone,
        "gongzhuling": gongzhuling,
        "vehicles": vehicles,
        "parts": parts,
        "seats": seats,
        "faw": faw,
        "fawvw": fawvw,
        "faway": faway,
        "secret": secret,
        "siping_co": siping_co,
        "faway_plant": faway_plant,
        "secret_site": secret_site,
        "link": link,
        "superuser": superuser,
        "changchun_manager": changchun_manager,
        "credit_code": credit_code,
    }


@pytest.fixture
def login(client):
    """Log a user in; `language` sets the language cookie for the following requests."""

    def _login(user, language="en"):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return _login
