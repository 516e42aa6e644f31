"""Search by any name, filters, sorting, pagination and exports on the list pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ..factories import EnterpriseFactory


def found(client, **params):
    response = client.get(reverse("enterprises:list"), params)
    assert response.status_code == 200
    return set(response.context["object_list"])


@pytest.mark.parametrize(
    "query",
    [
        "富奥汽车",  # Chinese name
        "fuao",  # pinyin
        "faqclbj",  # pinyin initials
        "FAWER Automotive",  # English name
        "富奥股份",  # alias
        "富奥",  # short name
    ],
)
def test_search_finds_an_enterprise_by_any_name(world, login, query):
    client = login(world["people"]["siping_officer"])
    assert world["faway"] in found(client, q=query)


def test_search_by_credit_code_and_public_id(world, login):
    client = login(world["people"]["siping_officer"])
    assert found(client, q=world["credit_code"]) == {world["faway"]}
    assert found(client, q=world["credit_code"].lower()) == {world["faway"]}
    assert found(client, q=world["faway"].public_id) == {world["faway"]}


def test_filters(world, login):
    client = login(world["people"]["changchun_officer"])
    assert found(client, kind="oem") == {world["fawvw"], world["siping_co"]}
    assert found(client, region="220300") == {world["siping_co"]}
    # A region includes everything below it: Chaoyang is in Changchun.
    assert world["faway"] in found(client, region="220100")
    assert found(client, chain_node="PRT") == {world["faway"], world["secret"]}
    assert found(client, certification="IATF 16949") == {world["faway"]}
    assert found(client, certification="ISO 14001") == set()  # expired
    assert found(client, group=world["faw"].public_id) == {world["fawvw"]}
    assert found(client, park="AUTOCITY") == {world["faway"]}
    # An invalid choice is reported on the form and lists nothing, rather than everything.
    response = client.get(reverse("enterprises:list"), {"kind": "spaceship"})
    assert "kind" in response.context["filter_form"].errors
    assert list(response.context["object_list"]) == []


def test_pagination_keeps_filters_and_sort(world, login):
    for n in range(30):
        EnterpriseFactory(
            name=f"吉林测试{n:02d}有限公司", kind="tier2", home_region=world["siping"]
        )
    client = login(world["people"]["siping_officer"])
    url = reverse("enterprises:list")
    first = client.get(url, {"kind": "tier2", "sort": "-name", "per_page": "25"})
    page = first.context["page_obj"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    names = [e.name for e in page.object_list]
    assert names == sorted(names, reverse=True)
    html = first.content.decode().replace("&amp;", "&")
    assert "?kind=tier2&sort=-name&per_page=25&page=2" in html
    second = client.get(url, {"kind": "tier2", "sort": "-name", "per_page": "25", "page": "2"})
    assert len(second.context["page_obj"].object_list) == 5
    assert all(e.kind == "tier2" for e in second.context["object_list"])
    # Sorting headers keep the filters and drop the page number.
    assert 'href="?kind=tier2&sort=name&per_page=25"' in html


def test_sort_key_is_whitelisted(world, login):
    client = login(world["people"]["changchun_officer"])
    response = client.get(reverse("enterprises:list"), {"sort": "credit_code__secret"})
    assert response.status_code == 200
    assert response.context["current_sort"] == "name"


def test_region_list_shows_tree_dev_zones_and_retired_codes(world, login):
    client = login(world["people"]["siping_officer"])
    html = client.get(reverse("geo:region_list")).content.decode()
    assert 'id="region-tree"' in html
    assert "220174" in html and "长春汽车经济技术开发区" in html
    assert "220381" in html  # the retired code, mapped to Gongzhuling
    detail = client.get(reverse("geo:region_detail", args=["220184"]))
    assert [r.code for r in detail.context["retired_codes"]] == ["220381"]
    changchun = client.get(reverse("geo:region_detail", args=["220100"]))
    assert [z.code for z in changchun.context["dev_zones"]] == ["220174"]
    assert [r.code for r in changchun.context["subdivisions"]] == ["220104", "220184"]
    filtered = client.get(reverse("geo:region_list"), {"q": "gongzhu"})
    assert [r.code for r in filtered.context["object_list"]] == ["220184"]


def test_park_pages_show_the_areas_spanned(world, login):
    client = login(world["people"]["siping_officer"])
    listing = client.get(reverse("geo:park_list"), {"region": "220184"})
    assert [p.code for p in listing.context["object_list"]] == ["AUTOCITY"]
    detail = client.get(reverse("geo:park_detail", args=["AUTOCITY"]))
    assert [r.code for r in detail.context["spans"]] == ["220104", "220184"]
    assert "471" in detail.content.decode()


def test_chain_browser_tree_and_search(world, login):
    client = login(world["people"]["siping_officer"])
    index = client.get(reverse("chain:index"))
    html = index.content.decode()
    assert 'id="chain-tree"' in html and "Seats" in html and "chain-tree-data" in html
    # Siping sees one seat maker (FAWER); the confidential Changchun one is not counted.
    assert index.context["counts"]["PRT/PRT.SEAT/"] == 1
    search = client.get(reverse("chain:index"), {"q": "seat"})
    assert [n.code for n in search.context["object_list"]] == ["PRT.SEAT"]
    by_code = client.get(reverse("chain:index"), {"industry_code": "c3670"})
    assert [n.code for n in by_code.context["object_list"]] == ["PRT.SEAT"]
    node = client.get(reverse("chain:node_detail", args=["PRT.SEAT"]))
    assert "C3670" in node.content.decode()
    assert list(node.context["page_obj"].object_list) == [world["faway"]]
    parent = client.get(reverse("chain:node_detail", args=["PRT"]))
    assert [c.code for c in parent.context["children"]] == ["PRT.SEAT"]


def test_enterprise_detail_shows_everything_about_it(world, login):
    client = login(world["people"]["changchun_officer"])
    response = client.get(reverse("enterprises:detail", args=[world["faway"].public_id]))
    html = response.content.decode()
    for text in ("富奥股份", "富奥座椅工厂", "GCJ-02", "IATF 16949", "汽车座椅", "FAW-Volkswagen"):
        assert text in html, text
    certs = {c.standard: c.valid_today for c in response.context["certifications"]}
    assert certs == {"IATF 16949": True, "ISO 14001": False}
    assert response.context["sales_summary"]["n"] == 1
    group = client.get(reverse("enterprises:detail", args=[world["faw"].public_id]))
    assert list(group.context["subsidiaries"]) == [world["fawvw"]]


def test_export_follows_the_filters_and_neutralises_formulas(world, login):
    EnterpriseFactory(name='=HYPERLINK("http://evil")', home_region=world["siping"], kind="tier2")
    client = login(world["people"]["siping_officer"])
    response = client.get(reverse("enterprises:export"), {"kind": "tier2"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # header + the one tier-2 enterprise
    assert '\'=HYPERLINK("http://evil")' in rows[1]
    sites = client.get(reverse("enterprises:site_export"), {"region": "220100"})
    site_rows = list(load_workbook(io.BytesIO(sites.content)).active.iter_rows(values_only=True))
    site_names = {row[3] for row in site_rows[1:]}
    assert "富奥座椅工厂" in site_names and "保密工厂" not in site_names
