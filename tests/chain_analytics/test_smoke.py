from clusterhub.chain.services import chain_report


def test_hand_case(world, refresh):
    faw = world.oem("一汽")
    local = world.company("本地制动", "chaoyang")
    outside = world.company("外地制动", "shenyang")
    world.link(local, faw, "PRT.CHS.BRK", 100)
    world.link(outside, faw, "PRT.CHS.BRK", 300)
    refresh()
    report = chain_report(user=None, region_code="220000", year=2024)
    print(report["rate"], report["gaps"])
    assert report["rate"]["rate_value"] == 0.25
