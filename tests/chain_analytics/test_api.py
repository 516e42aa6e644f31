"""The analytics API: answers, errors, and whose links the aggregates are computed over."""

import pytest
from django.test import Client

from clusterhub.accounts.models import ApiToken
from clusterhub.core.choices import Confidentiality

BASE = "/api/chain/analytics"


def client_for(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def network(world, people):
    """FAW buys brakes: 100 public from Changchun, 400 internal from Shenyang, 50 confidential
    from Siping. The supplier user's organisation speaks for the Shenyang company."""
    faw = world.oem("一汽")
    changchun = world.company("长春制动", "chaoyang")
    shenyang = world.company("沈阳制动", "shenyang")
    siping = world.company("四平制动", "siping", confidentiality=Confidentiality.CONFIDENTIAL)
    world.link(changchun, faw, "PRT.CHS.BRK", 100, confidentiality=Confidentiality.PUBLIC)
    world.link(shenyang, faw, "PRT.CHS.BRK", 400, confidentiality=Confidentiality.INTERNAL)
    world.link(siping, faw, "PRT.CHS.BRK", 50, confidentiality=Confidentiality.CONFIDENTIAL)
    people["orgs"]["supplier"].enterprise = shenyang
    people["orgs"]["supplier"].save()
    return {"faw": faw, "changchun": changchun, "shenyang": shenyang, "siping": siping}


def test_before_the_first_snapshot_the_api_asks_to_wait(network, people):
    response = client_for(people["province_viewer"]).get(f"{BASE}/rate?region=220000")
    assert response.status_code == 503


def test_anonymous_callers_get_nothing(network, refresh):
    refresh()
    assert Client().get(f"{BASE}/rate?region=220000").status_code == 401


def test_government_sees_all_links_suppliers_public_ones(network, people, refresh):
    refresh()
    officer = client_for(people["siping_officer"]).get(f"{BASE}/rate?region=220000&year=2024")
    assert officer.status_code == 200
    body = officer.json()
    assert body["audience"] == "all"
    assert body["rate"]["value_total"] == "550.00"
    assert body["rate"]["value_local"] == "150.00"
    supplier = client_for(people["supplier"]).get(f"{BASE}/rate?region=220000&year=2024").json()
    assert supplier["audience"] == "public"
    # Only the public link: not even the supplier's own internal sale is counted.
    assert (supplier["rate"]["value_total"], supplier["rate"]["rate_value"]) == ("100.00", 1.0)


def test_report_gaps_and_breakdowns(network, people, refresh):
    refresh()
    client = client_for(people["province_viewer"])
    report = client.get(f"{BASE}/report?region=220000&year=2024").json()
    brakes = next(n for n in report["by_node"] if n["code"] == "PRT.CHS.BRK")
    assert (brakes["class"], brakes["unmet"]) == ("weak", "400.00")  # 150 of 550 local
    gaps = client.get(f"{BASE}/gaps?region=220000&year=2024&gap_class=weak").json()
    assert [g["code"] for g in gaps["gaps"]] == ["PRT", "PRT.CHS", "PRT.CHS.BRK"]
    # Over public links only, one Changchun supplier sells all the brakes: single source.
    public = client_for(people["supplier"]).get(f"{BASE}/gaps?region=220000&year=2024").json()
    assert {g["class"] for g in public["gaps"]} == {"single_source"}
    assert client.get(f"{BASE}/gaps?region=220000&depth=2").json()["gaps"][0]["depth"] == 2
    oems = client.get(f"{BASE}/breakdowns/oem?region=220000").json()["rows"]
    assert oems[0]["oem"]["public_id"] == network["faw"].public_id
    faw_only = client.get(f"{BASE}/rate?region=220000&oem={network['faw'].public_id}").json()
    assert faw_only["oems"][0]["public_id"] == network["faw"].public_id


def test_bad_questions(network, people, refresh):
    refresh()
    client = client_for(people["province_viewer"])
    assert client.get(f"{BASE}/rate?region=999999").status_code == 404
    assert client.get(f"{BASE}/rate?region=220000&oem=ENOPE").status_code == 404
    assert client.get(f"{BASE}/rate?region=220000&single_source=0.2").status_code == 422
    assert client.get(f"{BASE}/dependency?supplier=x&region=220000").status_code == 422
    empty = client.get(f"{BASE}/rate?region=220300&year=2024").json()  # no OEM in Siping
    assert empty["rate"]["rate_value"] is None and empty["trend"]["years"] == []


def test_dependency_and_upstream(network, people, world, refresh):
    tier2 = world.company("二级件", "siping")
    world.link(tier2, network["shenyang"], "MAT.STL", 70)
    refresh()
    client = client_for(people["province_viewer"])
    answer = client.get(f"{BASE}/dependency?supplier={tier2.public_id}&year=2024").json()
    [plant] = answer["plants"]
    assert plant["oem"]["public_id"] == network["faw"].public_id
    assert (plant["tier"], plant["value_at_risk"]) == (2, "400.00")
    assert plant["share_at_risk"] == pytest.approx(400 / 550)
    region = client.get(f"{BASE}/dependency?region=210000&year=2024").json()
    assert region["plants"][0]["value_direct"] == "400.00"
    up = client.get(f"{BASE}/upstream?enterprise={network['faw'].public_id}&region=220000")
    assert up.json()["tiers"] == [
        {"tier": 1, "suppliers": 3, "inside_region": 2},
        {"tier": 2, "suppliers": 1, "inside_region": 1},
    ]
    # The supplier user walks public links only: the tier-2 sale is internal.
    public = client_for(people["supplier"]).get(
        f"{BASE}/dependency?supplier={tier2.public_id}&year=2024"
    )
    assert public.json()["plants"] == []


def test_node_enterprises_lists_only_what_the_user_may_view(network, people, refresh):
    refresh()
    url = f"{BASE}/nodes/PRT.CHS/enterprises?region=220000&year=2024"
    officer = client_for(people["changchun_officer"]).get(url).json()
    names = {s["enterprise"]["name"] for s in officer["suppliers"]}
    # A Changchun officer may not view the confidential Siping link.
    assert names == {"长春制动", "沈阳制动"}
    assert officer["oems"][0]["value"] == "500.00"
    assert officer["node"]["class"] == "weak"
    supplier = client_for(people["supplier"]).get(url).json()
    assert {s["enterprise"]["name"] for s in supplier["suppliers"]} == {"长春制动", "沈阳制动"}
    siping = client_for(people["siping_officer"]).get(url).json()
    assert len(siping["suppliers"]) == 3
    assert client_for(people["supplier"]).get(url.replace("PRT.CHS", "NOPE")).status_code == 404


def test_city_roles(network, people, refresh):
    refresh()
    roles = client_for(people["province_viewer"]).get(f"{BASE}/city-roles?region=220000&year=2024")
    body = roles.json()
    assert {c["code"] for c in body["cities"]} == {"220100", "220300"}
    assert all(cell["key"] == "parts" for cell in body["cells"])


def test_refresh_is_for_stewards_and_officers(network, people, django_capture_on_commit_callbacks):
    assert client_for(people["supplier"]).post(f"{BASE}/refresh").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["province_admin"]).post(f"{BASE}/refresh")
    assert response.status_code == 202
    # The immediate backend ran it: the API answers now.
    rate = client_for(people["province_admin"]).get(f"{BASE}/rate?region=220000")
    assert rate.status_code == 200
