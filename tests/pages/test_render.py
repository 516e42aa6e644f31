"""Every page renders for a signed-in user in Chinese and English, and asks anonymous users to
sign in."""

import pytest
from django.urls import reverse


def page_urls(w):
    faway, site = w["faway"], w["faway_plant"]
    return [
        reverse("core:home"),
        reverse("core:changelog"),
        reverse("core:my_changes"),
        reverse("accounts:profile"),
        reverse("accounts:tokens"),
        reverse("geo:region_list"),
        reverse("geo:region_list") + "?within=220100&level=county",
        reverse("geo:region_detail", args=["220100"]),
        reverse("geo:region_detail", args=["220184"]),
        reverse("geo:park_list"),
        reverse("geo:park_detail", args=["AUTOCITY"]),
        reverse("enterprises:list"),
        reverse("enterprises:list") + "?q=fa&kind=tier1&region=220100&sort=-region",
        reverse("enterprises:detail", args=[faway.public_id]),
        reverse("enterprises:detail", args=[w["fawvw"].public_id]),
        reverse("enterprises:site_list"),
        reverse("enterprises:site_detail", args=[site.pk]),
        reverse("chain:index"),
        reverse("chain:index") + "?q=seat",
        reverse("chain:node_detail", args=["PRT.SEAT"]),
    ]


def edit_urls(w):
    return [
        reverse("geo:region_edit", args=["220104"]),
        reverse("geo:region_create"),
        reverse("geo:park_edit", args=["AUTOCITY"]),
        reverse("geo:park_create"),
        reverse("enterprises:create"),
        reverse("enterprises:edit", args=[w["faway"].public_id]),
        reverse("enterprises:site_create", args=[w["faway"].public_id]),
        reverse("enterprises:site_edit", args=[w["faway_plant"].pk]),
        reverse("chain:node_create"),
        reverse("chain:node_edit", args=["PRT.SEAT"]),
        reverse("enterprises:delete", args=[w["siping_co"].public_id]),
        reverse("enterprises:site_delete", args=[w["faway_plant"].pk]),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_renders_in_both_languages(world, login, language):
    client = login(world["people"]["changchun_officer"], language)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'lang="{"zh-CN" if language == "zh-hans" else "en"}"' in html, url
        # The language switch posts to set_language and comes back to the same page.
        assert 'action="/i18n/setlang/"' in html
        assert f'name="next" value="{response.wsgi_request.get_full_path()}"' in html.replace(
            "&amp;", "&"
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_edit_pages_render_for_a_data_steward(world, login, language):
    client = login(world["superuser"], language)
    for url in edit_urls(world):
        assert client.get(url).status_code == 200, url


def test_chinese_is_the_default_and_english_is_a_switch_away(world, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(world["people"]["changchun_officer"])
    html = client.get(reverse("enterprises:list")).content.decode()
    assert "集群通" in html
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("enterprises:list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:list")
    html = client.get(reverse("enterprises:list")).content.decode()
    assert 'lang="en"' in html
    assert "集群通" not in html


def test_anonymous_users_are_sent_to_sign_in(world, client):
    for url in page_urls(world) + edit_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_sign_in_page_and_sign_in(world, client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'id="login-form"' in response.content
    response = client.post(
        reverse("accounts:login"),
        {"username": "changchun_officer", "password": "wrong"},
    )
    assert response.status_code == 200 and b"alert-danger" in response.content
    response = client.post(
        reverse("accounts:login"),
        {"username": "changchun_officer", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home")).content.decode()
    assert "长春市投资促进局" in home  # the organisation, in the greeting and the top bar
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_home_counts_only_what_the_user_may_see(world, login):
    counts_siping = login(world["people"]["siping_officer"]).get("/").context["counts"]
    counts_changchun = login(world["people"]["changchun_officer"]).get("/").context["counts"]
    # The confidential Changchun enterprise, its site and its link are Changchun's only.
    assert counts_changchun["enterprises"] == counts_siping["enterprises"] + 1
    assert counts_changchun["sites"] == counts_siping["sites"] + 1
    assert counts_changchun["supply_links"] == counts_siping["supply_links"] + 1
    by_city = {
        row["region"].code: row["count"]
        for row in login(world["people"]["siping_officer"]).get("/").context["by_prefecture"]
    }
    # FAW, FAW-VW and FAWER (Chaoyang counts for Changchun); the confidential one is not counted.
    assert by_city == {"220100": 3, "220300": 1}


def test_menu_shows_only_urls_that_exist(world, login):
    html = login(world["people"]["changchun_officer"]).get("/").content.decode()
    for name in ("core:home", "enterprises:list", "geo:region_list", "chain:index"):
        assert f'data-nav="{name}"' in html
    assert 'data-nav="admin:index"' not in html  # not staff
    html = login(world["superuser"]).get("/").content.decode()
    assert 'data-nav="admin:index"' in html


def test_not_found_page_looks_like_the_product(world, login, settings):
    settings.DEBUG = False
    client = login(world["people"]["siping_officer"])
    response = client.get(reverse("enterprises:detail", args=[world["secret"].public_id]))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="ch-sidebar"' in html and "may not see it" in html
    assert world["secret"].name not in html


def test_list_pages_do_not_query_per_row(world, login, django_assert_max_num_queries):
    from ..factories import EnterpriseFactory, SiteFactory

    for _n in range(40):
        company = EnterpriseFactory(home_region=world["chaoyang"], group=world["faw"])
        SiteFactory(enterprise=company, park=world["park"])
    client = login(world["people"]["changchun_officer"])
    for url in (
        reverse("enterprises:list"),
        reverse("enterprises:site_list"),
        reverse("geo:park_list"),
        reverse("geo:region_list"),
        reverse("chain:index"),
    ):
        with django_assert_max_num_queries(25):
            assert client.get(url, {"per_page": 100}).status_code == 200


def test_vendored_assets_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "clusterhub/app.css",
        "clusterhub/app.js",
    ):
        assert finders.find(path), path
