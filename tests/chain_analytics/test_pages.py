"""The analytics pages render, in both languages, export XLSX and respect access."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from clusterhub.core.choices import Confidentiality

pytestmark = pytest.mark.urls("tests.chain_analytics.urls")


@pytest.fixture
def network(world, refresh):
    faw = world.oem("一汽", name_en="FAW")
    cc = world.company("长春制动", "chaoyang")
    sy = world.company("沈阳制动", "shenyang")
    tier2 = world.company("四平钢材", "siping")
    world.link(cc, faw, "PRT.CHS.BRK", 100, confidentiality=Confidentiality.PUBLIC)
    world.link(sy, faw, "PRT.CHS.BRK", 300)
    world.link(cc, faw, "PRT.BDY", 500, year=2023)
    world.link(tier2, cc, "MAT.STL", 50)
    refresh()
    return {"faw": faw, "cc": cc, "sy": sy, "tier2": tier2}


def get(client, user, name, query="", **kwargs):
    client.force_login(user)
    return client.get(reverse(f"chain_analytics:{name}", **kwargs) + query)


def test_anonymous_users_are_sent_to_sign_in(client, network):
    response = client.get(reverse("chain_analytics:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_before_any_snapshot_the_page_says_it_is_being_computed(client, people, world):
    response = get(client, people["province_viewer"], "index")
    assert response.status_code == 200
    assert b"analytics-pending" in response.content


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders(client, people, network, language):
    user = people["province_viewer"]
    query = "?region=220000&year=2024"
    with translation.override(language):
        client.cookies["django_language"] = language
        pages = {
            "index": get(client, user, "index", query),
            "gaps": get(client, user, "gaps", query),
            "cities": get(client, user, "cities", query),
            "oems": get(client, user, "oems", query),
            "dependency": get(client, user, "dependency", query + f"&q={network['tier2'].name}"),
            "map": get(client, user, "map", query + "&node=PRT.CHS"),
            "node": get(client, user, "node", query, args=["PRT.CHS.BRK"]),
        }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert b"analytics-tabs" in response.content, name
    index = pages["index"].content.decode()
    assert "25.0%" in index  # 100 of 400 bought locally
    assert "chart-tree" in index and "analytics-data" in index
    gaps = pages["gaps"].content.decode()
    assert 'data-code="PRT.CHS.BRK" data-class="weak"' in gaps
    dependency = pages["dependency"].content.decode()
    assert 'id="plant-table"' in dependency and "25.0%" in dependency  # 100 of 400 at risk
    node = pages["node"].content.decode()
    assert "长春制动" in node and "沈阳制动" in node
    assert "chart-map" in pages["map"].content.decode()
    if language == "en":
        assert "Gap list" in gaps and "Weak" in gaps
    else:
        assert "CNY" not in index  # amounts in 亿元 on Chinese pages


def test_node_panel_for_the_chain_map(client, people, network):
    client.force_login(people["province_viewer"])
    url = reverse("chain_analytics:node", args=["PRT.CHS.BRK"]) + "?region=220000&year=2024"
    panel = client.get(url, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert b'id="node-panel"' in panel.content and b"<html" not in panel.content


@pytest.mark.parametrize(
    ("name", "query", "header"),
    [
        ("gaps", "?region=220000&year=2024", "Chain node"),
        ("cities", "?region=220000&year=2024", "Location quotient"),
        ("oems", "?region=220000&year=2024", "OEM"),
        ("oems", "?region=220000&year=2024&table=years", "Year"),
        ("oems", "?region=220000&year=2024&table=cities", "Supplier city"),
        ("map", "?region=220000&node=PRT", "Site"),
    ],
)
def test_tables_export_to_xlsx(client, people, network, name, query, header):
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        response = get(client, people["province_viewer"], name, query + "&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows(max_row=3) for c in row]
    assert any(isinstance(v, str) and v.startswith(header) for v in cells), cells


def test_gap_export_has_the_rows(client, people, network):
    response = get(client, people["province_viewer"], "gaps", "?region=220000&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "PRT.CHS.BRK" in codes


def test_suppliers_see_public_aggregates(client, people, network):
    response = get(client, people["supplier"], "index", "?region=220000&year=2024")
    content = response.content.decode()
    assert "100.0%" in content  # only the public Changchun link counts
    assert "public supply links only" in content or "公开" in content


def test_bad_region_is_a_404_page(client, people, network):
    response = get(client, people["province_viewer"], "gaps", "?region=999999")
    assert response.status_code == 404
    assert b"analytics-error" in response.content


def test_recompute_button_for_officers_only(
    client, people, network, django_capture_on_commit_callbacks
):
    client.force_login(people["supplier"])
    assert client.post(reverse("chain_analytics:refresh")).status_code == 403
    client.force_login(people["province_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("chain_analytics:refresh"))
    assert response.status_code == 302


def test_chain_map_year_chart_has_every_year_drawn_at_once(client, people, network):
    """The year chart gets every year with buying (2023 and 2024 here) and is not animated: an
    animated line showed only its first years in the README screenshot."""
    response = get(client, people["province_viewer"], "index", "?region=220000")
    trend = response.context["chart_data"]["trend"]
    assert trend["years"] == [2023, 2024]
    assert trend["rates"] == [100.0, 25.0]
    script = response.content.decode().split('A.chart("chart-trend"', 1)[1][:200]
    assert "animation: false" in script


def test_the_dependency_explorer_suggests_where_to_start(client, people, network):
    page = get(client, people["province_viewer"], "dependency", "?region=220000&year=2024")
    html = page.content.decode()
    table = html[html.index('id="suggestions"') :]
    # Ordered by direct customers, then by value sold to them: 沈阳 300 before 长春 100 before 四平 50.
    order = [table.index(network[k].public_id) for k in ("sy", "cc", "tier2")]
    assert order == sorted(order)
    # A company user counts public links only: 长春制动's one public link, nothing else.
    html = get(client, people["supplier"], "dependency", "?region=220000&year=2024").content
    html = html.decode()
    assert network["cc"].public_id in html and network["sy"].public_id not in html
    # Choosing a supplier nobody depends on offers the same starting points.
    query = f"?region=220000&year=2024&supplier={network['faw'].public_id}"
    html = get(client, people["province_viewer"], "dependency", query).content.decode()
    assert 'id="suggestions"' in html and network["sy"].public_id in html
