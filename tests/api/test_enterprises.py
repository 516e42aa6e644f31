"""Enterprises and sites over the API: CRUD through the services, the change log, validation,
pagination and filters."""

import pytest
from django.db import connection

from clusterhub.chain.models import SupplyLink
from clusterhub.core.choices import ChangeAction, ChangeSource
from clusterhub.core.models import ObjectChange
from clusterhub.enterprises.models import Enterprise, EnterpriseAlias, Site
from clusterhub.enterprises.validators import uscc_check_character

from ..factories import EnterpriseFactory, SiteFactory, SupplyLinkFactory

pytestmark = pytest.mark.django_db

VALID_USCC = "91220101" + "123456789"  # 17 characters; the check character is appended below
VALID_USCC += uscc_check_character(VALID_USCC)


@pytest.fixture
def officer(as_user):
    return as_user("changchun_officer")


def post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def patch(client, path, payload):
    return client.patch(path, payload, content_type="application/json")


def changes_of(instance):
    return ObjectChange.objects.filter(object_id=str(instance.pk)).order_by("pk")


def errors_by_field(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


def test_enterprise_create_update_delete_is_logged_with_the_token_user(people, officer, jilin):
    created = post(
        officer,
        "/api/enterprises",
        {
            "name": "长春富奥测试汽车零部件有限公司",
            "kind": "tier1",
            "credit_code": VALID_USCC.lower(),
            "home_region": "220104",
            "annual_revenue": "2.1亿元",
            "aliases": [{"name": "富奥测试", "kind": "short"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["credit_code"] == VALID_USCC  # normalised
    assert body["home_region"] == "220104"
    assert body["annual_revenue"] == "210000000.00"
    assert body["pinyin"].startswith("zhangchunfuao") or body["pinyin"].startswith("changchun")
    assert body["aliases"] == [{"name": "富奥测试", "kind": "short"}]
    enterprise = Enterprise.objects.get(public_id=body["public_id"])

    updated = patch(officer, f"/api/enterprises/{enterprise.public_id}", {"size": "medium"})
    assert updated.status_code == 200, updated.content
    assert updated.json()["size"] == "medium"
    assert updated.json()["name"] == enterprise.name  # untouched fields stay

    deleted = officer.delete(f"/api/enterprises/{enterprise.public_id}")
    assert deleted.status_code == 403  # an officer may change but not delete
    manager = people["orgs"]["changchun"].memberships.get(user=people["changchun_officer"])
    manager.role = "manager"
    manager.save()
    people["changchun_officer"].__dict__.pop("_clusterhub_access", None)
    deleted = officer.delete(f"/api/enterprises/{enterprise.public_id}")
    assert deleted.status_code == 204
    assert officer.get(f"/api/enterprises/{enterprise.public_id}").status_code == 404

    log = list(changes_of(enterprise).filter(content_type__model="enterprise"))
    assert [c.action for c in log] == [
        ChangeAction.CREATE,
        ChangeAction.UPDATE,
        ChangeAction.DELETE,
    ]
    assert {c.source for c in log} == {ChangeSource.API}
    assert {c.user for c in log} == {people["changchun_officer"]}
    assert log[1].before["size"] == "" and log[1].after["size"] == "medium"
    # The alias was created and deleted with it, and logged too.
    alias_log = ObjectChange.objects.filter(content_type__model="enterprisealias")
    assert sorted(alias_log.values_list("action", flat=True)) == ["create", "delete"]
    assert not EnterpriseAlias.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        ({"credit_code": VALID_USCC[:-1] + "0"}, "credit_code", "check character"),
        ({"credit_code": "123"}, "credit_code", "18 characters"),
        ({"home_region": "229999"}, "home_region", "229999"),
        ({"kind": "spaceship"}, "kind", ""),
        ({"annual_revenue": "三千万"}, "annual_revenue", "not an amount"),
        ({"website": "not a url"}, "website", ""),
        ({"group": "ENOTEXISTS"}, "group", "ENOTEXISTS"),
    ],
)
def test_bad_input_is_422_naming_the_field(officer, jilin, payload, field, reason):
    response = post(
        officer,
        "/api/enterprises",
        {"name": "某测试公司", "kind": "tier2", "home_region": "220100", **payload},
    )
    errors = errors_by_field(response)
    assert field in errors
    assert reason in errors[field]
    assert not Enterprise.objects.filter(name="某测试公司").exists()


def test_unknown_references_say_so_in_the_error_type(officer, jilin):
    response = post(
        officer, "/api/enterprises", {"name": "某", "kind": "tier2", "home_region": "229999"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "unknown",
            "loc": ["body", "payload", "home_region"],
            "msg": "unknown region code “229999”",
        }
    ]
    # Chinese comes back as characters, not \\u escapes.
    assert "“229999”".encode() in response.content


def test_duplicate_credit_code_is_422(officer, jilin):
    EnterpriseFactory(credit_code=VALID_USCC, home_region=jilin["changchun"])
    response = post(
        officer,
        "/api/enterprises",
        {"name": "重复", "kind": "tier2", "home_region": "220100", "credit_code": VALID_USCC},
    )
    assert "credit_code" in errors_by_field(response)


def test_retired_region_code_is_mapped_with_a_warning(officer, gongzhuling):
    response = post(
        officer,
        "/api/enterprises",
        {"name": "公主岭测试", "kind": "tier2", "home_region": "220381"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["home_region"] == "220184"
    assert any("220381" in w and "220184" in w for w in response.json()["warnings"])


def test_patch_that_fails_validation_changes_nothing(officer, jilin):
    enterprise = EnterpriseFactory(home_region=jilin["changchun"], size="small")
    response = patch(
        officer,
        f"/api/enterprises/{enterprise.public_id}",
        {"size": "large", "credit_code": "91220101MA0000000X"},
    )
    assert "credit_code" in errors_by_field(response)
    enterprise.refresh_from_db()
    assert enterprise.size == "small"
    assert not changes_of(enterprise).filter(action="update").exists()


def test_name_cannot_be_blanked(officer, jilin):
    enterprise = EnterpriseFactory(home_region=jilin["changchun"])
    response = patch(officer, f"/api/enterprises/{enterprise.public_id}", {"name": None})
    assert "name" in errors_by_field(response)


def test_enterprise_in_supply_links_is_not_deleted(as_user, jilin):
    supplier = EnterpriseFactory(home_region=jilin["changchun"])
    SupplyLinkFactory(supplier=supplier)
    response = as_user("province_admin").delete(f"/api/enterprises/{supplier.public_id}")
    assert response.status_code == 409
    assert "supply links" in response.json()["detail"]
    assert Enterprise.objects.filter(pk=supplier.pk).exists()


def test_pagination_and_ordering(officer, jilin):
    for i in range(7):
        EnterpriseFactory(name=f"分页{i}", home_region=jilin["changchun"])
    first = officer.get("/api/enterprises", {"q": "分页", "page_size": 3, "ordering": "-name"})
    body = first.json()
    assert (body["count"], body["page"], body["page_size"]) == (7, 1, 3)
    assert [e["name"] for e in body["items"]] == ["分页6", "分页5", "分页4"]
    last = officer.get("/api/enterprises", {"q": "分页", "page_size": 3, "page": 3}).json()
    assert [e["name"] for e in last["items"]] == ["分页6"]
    seen = []
    for page in (1, 2, 3):
        items = officer.get("/api/enterprises", {"q": "分页", "page_size": 3, "page": page})
        seen += [e["public_id"] for e in items.json()["items"]]
    assert len(seen) == len(set(seen)) == 7  # pages neither overlap nor skip
    assert officer.get("/api/enterprises", {"page_size": 501}).status_code == 422
    assert officer.get("/api/enterprises", {"page": 0}).status_code == 422
    assert officer.get("/api/enterprises", {"ordering": "credit_code"}).status_code == 422
    default = officer.get("/api/enterprises", {"q": "分页"}).json()
    assert default["page_size"] == 50


def test_filters(officer, jilin):
    fuao = EnterpriseFactory(
        name="富奥汽车零部件股份有限公司", kind="tier1", home_region=jilin["chaoyang"]
    )
    EnterpriseFactory(name="四平专用车", kind="oem", home_region=jilin["siping"])
    site_in_siping = SiteFactory(enterprise=fuao, region=jilin["siping"])

    def names(**params):
        response = officer.get("/api/enterprises", params)
        assert response.status_code == 200, response.content
        return {e["name"] for e in response.json()["items"]}

    assert names(q="富奥") == {fuao.name}
    assert names(q="fuao") == {fuao.name}  # pinyin
    assert names(kind="oem") == {"四平专用车"}
    assert names(region="220100") == {fuao.name}  # Chaoyang is inside Changchun
    assert names(region="220300") == {"四平专用车", fuao.name}  # fuao has a Siping plant
    assert officer.get("/api/enterprises", {"kind": "spaceship"}).status_code == 422
    sites = officer.get("/api/sites", {"enterprise": fuao.public_id}).json()
    assert [s["id"] for s in sites["items"]] == [site_in_siping.pk]


def test_unknown_region_code_filters_to_nothing(officer, jilin):
    EnterpriseFactory(name="长春某企业", home_region=jilin["changchun"])
    response = officer.get("/api/enterprises", {"region": "999999"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_site_crud_through_the_api(people, officer, jilin, gongzhuling):
    enterprise = EnterpriseFactory(home_region=jilin["changchun"])
    created = post(
        officer,
        "/api/sites",
        {
            "enterprise": enterprise.public_id,
            "name": "公主岭工厂",
            "kind": "plant",
            "region": "220381",
            "longitude": "124.82",
            "latitude": "43.50",
            "datum": "GCJ-02",
            "capacity": 100000,
            "capacity_unit": "sets",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["region"], body["enterprise"], body["datum"]) == (
        "220184",
        enterprise.public_id,
        "GCJ-02",
    )
    assert body["warnings"]
    site = Site.objects.get(pk=body["id"])

    assert officer.get(f"/api/sites/{site.pk}").json()["name"] == "公主岭工厂"
    updated = patch(officer, f"/api/sites/{site.pk}", {"address": "公主岭市某路1号"})
    assert updated.status_code == 200
    assert updated.json()["address"] == "公主岭市某路1号"
    assert as_admin_delete(people, site).status_code == 204

    log = changes_of(site).filter(content_type__model="site")
    assert list(log.values_list("action", "source", "user__username")) == [
        ("create", "api", "changchun_officer"),
        ("update", "api", "changchun_officer"),
        ("delete", "api", "province_admin"),
    ]


def as_admin_delete(people, site):
    from .conftest import token_client

    return token_client(people["province_admin"]).delete(f"/api/sites/{site.pk}")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"longitude": "125.3", "latitude": "43.8"}, "datum"),
        ({"longitude": "125.3"}, "latitude"),
        ({"latitude": "95"}, "latitude"),
        ({"region": "220999"}, "region"),
        ({"park": "NOPARK"}, "park"),
        ({"enterprise": "ENOTHERE"}, "enterprise"),
    ],
)
def test_site_validation(officer, jilin, payload, field):
    enterprise = EnterpriseFactory(home_region=jilin["changchun"])
    response = post(
        officer,
        "/api/sites",
        {
            "enterprise": enterprise.public_id,
            "name": "厂",
            "kind": "plant",
            "region": "220100",
            **payload,
        },
    )
    assert field in errors_by_field(response)
    assert not Site.objects.exists()


def test_site_in_a_park_of_another_city_is_refused(officer, jilin):
    from clusterhub.geo.models import Park

    Park.objects.create(code="SP-ETDZ", name="四平经开区", kind="etdz", region=jilin["siping"])
    enterprise = EnterpriseFactory(home_region=jilin["changchun"])
    response = post(
        officer,
        "/api/sites",
        {
            "enterprise": enterprise.public_id,
            "name": "厂",
            "kind": "plant",
            "region": "220104",
            "park": "SP-ETDZ",
        },
    )
    assert "四平经开区" in errors_by_field(response)["park"]


def test_supply_link_crud_and_validation(people, officer, jilin):
    supplier = EnterpriseFactory(home_region=jilin["changchun"])
    customer = EnterpriseFactory(home_region=jilin["changchun"], kind="oem")
    other_site = SiteFactory(enterprise=customer)
    from ..factories import ChainNodeFactory

    ChainNodeFactory(code="P-SEAT", name="座椅", name_en="Seats")
    base = {
        "supplier": supplier.public_id,
        "customer": customer.public_id,
        "chain_node": "P-SEAT",
        "year": 2024,
    }

    errors = errors_by_field(
        post(officer, "/api/chain/links", {**base, "customer": supplier.public_id})
    )
    assert "own customer" in errors["customer"]
    errors = errors_by_field(
        post(officer, "/api/chain/links", {**base, "supplier_site": other_site.pk})
    )
    assert "supplier_site" in errors
    errors = errors_by_field(post(officer, "/api/chain/links", {**base, "chain_node": "NOPE"}))
    assert "chain_node" in errors
    assert not SupplyLink.objects.exists()

    created = post(
        officer,
        "/api/chain/links",
        {**base, "annual_value": "3000万元", "customer_site": other_site.pk},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["annual_value"] == "30000000.00"
    assert body["confidentiality"] == "internal"  # the model's default
    duplicate = post(officer, "/api/chain/links", base)
    assert duplicate.status_code == 422  # one link per supplier, customer, node and year

    link_id = body["id"]
    updated = patch(officer, f"/api/chain/links/{link_id}", {"annual_value": 1234.5})
    assert updated.json()["annual_value"] == "1234.50"
    listed = officer.get("/api/chain/links", {"supplier": supplier.public_id, "year": 2024}).json()
    assert [item["id"] for item in listed["items"]] == [link_id]
    assert officer.get("/api/chain/links", {"year": 2023}).json()["count"] == 0
    from .conftest import token_client

    admin = token_client(people["province_admin"])
    assert admin.delete(f"/api/chain/links/{link_id}").status_code == 204
    log = ObjectChange.objects.filter(content_type__model="supplylink", object_id=str(link_id))
    assert sorted(log.values_list("action", flat=True)) == ["create", "delete", "update"]
    assert set(log.values_list("source", flat=True)) == {"api"}


@pytest.mark.parametrize("path", ["/api/enterprises", "/api/sites", "/api/chain/links"])
def test_list_queries_do_not_grow_with_the_page(officer, jilin, path):
    from django.test.utils import CaptureQueriesContext

    group = EnterpriseFactory(home_region=jilin["changchun"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(path, {"page_size": 100}).status_code == 200
        return len(captured.captured_queries)

    officer.get("/api/me")  # the token's first use of the minute writes last_used
    counts = []
    for batch in (2, 12):
        for _ in range(batch):
            enterprise = EnterpriseFactory(home_region=jilin["changchun"], group=group)
            SiteFactory(enterprise=enterprise)
            SupplyLinkFactory(supplier=enterprise)
        counts.append(queries())
    assert counts[0] == counts[1] <= 6, counts
