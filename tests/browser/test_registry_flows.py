"""A city officer's day in the browser: sign in, switch language, find a company, edit it, see the log."""

import re

import pytest
from playwright.sync_api import expect

from clusterhub.enterprises.models import EnterpriseAlias

from ..factories import EnterpriseFactory
from .conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password="correct-horse-battery"):
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


@pytest.fixture
def fawer(jilin):
    company = EnterpriseFactory(
        name="富奥汽车零部件股份有限公司",
        name_en="FAWER Automotive Parts Co., Ltd.",
        short_name="富奥股份",
        stock_code="000030",
        home_region=jilin["changchun"],
    )
    EnterpriseAlias.objects.create(enterprise=company, name="FAWER", kind="english")
    EnterpriseFactory(name="四平专用汽车有限公司", home_region=jilin["siping"])
    return company


def test_wrong_password_is_refused_and_right_one_signs_in(page, live_server, people):
    sign_in(page, live_server, "changchun_officer", password="wrong")
    expect(page.locator(".alert-danger")).to_be_visible()
    assert "/accounts/login/" in page.url
    sign_in(page, live_server, "changchun_officer")
    expect(page.locator("#ch-user-menu")).to_contain_text("changchun_officer")


def test_language_switch_keeps_the_page(page, live_server, people, fawer):
    sign_in(page, live_server, "changchun_officer")
    page.goto(f"{live_server.url}/enterprises/?q=fuao")
    page.locator("#ch-lang-form button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/enterprises/?q=fuao")
    expect(page.locator("#ch-sidebar")).to_contain_text("Enterprises")
    page.locator("#ch-lang-form button[value=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#ch-sidebar")).to_contain_text("企业")


@pytest.mark.parametrize("query", ["富奥", "fuao", "faqc", "FAWER", "000030"])
def test_enterprise_search_by_any_name(page, live_server, people, fawer, query):
    sign_in(page, live_server, "changchun_officer")
    page.goto(f"{live_server.url}/enterprises/")
    search = page.locator("input[name=q]")
    search.fill(query)
    search.press("Enter")
    results = page.locator("table tbody")
    expect(results).to_contain_text("富奥汽车零部件股份有限公司")
    expect(results).not_to_contain_text("四平专用汽车有限公司")


def test_edit_shows_in_the_change_log(page, live_server, people, fawer):
    sign_in(page, live_server, "changchun_officer")
    page.goto(f"{live_server.url}/enterprises/{fawer.public_id}/edit/")
    page.locator("#enterprise-form input[name=short_name]").fill("富奥")
    page.locator("#enterprise-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{fawer.public_id}/$"))
    history = page.locator("#history")
    expect(history).to_contain_text("changchun_officer")
    expect(history.locator(".ch-after").first).to_have_text("富奥")
    expect(history.locator(".ch-before").first).to_have_text("富奥股份")
    save_screenshot(page, "enterprise-detail")


def test_siping_officer_cannot_open_a_changchun_confidential_record(
    page, live_server, people, jilin
):
    secret = EnterpriseFactory(
        name="长春保密项目企业", home_region=jilin["changchun"], confidentiality="confidential"
    )
    sign_in(page, live_server, "siping_officer")
    response = page.goto(f"{live_server.url}/enterprises/{secret.public_id}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/enterprises/?q=长春保密")
    expect(page.locator("main")).not_to_contain_text("长春保密项目企业")
