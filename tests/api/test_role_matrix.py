"""The role matrix through the API: each person of the `people` fixture against enterprises,
sites and supply links of every confidentiality level in Changchun and Siping. What they may list,
read, change and delete is what core/access.py says; what they may not see is a 404."""

import pytest

from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.models import Enterprise

from ..test_access import VIEW_MATRIX as BASE_VIEW_MATRIX
from .conftest import CITIES

pytestmark = pytest.mark.django_db

ALL = {(level, city) for level in Confidentiality.values for city in CITIES}
PUBLIC = {("public", city) for city in CITIES}
NOT_CONFIDENTIAL = PUBLIC | {("internal", city) for city in CITIES}

VIEW = {**BASE_VIEW_MATRIX, "changchun_viewer": BASE_VIEW_MATRIX["changchun_officer"]}
CHANGE = {
    "province_admin": ALL,  # a province-level administrator is a data steward
    "province_viewer": set(),
    "changchun_officer": {(level, "changchun") for level in Confidentiality.values},
    "changchun_viewer": set(),
    "siping_officer": {(level, "siping") for level in Confidentiality.values},
    "supplier": set(),  # manager of its own organisation, which owns none of these
}
DELETE = {who: (ALL if who == "province_admin" else set()) for who in CHANGE}
PEOPLE = sorted(CHANGE)


def expected_status(who, key, action) -> int:
    if key not in VIEW[who]:
        return 404
    allowed = {"change": CHANGE, "delete": DELETE}[action][who]
    return {"change": 200, "delete": 204}[action] if key in allowed else 403


def test_matrix_covers_every_person_of_the_fixture(people):
    assert set(PEOPLE) == {k for k in people if k != "orgs"}


@pytest.mark.parametrize("who", PEOPLE)
def test_enterprises(as_user, records, who):
    client = as_user(who)
    listed = client.get("/api/enterprises", {"q": "-", "page_size": 100}).json()
    assert {e["name"] for e in listed["items"]} == {f"{c}-{lvl}" for lvl, c in VIEW[who]}
    assert listed["count"] == len(VIEW[who])

    for key in sorted(ALL):
        enterprise = records[key]["enterprise"]
        url = f"/api/enterprises/{enterprise.public_id}"
        detail = client.get(url)
        assert detail.status_code == (200 if key in VIEW[who] else 404), (who, key)
        if detail.status_code == 404:
            assert enterprise.name not in detail.content.decode()

        response = client.patch(url, {"description": "changed"}, content_type="application/json")
        assert response.status_code == expected_status(who, key, "change"), (who, key)
        enterprise.refresh_from_db()
        assert (enterprise.description == "changed") == (response.status_code == 200)

    for key in sorted(ALL):
        enterprise = records[key]["enterprise"]
        enterprise.sales.all().delete()  # links protect their supplier from deletion
        response = client.delete(f"/api/enterprises/{enterprise.public_id}")
        assert response.status_code == expected_status(who, key, "delete"), (who, key)
        assert Enterprise.objects.filter(pk=enterprise.pk).exists() == (response.status_code != 204)


@pytest.mark.parametrize("who", PEOPLE)
def test_sites_and_supply_links(as_user, records, who):
    """Sites follow their enterprise's confidentiality, links their own; both are in the city
    of their enterprise (the supplier for links), so the same matrix applies."""
    client = as_user(who)
    sites = client.get("/api/sites", {"page_size": 100}).json()
    assert {s["name"] for s in sites["items"]} == {f"{c}-{lvl}-plant" for lvl, c in VIEW[who]}
    links = client.get("/api/chain/links", {"page_size": 100}).json()
    assert {link["supplier_name"] for link in links["items"]} == {
        f"{c}-{lvl}" for lvl, c in VIEW[who]
    }

    for key in sorted(ALL):
        site, link = records[key]["site"], records[key]["link"]
        seen = 200 if key in VIEW[who] else 404
        assert client.get(f"/api/sites/{site.pk}").status_code == seen, (who, key)
        assert client.get(f"/api/chain/links/{link.pk}").status_code == seen, (who, key)
        change = expected_status(who, key, "change")
        response = client.patch(
            f"/api/sites/{site.pk}", {"address": "x"}, content_type="application/json"
        )
        assert response.status_code == change, (who, key)
        response = client.patch(
            f"/api/chain/links/{link.pk}", {"source": "x"}, content_type="application/json"
        )
        assert response.status_code == change, (who, key)
        delete = expected_status(who, key, "delete")
        assert client.delete(f"/api/chain/links/{link.pk}").status_code == delete, (who, key)
        assert client.delete(f"/api/sites/{site.pk}").status_code == delete, (who, key)


def test_siping_officer_cannot_touch_a_changchun_confidential_enterprise(as_user, records):
    secret = records[("confidential", "changchun")]
    client = as_user("siping_officer")
    public_id = secret["enterprise"].public_id
    # Not by search, by any filter, nor by guessing its public id, site id or link id.
    for params in ({"q": public_id}, {"q": "changchun-confidential"}, {"region": "220100"}):
        listed = client.get("/api/enterprises", params).json()
        assert public_id not in {e["public_id"] for e in listed["items"]}
    for method, path in [
        ("get", f"/api/enterprises/{public_id}"),
        ("patch", f"/api/enterprises/{public_id}"),
        ("delete", f"/api/enterprises/{public_id}"),
        ("get", f"/api/sites/{secret['site'].pk}"),
        ("patch", f"/api/sites/{secret['site'].pk}"),
        ("delete", f"/api/sites/{secret['site'].pk}"),
        ("get", f"/api/chain/links/{secret['link'].pk}"),
        ("delete", f"/api/chain/links/{secret['link'].pk}"),
    ]:
        response = getattr(client, method)(path, {"name": "x"}, content_type="application/json")
        assert response.status_code == 404, (method, path)
        assert "changchun-confidential" not in response.content.decode()
    # Nor by naming it in a write: it is an unknown enterprise, like one that does not exist.
    response = client.post(
        "/api/chain/links",
        {
            "supplier": records[("public", "siping")]["enterprise"].public_id,
            "customer": public_id,
            "chain_node": records["node"].code,
            "year": 2025,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "unknown enterprise" in response.json()["detail"][0]["msg"]
    secret["enterprise"].refresh_from_db()
    assert secret["enterprise"].name == "changchun-confidential"


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("changchun_officer", "220100", 201),
        ("changchun_officer", "220104", 201),  # a district of their city
        ("changchun_officer", "220300", 403),
        ("changchun_viewer", "220100", 403),
        ("siping_officer", "220100", 403),
        ("supplier", "220100", 403),
        ("province_viewer", "220100", 403),
        ("province_admin", "220300", 201),
        ("province_admin", None, 201),  # data stewards may file a company without a region
        ("changchun_officer", None, 403),
    ],
)
def test_create_only_inside_ones_scope(as_user, jilin, who, region, status):
    payload = {"name": "新企业", "kind": "tier2"}
    if region:
        payload["home_region"] = region
    response = as_user(who).post("/api/enterprises", payload, content_type="application/json")
    assert response.status_code == status, response.content
    assert Enterprise.objects.filter(name="新企业").exists() == (status == 201)


def test_moving_a_record_out_of_ones_scope_is_refused(as_user, records):
    enterprise = records[("public", "changchun")]["enterprise"]
    client = as_user("changchun_officer")
    response = client.patch(
        f"/api/enterprises/{enterprise.public_id}",
        {"home_region": "220300"},
        content_type="application/json",
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.home_region.code == "220100"


def test_supplier_edits_its_own_profile_and_adds_its_plant(as_user, people, jilin):
    from ..factories import EnterpriseFactory

    own = EnterpriseFactory(
        name="本供应商", home_region=jilin["siping"], confidentiality="confidential"
    )
    people["orgs"]["supplier"].enterprise = own
    people["orgs"]["supplier"].save()
    client = as_user("supplier")
    assert client.get(f"/api/enterprises/{own.public_id}").status_code == 200
    response = client.patch(
        f"/api/enterprises/{own.public_id}", {"employees": 120}, content_type="application/json"
    )
    assert response.status_code == 200
    response = client.post(
        "/api/sites",
        {"enterprise": own.public_id, "name": "本供应商二厂", "kind": "plant", "region": "220300"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_related_records_one_may_not_see_are_not_named(as_user, records, jilin):
    """A public link to a Changchun confidential customer, and a company whose group is one:
    a Siping officer sees the link and the company, but not who the hidden party is."""
    from ..factories import EnterpriseFactory, SupplyLinkFactory

    secret = records[("confidential", "changchun")]["enterprise"]
    supplier = records[("public", "siping")]["enterprise"]
    link = SupplyLinkFactory(
        supplier=supplier, customer=secret, chain_node=records["node"], confidentiality="public"
    )
    member = EnterpriseFactory(name="集团成员", home_region=jilin["siping"], group=secret)

    siping = as_user("siping_officer")
    shown = siping.get(f"/api/chain/links/{link.pk}").json()
    assert (shown["supplier"], shown["customer"], shown["customer_name"]) == (
        supplier.public_id,
        None,
        None,
    )
    listed = siping.get("/api/chain/links", {"supplier": supplier.public_id}).json()
    assert secret.name not in str(listed)
    assert siping.get(f"/api/enterprises/{member.public_id}").json()["group"] is None

    changchun = as_user("changchun_officer")
    assert changchun.get(f"/api/chain/links/{link.pk}").json()["customer"] == secret.public_id
    assert changchun.get(f"/api/enterprises/{member.public_id}").json()["group"] == (
        secret.public_id
    )
