"""Edits go through the services, are validated, and show up in the change log pages."""

from django.urls import reverse

from clusterhub.accounts.models import ApiToken
from clusterhub.core.models import ObjectChange
from clusterhub.enterprises.models import Enterprise, Site


def enterprise_form_data(enterprise, **changes):
    data = {
        "name": enterprise.name,
        "name_en": enterprise.name_en,
        "short_name": enterprise.short_name,
        "credit_code": enterprise.credit_code or "",
        "kind": enterprise.kind,
        "home_region": enterprise.home_region_id,
        "home_country": enterprise.home_country,
        "confidentiality": enterprise.confidentiality,
        # As the page renders it: the existing alias, then two empty rows.
        "aliases-TOTAL_FORMS": "3",
        "aliases-INITIAL_FORMS": "1",
        "aliases-0-name": "富奥股份",
        "aliases-0-kind": "short",
        "aliases-1-name": "",
        "aliases-1-kind": "other",
        "aliases-2-name": "",
        "aliases-2-kind": "other",
    }
    data.update(changes)
    return data


def test_edit_creates_a_change_log_entry_visible_on_the_detail_page(world, login):
    client = login(world["people"]["changchun_officer"])
    faway = world["faway"]
    url = reverse("enterprises:edit", args=[faway.public_id])
    data = enterprise_form_data(faway, name_en="FAWER Auto Parts Co., Ltd.", employees="12000")
    data["aliases-1-name"] = "FAWER"
    data["aliases-1-kind"] = "english"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == faway.get_absolute_url()
    faway.refresh_from_db()
    assert faway.name_en == "FAWER Auto Parts Co., Ltd." and faway.employees == 12000
    assert set(faway.aliases.values_list("name", flat=True)) == {"富奥股份", "FAWER"}
    change = ObjectChange.objects.filter(object_id=str(faway.pk), action="update").latest("time")
    assert change.user == world["people"]["changchun_officer"] and change.source == "web"
    detail = client.get(faway.get_absolute_url())
    history = detail.context["history"]
    assert change.pk in [c.pk for c in history]
    # The alias added in the same form shows in the enterprise's log too.
    alias_change = ObjectChange.objects.get(
        content_type__model="enterprisealias", object_repr="FAWER", action="create"
    )
    assert alias_change.pk in [c.pk for c in history]
    change = next(c for c in history if c.pk == change.pk)
    rows = {row["field"]: row for row in change.rows}
    assert rows["name_en"]["before"] == "FAWER Automotive Parts"
    assert rows["name_en"]["after"] == "FAWER Auto Parts Co., Ltd."
    html = detail.content.decode()
    assert "FAWER Auto Parts Co., Ltd." in html and "changchun_officer" in html
    # It shows on the user's own change page and the global change log.
    mine = client.get(reverse("core:my_changes"))
    assert change.pk in [c.pk for c in mine.context["changes"]]
    everything = client.get(reverse("core:changelog"))
    assert change.pk in [c.pk for c in everything.context["changes"]]


def test_credit_code_is_validated(world, login):
    client = login(world["people"]["changchun_officer"])
    faway = world["faway"]
    bad = world["credit_code"][:17] + ("0" if world["credit_code"][17] != "0" else "1")
    response = client.post(
        reverse("enterprises:edit", args=[faway.public_id]),
        enterprise_form_data(faway, credit_code=bad),
    )
    assert response.status_code == 200
    assert "check character" in str(response.context["form"].errors["credit_code"])
    faway.refresh_from_db()
    assert faway.credit_code == world["credit_code"]


def test_site_coordinates_need_a_datum_and_edits_are_logged(world, login):
    client = login(world["people"]["changchun_officer"])
    site = world["faway_plant"]
    url = reverse("enterprises:site_edit", args=[site.pk])
    data = {
        "name": site.name,
        "kind": "plant",
        "region": world["chaoyang"].pk,
        "longitude": "125.35",
        "latitude": "43.86",
        "datum": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "datum" in response.context["form"].errors
    data["datum"] = "WGS-84"
    response = client.post(url, data)
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.datum == "WGS-84" and str(site.longitude) == "125.350000"
    detail = client.get(site.get_absolute_url())
    assert any(
        row["field"] == "datum" for change in detail.context["history"] for row in change.rows
    )


def test_create_site_for_an_enterprise(world, login):
    client = login(world["people"]["changchun_officer"])
    faway = world["faway"]
    response = client.post(
        reverse("enterprises:site_create", args=[faway.public_id]),
        {"name": "富奥新工厂", "kind": "plant", "region": world["chaoyang"].pk},
    )
    assert response.status_code == 302
    assert Site.objects.filter(enterprise=faway, name="富奥新工厂").exists()
    # A region outside the officer's scope is refused.
    response = client.post(
        reverse("enterprises:site_create", args=[faway.public_id]),
        {"name": "四平分厂", "kind": "plant", "region": world["siping"].pk},
    )
    assert response.status_code == 200 and "region" in response.context["form"].errors


def test_manager_deletes_and_the_deletion_is_logged(world, login):
    client = login(world["changchun_manager"])
    secret = world["secret"]
    # Named in a supply link: refused with a message, nothing deleted.
    response = client.post(reverse("enterprises:delete", args=[secret.public_id]))
    assert response.status_code == 302
    assert Enterprise.objects.filter(pk=secret.pk).exists()
    site = world["faway_plant"]
    site.sales.all().delete()
    response = client.post(reverse("enterprises:site_delete", args=[site.pk]))
    assert response.status_code == 302
    assert not Site.objects.filter(pk=site.pk).exists()
    change = ObjectChange.objects.get(
        object_id=str(site.pk), action="delete", content_type__model="site"
    )
    assert change.before["name"] == "富奥座椅工厂"


def test_change_log_shows_others_only_changes_of_visible_records(world, login):
    """The Siping officer sees the creation of public records, not of the confidential one."""
    client = login(world["people"]["siping_officer"])
    reprs = {
        c.object_repr
        for c in client.get(reverse("core:changelog"), {"per_page": 100})
        .context["page_obj"]
        .object_list
    }
    assert world["faway"].name in reprs
    assert world["secret"].name not in reprs
    assert "保密工厂" not in reprs
    # Another user's change page is for administrators only.
    other = world["people"]["changchun_officer"]
    assert client.get(reverse("core:user_changes", args=[other.pk])).status_code == 404
    admin = login(world["superuser"])
    assert admin.get(reverse("core:user_changes", args=[other.pk])).status_code == 200


def test_api_tokens_created_shown_once_and_revoked(world, login):
    user = world["people"]["changchun_officer"]
    client = login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "ERP sync"})
    assert response.status_code == 200
    raw = response.context["raw_key"]
    assert raw.startswith("ch_") and raw in response.content.decode()
    token = ApiToken.objects.get(user=user, name="ERP sync")
    assert ApiToken.objects.authenticate(raw) == token
    # Listed afterwards by its prefix only.
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert token.prefix in listing and raw not in listing
    # Nobody else can revoke it; its owner can.
    other = login(world["people"]["siping_officer"])
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    client = login(user)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert ApiToken.objects.authenticate(raw) is None


def test_profile_shows_memberships_and_scope(world, login):
    html = login(world["people"]["changchun_officer"]).get(reverse("accounts:profile"))
    text = html.content.decode()
    assert "长春市投资促进局" in text and "220100" in text and "Officer" in text


def test_steward_creates_a_chain_node_and_edits_a_region(world, login):
    from clusterhub.chain.models import ChainNode

    client = login(world["people"]["province_admin"])
    response = client.post(
        reverse("chain:node_create"),
        {
            "code": "PRT.SEAT.FRAME",
            "name": "座椅骨架",
            "name_en": "Seat frames",
            "parent": world["seats"].pk,
            "segment": "parts",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302
    node = ChainNode.objects.get(code="PRT.SEAT.FRAME")
    assert node.path == "PRT/PRT.SEAT/PRT.SEAT.FRAME/" and node.depth == 2
    # A node in another segment than its parent is refused.
    response = client.post(
        reverse("chain:node_create"),
        {
            "code": "X1",
            "name": "错",
            "name_en": "Wrong",
            "parent": world["seats"].pk,
            "segment": "services",
            "sort_order": "0",
        },
    )
    assert response.status_code == 200 and "segment" in response.context["form"].errors
    region = world["chaoyang"]
    response = client.post(
        reverse("geo:region_edit", args=[region.code]),
        {
            "code": region.code,
            "name": region.name,
            "name_en": "Chaoyang District",
            "level": "county",
            "parent": world["changchun"].pk,
            "longitude": "125.29",
            "latitude": "43.83",
            "datum": "GCJ-02",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("geo:region_detail", args=[region.code]))
    assert {row["field"] for row in detail.context["history"][0].rows} >= {"name_en", "datum"}


def test_officer_creates_a_park_in_scope_only(world, login):
    from clusterhub.geo.models import Park

    client = login(world["people"]["changchun_officer"])
    data = {
        "code": "P-CC-1",
        "name": "长春测试园区",
        "kind": "industrial",
        "spans": [world["chaoyang"].pk],
    }
    response = client.post(reverse("geo:park_create"), {**data, "region": world["siping"].pk})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    response = client.post(reverse("geo:park_create"), {**data, "region": world["chaoyang"].pk})
    assert response.status_code == 302
    park = Park.objects.get(code="P-CC-1")
    assert list(park.spans.all()) == [world["chaoyang"]]
