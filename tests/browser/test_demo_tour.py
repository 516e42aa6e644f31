"""The bundled demo, end to end in the browser: `load_demo` then the main pages as their users see
them. With CLUSTERHUB_SCREENSHOTS=1 this test also writes the README screenshots."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import save_screenshot
from .test_registry_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def visit(page, live_server, path: str, name: str):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # let chart animations finish before a screenshot
    save_screenshot(page, name)
    return page


def test_demo_tour(page, live_server):
    call_command("load_demo", verbosity=0)
    sign_in(page, live_server, "changchun", password="clusterhub-demo")

    visit(page, live_server, "/enterprises/?q=fuao", "enterprise-search")
    expect(page.locator("table tbody")).to_contain_text("富奥汽车零部件股份有限公司")
    visit(page, live_server, "/enterprises/", "enterprise-list")
    expect(page.locator(".ch-pagination, .pagination").first).to_be_visible()

    visit(page, live_server, "/chain/", "chain-browser")
    expect(page.locator("main")).to_contain_text("Battery")  # English names stand beside Chinese

    # Charts draw into a canvas once ECharts has run.
    visit(page, live_server, "/chain/analytics/", "chain-map")
    expect(page.locator("main canvas").first).to_be_visible()
    visit(page, live_server, "/chain/analytics/gaps/", "gap-list")
    visit(page, live_server, "/chain/analytics/cities/", "city-roles")

    visit(page, live_server, "/cockpit/?year=2021", "cockpit")
    expect(page.locator("main canvas").first).to_be_visible()
    visit(page, live_server, "/projects/?q=CC2021-1019", "projects")
    expect(page.locator("table tbody tr")).to_have_count(18)

    visit(page, live_server, "/events/changchun-sister-cities-2021/signings/", "signings")
    expect(page.locator("main")).to_contain_text("210")  # 18 signings, RMB 21.0 bn = 210亿元

    # The demo's city and OEM lists were resolved into the registry: one pair waits for a person.
    visit(page, live_server, "/resolution/", "review-queue")
    expect(page.locator("main table tbody tr")).to_have_count(1)

    page.context.clear_cookies()
    sign_in(page, live_server, "faw", password="clusterhub-demo")
    visit(page, live_server, "/matching/", "sourcing-demands")
    expect(page.locator("main")).to_contain_text("DFAW0001")
