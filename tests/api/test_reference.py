"""Regions, parks, the chain taxonomy, /api/me, and the OpenAPI schema and docs."""

import json

import pytest
from django.test import Client

from clusterhub.chain.models import IndustryCode
from clusterhub.geo.models import Park

from ..factories import ChainNodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(as_user):
    return as_user("siping_officer")


def test_region_lookup_by_code_retired_code_and_name(client, gongzhuling):
    current = client.get("/api/regions/220184").json()
    assert (current["code"], current["parent"], current["warning"]) == ("220184", "220100", None)
    assert current["ancestors"] == ["220000", "220100"]

    retired = client.get("/api/regions/220381")
    assert retired.status_code == 200
    body = retired.json()
    assert (body["code"], body["requested"]) == ("220184", "220381")
    assert "220381" in body["warning"] and "220184" in body["warning"]

    assert client.get("/api/regions/长春市").json()["code"] == "220100"
    unknown = client.get("/api/regions/229999")
    assert unknown.status_code == 404
    assert "229999" in unknown.json()["detail"]


def test_region_list_filters(client, gongzhuling):
    def codes(**params):
        return [r["code"] for r in client.get("/api/regions", params).json()["items"]]

    assert codes(within="220100") == ["220104", "220184"]
    assert codes(parent="220000") == ["220100", "220300"]
    assert codes(level="province") == ["220000"]
    assert codes(q="Siping") == ["220300"]
    assert codes(q="公主岭") == ["220184"]
    assert codes(parent="220000", ordering="-code") == ["220300", "220100"]


def test_parks(client, jilin):
    city = Park.objects.create(
        code="CC-AUTO",
        name="长春国际汽车城",
        kind="automobile_city",
        region=jilin["changchun"],
        area_km2="471",
    )
    city.spans.set([jilin["chaoyang"], jilin["changchun"]])
    Park.objects.create(code="SP-ETDZ", name="四平经开区", kind="etdz", region=jilin["siping"])
    listed = client.get("/api/parks", {"region": "220104"}).json()
    assert [p["code"] for p in listed["items"]] == ["CC-AUTO"]
    detail = client.get("/api/parks/CC-AUTO").json()
    assert sorted(detail["spans"]) == ["220100", "220104"]
    assert (detail["region"], detail["area_km2"]) == ("220100", "471.00")
    assert client.get("/api/parks/NOPE").status_code == 404


def test_chain_tree_and_node_detail_with_codes(client):
    parts = ChainNodeFactory(code="PARTS", name="零部件", name_en="Parts", segment="parts")
    power = ChainNodeFactory(code="PT", name="动力总成", name_en="Powertrain", parent=parts)
    ChainNodeFactory(code="PT-ENG", name="发动机", name_en="Engines", parent=power, is_nev=False)
    ChainNodeFactory(
        code="MAT", name="材料", name_en="Materials", segment="materials", sort_order=9
    )
    power.codes.add(
        IndustryCode.objects.create(
            system="GB/T4754-2017", code="3670", title="汽车零部件及配件制造"
        ),
        IndustryCode.objects.create(system="HS2022", code="8409", title="Engine parts"),
    )

    tree = client.get("/api/chain/tree").json()
    assert [n["code"] for n in tree] == ["PARTS", "MAT"]
    assert tree[0]["children"][0]["code"] == "PT"
    assert tree[0]["children"][0]["children"][0]["code"] == "PT-ENG"
    subtree = client.get("/api/chain/tree", {"under": "PT"}).json()
    assert [n["code"] for n in subtree] == ["PT"]

    detail = client.get("/api/chain/nodes/PT").json()
    assert detail["parent"] == "PARTS"
    assert detail["ancestors"] == ["PARTS"]
    assert [c["code"] for c in detail["children"]] == ["PT-ENG"]
    assert {(c["system"], c["code"]) for c in detail["codes"]} == {
        ("GB/T4754-2017", "3670"),
        ("HS2022", "8409"),
    }
    nodes = client.get("/api/chain/nodes", {"industry_code": "8409"}).json()
    assert [n["code"] for n in nodes["items"]] == ["PT"]
    assert client.get("/api/chain/nodes/NOPE").status_code == 404


def test_me_for_a_province_admin(as_user):
    body = as_user("province_admin").get("/api/me").json()
    assert body["scope"]["regions"] == {"220000": "admin"}
    assert body["scope"]["is_data_steward"] is True
    assert body["scope"]["is_government"] is True


def test_openapi_schema_lists_the_paths_and_both_auth_schemes():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "ClusterHub API"
    for path in [
        "/api/me",
        "/api/regions",
        "/api/regions/{code}",
        "/api/parks",
        "/api/parks/{code}",
        "/api/enterprises",
        "/api/enterprises/{public_id}",
        "/api/sites",
        "/api/sites/{site_id}",
        "/api/chain/nodes",
        "/api/chain/nodes/{code}",
        "/api/chain/tree",
        "/api/chain/links",
        "/api/chain/links/{link_id}",
    ]:
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/enterprises/{public_id}"]) == {"get", "patch", "delete"}
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    # Every operation requires one of them, except the conference's public pieces: the event page,
    # the registration form and what a participant opens with their personal link.
    public = {("/api/events/{slug}", "get"), ("/api/events/{slug}/registrations", "post")}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (path, method) in public or path.startswith("/api/events/participants/{token}"):
                continue
            assert operation.get("security"), (path, method)
    list_params = {p["name"] for p in schema["paths"]["/api/enterprises"]["get"]["parameters"]}
    assert {"q", "kind", "region", "chain_node", "page", "page_size", "ordering"} <= list_params


def test_docs_render_for_a_logged_in_user(people):
    client = Client()
    client.force_login(people["changchun_viewer"])
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
