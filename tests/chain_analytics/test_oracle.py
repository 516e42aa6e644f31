"""The DuckDB engine and the plain ORM implementation agree on random networks."""

import random
from decimal import Decimal

import pytest

from clusterhub.chain.analytics import oracle, report, snapshot
from clusterhub.core.choices import Confidentiality
from tests.factories import SiteFactory

REGIONS = ("province", "changchun", "chaoyang", "siping", "shenyang")


def random_network(world, seed: int):
    rng = random.Random(seed)
    oems = [
        world.oem(f"整车{i}", rng.choice(["changchun", "chaoyang", "siping"])) for i in range(4)
    ]
    suppliers = []
    for i in range(16):
        firm = world.company(
            f"零件{i}", rng.choice(REGIONS[1:]), kind=rng.choice(["tier1", "tier2"])
        )
        if rng.random() < 0.3:  # a second plant elsewhere
            SiteFactory(enterprise=firm, region=world.regions[rng.choice(REGIONS[1:])])
        suppliers.append(firm)
    leaves = ["PRT.CHS.BRK", "PRT.CHS.STR", "PRT.BDY", "MAT.STL", "PRT.CHS"]
    seen = set()
    for _ in range(160):
        supplier = rng.choice(suppliers)
        customer = rng.choice(oems + suppliers[:6])
        node, year = rng.choice(leaves), rng.choice([2023, 2024])
        if supplier == customer or (supplier.pk, customer.pk, node, year) in seen:
            continue
        seen.add((supplier.pk, customer.pk, node, year))
        value = None if rng.random() < 0.05 else Decimal(rng.randint(0, 10**6)) / 100
        sites = list(supplier.sites.all())
        world.link(
            supplier,
            customer,
            node,
            value,
            year=year,
            supplier_site=rng.choice([*sites, None]),
            customer_site=rng.choice([customer.sites.first(), None]),
            confidentiality=rng.choice(Confidentiality.values),
        )
    return oems


def yuan(text):
    return Decimal(text)


@pytest.mark.parametrize("seed", [1, 2])
def test_engine_matches_the_orm(world, refresh, seed):
    oems = random_network(world, seed)
    refresh()
    current = snapshot.current()
    subset = sorted(o.pk for o in oems[:2])
    checked = 0
    for audience in ("all", "public"):
        view = report.View(current, audience)
        for name in REGIONS:
            region = world.regions[name]
            for year in (2023, 2024):
                for oem_ids in (None, subset):
                    answer = report.region_report(
                        view, region_id=region.pk, year=year, oem_ids=oem_ids
                    )
                    expected = oracle.local_sourcing_rate(
                        region=region, year=year, oem_ids=oem_ids, audience=audience
                    )
                    rate = answer["rate"]
                    assert yuan(rate["value_total"]) == expected["value_total"]
                    assert yuan(rate["value_local"]) == expected["value_local"]
                    assert rate["count_total"] == expected["count_total"]
                    assert rate["count_local"] == expected["count_local"]
                    gaps = oracle.gap_list(
                        region=region, year=year, oem_ids=oem_ids, audience=audience
                    )
                    by_code = {n["code"]: n for n in answer["by_node"] if n["class"]}
                    assert set(by_code) == {g["code"] for g in gaps}
                    for gap in gaps:
                        mine = by_code[gap["code"]]
                        assert mine["class"] == gap["class"], gap
                        assert yuan(mine["value_total"]) == gap["value_total"]
                        assert yuan(mine["unmet"]) == gap["unmet"]
                        if gap["top_share"] is not None:
                            assert mine["single"]["share"] == pytest.approx(float(gap["top_share"]))
                    ranked = [g["code"] for g in gaps if g["class"] != "strong"]
                    assert [g["code"] for g in answer["gaps"]] == ranked
                    checked += expected["count_total"]
        view.close()
    assert checked > 100  # the network was not empty
