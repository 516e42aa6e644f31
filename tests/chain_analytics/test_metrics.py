"""Every metric on small cases computed by hand."""

from decimal import Decimal

import pytest
from django.utils import translation

from clusterhub.chain.services import AnalyticsError, chain_city_roles, chain_report


def report(**kwargs):
    kwargs.setdefault("year", 2024)
    return chain_report(user=None, **kwargs)


def node(answer, code):
    return next(n for n in answer["by_node"] if n["code"] == code)


def test_oem_buys_100_local_and_300_outside(world, refresh):
    faw = world.oem("一汽")
    world.link(world.company("长春制动", "chaoyang"), faw, "PRT.CHS.BRK", 100)
    world.link(world.company("沈阳制动", "shenyang"), faw, "PRT.CHS.BRK", 300)
    refresh()
    for region in ("220000", "220100"):  # the province and the city give the same answer
        answer = report(region_code=region)
        assert answer["rate"]["rate_value"] == 0.25
        assert answer["rate"]["rate_count"] == 0.5
        assert answer["rate"]["value_total"] == "400.00"
        brakes = node(answer, "PRT.CHS.BRK")
        assert brakes["class"] == "weak"
        assert brakes["unmet"] == "300.00"
        assert [g["code"] for g in answer["gaps"]][-1] == "PRT.CHS.BRK"
        assert "25.0%" in brakes["reason"]


def test_nothing_bought_locally_is_missing(world, refresh):
    faw = world.oem("一汽")
    world.link(world.company("沈阳钢", "shenyang"), faw, "MAT.STL", 500)
    refresh()
    steel = node(report(region_code="220000"), "MAT.STL")
    assert steel["class"] == "missing"
    assert steel["unmet"] == "500.00"
    assert steel["rate_value"] == 0.0


def test_single_source_over_the_share_and_threshold_configurable(world, refresh):
    faw = world.oem("一汽")
    big = world.company("大供应商", "chaoyang")
    world.link(big, faw, "PRT.BDY", 80)
    world.link(world.company("小供应商", "siping"), faw, "PRT.BDY", 20)
    refresh()
    body = node(report(region_code="220000"), "PRT.BDY")
    assert body["rate_value"] == 1.0
    assert body["class"] == "single_source"
    assert body["single"]["share"] == 0.8
    assert body["single"]["supplier"]["public_id"] == big.public_id
    assert big.name in body["reason"]
    # 80% is not over 90%; and exactly 80% is not "over" 80% either.
    for threshold in ("0.9", "80"):
        relaxed = report(region_code="220000", single_source_threshold=threshold)
        assert node(relaxed, "PRT.BDY")["class"] == "strong"
    # In Changchun only the big supplier is local (80%): weak under a 90% threshold, and weak
    # wins over single-source.
    strict = report(region_code="220100", weak_threshold="0.9")
    assert node(strict, "PRT.BDY")["class"] == "weak"


def test_even_split_is_strong(world, refresh):
    faw = world.oem("一汽")
    world.link(world.company("甲", "chaoyang"), faw, "PRT.BDY", 50)
    world.link(world.company("乙", "siping"), faw, "PRT.BDY", 50)
    refresh()
    answer = report(region_code="220000")
    assert node(answer, "PRT.BDY")["class"] == "strong"
    assert answer["gaps"] == []


def test_values_roll_up_the_tree(world, refresh):
    faw = world.oem("一汽")
    world.link(world.company("外地", "shenyang"), faw, "PRT.CHS.BRK", 300)
    world.link(world.company("本地一", "chaoyang"), faw, "PRT.CHS.BRK", 100)
    world.link(world.company("本地二", "siping"), faw, "PRT.CHS.STR", 200)
    refresh()
    answer = report(region_code="220000")
    chassis, parts = node(answer, "PRT.CHS"), node(answer, "PRT")
    for parent in (chassis, parts):
        assert (parent["value_total"], parent["value_local"]) == ("600.00", "300.00")
        assert parent["count_total"] == 3
        assert parent["class"] == "strong"  # 50% local; the largest supplier holds 50%
    assert node(answer, "PRT.CHS.STR")["class"] == "single_source"  # one supplier, 100%
    assert node(answer, "MAT")["class"] is None  # nobody buys materials: no class, no gap
    assert {g["code"] for g in answer["gaps"]} == {"PRT.CHS.BRK", "PRT.CHS.STR"}
    # Ranked by unmet value: brakes (300 from outside) first.
    assert answer["gaps"][0]["code"] == "PRT.CHS.BRK"


def test_a_supplier_of_several_children_can_single_source_the_parent(world, refresh):
    faw = world.oem("一汽")
    both = world.company("底盘总成", "chaoyang")
    world.link(both, faw, "PRT.CHS.BRK", 60)
    world.link(both, faw, "PRT.CHS.STR", 60)
    world.link(world.company("制动二", "siping"), faw, "PRT.CHS.BRK", 40)
    refresh()
    answer = report(region_code="220000")
    assert node(answer, "PRT.CHS.BRK")["class"] == "strong"  # 60 of 100
    chassis = node(answer, "PRT.CHS")
    assert chassis["class"] == "single_source"  # 120 of 160 = 75%
    assert chassis["single"]["share"] == 0.75
    assert chassis["single"]["supplier"]["public_id"] == both.public_id


def test_breakdown_by_oem_city_and_year(world, refresh):
    faw, vw = world.oem("一汽"), world.oem("一汽大众")
    cc, sp, sy = (
        world.company("长春件", "chaoyang"),
        world.company("四平件", "siping"),
        world.company("沈阳件", "shenyang"),
    )
    world.link(cc, faw, "PRT.BDY", 100)
    world.link(sy, faw, "PRT.BDY", 100)
    world.link(sp, vw, "PRT.BDY", 300)
    world.link(sy, vw, "PRT.BDY", 100)
    world.link(cc, faw, "PRT.BDY", 100, year=2022)
    world.link(sy, faw, "PRT.BDY", 300, year=2022)
    refresh()
    answer = report(region_code="220000")
    by_oem = {r["oem"]["public_id"]: r for r in answer["by_oem"]}
    assert by_oem[faw.public_id]["rate_value"] == 0.5
    assert by_oem[vw.public_id]["rate_value"] == 0.75
    cities = {(c["city"]["code"], c["local"]): c["value_total"] for c in answer["by_city"]}
    assert cities == {
        ("220100", True): "100.00",
        ("220300", True): "300.00",
        ("210100", False): "200.00",
    }
    trend = answer["trend"]
    assert [(y["year"], y["rate_value"]) for y in trend["years"]] == [
        (2022, 0.25),
        (2024, 400 / 600),
    ]
    assert trend["change_pp"] == 41.67  # percentage points, 25.0% -> 66.7%
    assert trend["slope_pp_per_year"] == 20.83
    # Only FAW's buying: an explicit set of OEMs.
    only_faw = report(region_code="220000", oems=[faw.public_id])
    assert only_faw["rate"]["rate_value"] == 0.5
    assert [o["public_id"] for o in only_faw["oems"]] == [faw.public_id]


def test_the_producing_site_decides_not_the_head_office(world, refresh):
    faw = world.oem("一汽")
    # Registered in Shenyang, producing in Changchun: local.
    firm = world.company("沈阳总部", "shenyang", site=False)
    plant = world.regions["chaoyang"]
    from tests.factories import SiteFactory

    site = SiteFactory(enterprise=firm, region=plant, name="长春工厂")
    world.link(firm, faw, "PRT.BDY", 100, supplier_site=site)
    # No site given: the home region counts.
    world.link(world.company("无厂址", "siping", site=False), faw, "PRT.BDY", 100)
    refresh()
    assert report(region_code="220100")["rate"]["value_local"] == "100.00"
    assert report(region_code="220000")["rate"]["value_local"] == "200.00"


def test_location_quotient_city_by_segment(world, refresh):
    faw = world.oem("一汽")
    cc, sp = world.company("长春件", "chaoyang"), world.company("四平件", "siping")
    world.link(cc, faw, "PRT.BDY", 300)
    world.link(cc, faw, "MAT.STL", 100)
    world.link(sp, faw, "PRT.CHS.BRK", 100)
    world.link(sp, faw, "MAT.STL", 300, customer_site=None)
    refresh()
    roles = chain_city_roles(user=None, region_code="220000", year=2024)
    lq = {(c["child"], c["key"]): c["lq"] for c in roles["cells"]}
    cc_id, sp_id = world.regions["changchun"].pk, world.regions["siping"].pk
    assert lq[(cc_id, "parts")] == 1.5
    assert lq[(cc_id, "materials")] == 0.5
    assert lq[(sp_id, "parts")] == 0.5
    assert lq[(sp_id, "materials")] == 1.5
    assert [c["child"] for c in roles["strong"][str(cc_id)]] == [cc_id]
    assert roles["strong"][str(cc_id)][0]["key"] == "parts"
    # By chain link (system-level node): Changchun is strong in body, Siping in chassis.
    by_node = chain_city_roles(user=None, region_code="220000", year=2024, kind="node")
    keys = {k["key"]: k["name_en"] for k in by_node["keys"]}
    best = {int(c): keys[v[0]["key"]] for c, v in by_node["strong"].items()}
    assert best[cc_id] in ("Body", "Steel")
    assert best[sp_id] in ("Chassis", "Steel")


def test_region_without_data_is_an_empty_answer(world, refresh):
    faw = world.oem("一汽")
    world.link(world.company("长春件", "chaoyang"), faw, "PRT.BDY", 100)
    refresh()
    answer = report(region_code="220300")  # Siping has no OEM buying
    assert answer["rate"]["rate_value"] is None
    assert answer["rate"]["value_total"] == "0.00"
    assert answer["gaps"] == [] and answer["by_oem"] == [] and answer["by_city"] == []
    assert all(n["class"] is None for n in answer["by_node"])
    assert report(region_code="220000", year=1999)["rate"]["count_total"] == 0


def test_unknown_inputs_are_refused_with_a_reason(world, refresh):
    world.link(world.company("长春件", "chaoyang"), world.oem("一汽"), "PRT.BDY", 100)
    refresh()
    with pytest.raises(AnalyticsError, match="999999"):
        report(region_code="999999")
    with pytest.raises(AnalyticsError, match="ENOSUCH"):
        report(region_code="220000", oems=["ENOSUCH"])
    with pytest.raises(AnalyticsError):
        report(region_code="220000", single_source_threshold="0.4")
    with pytest.raises(AnalyticsError):
        report(region_code="220000", weak_threshold="abc")


def test_missing_values_are_skipped_and_reported(world, refresh):
    faw = world.oem("一汽")
    world.link(world.company("长春件", "chaoyang"), faw, "PRT.BDY", 100)
    world.link(world.company("未报价", "shenyang"), faw, "PRT.BDY", None)
    refresh()
    answer = report(region_code="220000")
    assert answer["rate"]["count_total"] == 1
    assert answer["rate"]["rate_value"] == 1.0
    assert answer["skipped"]["missing_value"] == 1
    assert answer["skipped"]["skipped"] == 1


def test_non_oem_customers_are_not_in_the_rate(world, refresh):
    faw = world.oem("一汽")
    tier1 = world.company("一级", "chaoyang")
    world.link(tier1, faw, "PRT.BDY", Decimal("100"))
    world.link(world.company("二级", "shenyang"), tier1, "MAT.STL", 1000)
    refresh()
    assert report(region_code="220000")["rate"]["value_total"] == "100.00"
    # ...unless that customer is chosen explicitly.
    chosen = report(region_code="220000", oems=[tier1.public_id])
    assert chosen["rate"]["value_total"] == "1000.00"
    assert node(chosen, "MAT.STL")["class"] == "missing"


def test_gap_reasons_read_in_yi_and_wan_yuan(world, refresh):
    """Reasons show money as officers read it (亿元 / 万元) and rates with one decimal."""
    faw = world.oem("一汽")
    world.link(world.company("长春制动", "chaoyang"), faw, "PRT.CHS.BRK", 50_000_000)
    world.link(world.company("沈阳制动", "shenyang"), faw, "PRT.CHS.BRK", 150_000_000)
    world.link(world.company("沈阳钢", "shenyang"), faw, "MAT.STL", 12_345_678)
    big = world.company("大供应商", "chaoyang")
    world.link(big, faw, "PRT.BDY", 8_000_000)
    world.link(world.company("小供应商", "siping"), faw, "PRT.BDY", 2_000_000)
    refresh()
    with translation.override("zh-hans"):
        chinese = report(region_code="220000")
    assert "1.50亿元" in node(chinese, "PRT.CHS.BRK")["reason"]
    assert "1,234.57万元" in node(chinese, "MAT.STL")["reason"]
    assert "80.0%" in node(chinese, "PRT.BDY")["reason"]
    assert "1,000.00万元" in node(chinese, "PRT.BDY")["reason"]
    # English readers get millions of yuan: 亿 and 万 mean nothing to them.
    answer = report(region_code="220000")
    assert node(answer, "PRT.CHS.BRK")["reason"] == (
        "Local rate 25.0% is under the 30.0% threshold; CNY 150.00 m comes from outside the region."
    )
    assert node(answer, "MAT.STL")["reason"] == (
        "Nothing is bought locally: CNY 12.35 m comes from outside the region."
    )
    assert node(answer, "PRT.BDY")["reason"] == (
        "大供应商 supplies 80.0% of 一汽's purchases (CNY 10.00 m)."
    )
    for gap in chinese["gaps"]:
        assert "yuan" not in gap["reason"] and "CNY" not in gap["reason"]
    # The amounts in the JSON stay plain yuan strings for machines.
    assert node(answer, "PRT.CHS.BRK")["unmet"] == "150000000.00"


def test_the_trend_covers_every_year_with_links(world, refresh):
    """Every year in which the OEMs buy (anywhere) is in a region's trend; a year without buying
    in the region has no rate there instead of disappearing from the chart."""
    faw = world.oem("一汽")
    local, outside = world.company("长春件", "chaoyang"), world.company("沈阳件", "shenyang")
    for year in range(2020, 2026):
        world.link(local, faw, "PRT.BDY", 100 + 10 * year - 20200, year=year)
        world.link(outside, faw, "PRT.BDY", 100, year=year)
    siping_oem = world.oem("四平专用车", region="siping")
    world.link(local, siping_oem, "PRT.BDY", 100, year=2021)
    refresh()
    answer = report(region_code="220000")
    years = [y["year"] for y in answer["trend"]["years"]]
    assert years == [2020, 2021, 2022, 2023, 2024, 2025]
    assert all(y["rate_value"] is not None for y in answer["trend"]["years"])
    siping = report(region_code="220300", year=None)
    assert siping["years"] == [2021]  # years the region itself has buying in (the year picker)
    trend = {y["year"]: y["rate_value"] for y in siping["trend"]["years"]}
    assert list(trend) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert trend[2021] == 0.0 and trend[2020] is None and trend[2025] is None
    assert siping["trend"]["change_pp"] is None  # one year with buying: no change to speak of


def test_answers_cached_by_an_older_version_are_not_served(world, refresh, monkeypatch):
    from clusterhub.chain.analytics import report as answers

    faw = world.oem("一汽")
    world.link(world.company("沈阳钢", "shenyang"), faw, "MAT.STL", 12_345_678)
    refresh()
    before = node(report(region_code="220000"), "MAT.STL")["reason"]
    monkeypatch.setattr(answers, "format_yuan", lambda value: "NEW WORDING")
    assert node(report(region_code="220000"), "MAT.STL")["reason"] == before  # cached
    monkeypatch.setattr(answers, "ANSWER_FORMAT", answers.ANSWER_FORMAT + 1)
    assert "NEW WORDING" in node(report(region_code="220000"), "MAT.STL")["reason"]
