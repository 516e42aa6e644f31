"""A small chain world for the analytics tests: Jilin (Changchun, Chaoyang, Siping) and Liaoning
(outside), a three-level taxonomy, OEMs, suppliers with sites, and a helper to add links."""

from decimal import Decimal

import pytest

from clusterhub.chain.services import refresh_analytics
from tests.factories import (
    ChainNodeFactory,
    EnterpriseFactory,
    RegionFactory,
    SiteFactory,
    SupplyLinkFactory,
)


class World:
    def __init__(self, jilin):
        self.regions = dict(jilin)
        province = RegionFactory(code="210000", name="辽宁省", name_en="Liaoning", level="province")
        self.regions["liaoning"] = province
        self.regions["shenyang"] = RegionFactory(
            code="210100", name="沈阳市", name_en="Shenyang", level="prefecture", parent=province
        )
        self.nodes = {}
        self.node("PRT", None, "零部件及系统", "Parts and systems")
        self.node("PRT.CHS", "PRT", "底盘", "Chassis")
        self.node("PRT.CHS.BRK", "PRT.CHS", "制动系统", "Brake systems")
        self.node("PRT.CHS.STR", "PRT.CHS", "转向系统", "Steering")
        self.node("PRT.BDY", "PRT", "车身", "Body")
        self.node("MAT", None, "材料", "Materials", segment="materials")
        self.node("MAT.STL", "MAT", "钢材", "Steel", segment="materials")

    def node(self, code, parent, name, name_en, segment="parts"):
        node = ChainNodeFactory(
            code=code,
            name=name,
            name_en=name_en,
            parent=self.nodes.get(parent),
            segment=segment,
        )
        self.nodes[code] = node
        return node

    def company(self, name, region, kind="tier1", site=True, **extra):
        extra.setdefault("name_en", name)
        enterprise = EnterpriseFactory(
            name=name, kind=kind, home_region=self.regions[region], **extra
        )
        if site:
            SiteFactory(enterprise=enterprise, region=self.regions[region], name=f"{name}厂")
        return enterprise

    def oem(self, name, region="changchun", **extra):
        return self.company(name, region, kind="oem", **extra)

    def link(self, supplier, customer, node, value, year=2024, **extra):
        value = None if value is None else Decimal(str(value))
        return SupplyLinkFactory(
            supplier=supplier,
            customer=customer,
            chain_node=self.nodes[node],
            year=year,
            annual_value=value,
            supplier_site=extra.pop("supplier_site", supplier.sites.first()),
            customer_site=extra.pop("customer_site", customer.sites.first()),
            **extra,
        )


@pytest.fixture
def world(jilin):
    return World(jilin)


@pytest.fixture
def refresh(settings):
    """Recompute the analytics snapshot from the test database."""

    def run():
        return refresh_analytics(threads=1)

    return run
