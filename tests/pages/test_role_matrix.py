"""The role matrix through the pages: a Siping officer cannot list, read, change, export or
guess the id of a Changchun confidential enterprise; a viewer cannot edit; creation only inside
the regions a user covers."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusterhub.enterprises.models import Enterprise


def exported_names(response) -> set[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    name_column = rows[0].index("Registered name")
    return {row[name_column] for row in rows[1:]}


def test_siping_officer_cannot_reach_a_changchun_confidential_enterprise(world, login):
    client = login(world["people"]["siping_officer"])
    secret = world["secret"]
    urls = [
        reverse("enterprises:detail", args=[secret.public_id]),
        reverse("enterprises:edit", args=[secret.public_id]),
        reverse("enterprises:delete", args=[secret.public_id]),
        reverse("enterprises:site_create", args=[secret.public_id]),
        reverse("enterprises:site_detail", args=[world["secret_site"].pk]),
        reverse("enterprises:site_edit", args=[world["secret_site"].pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # A guessed id is the same 404 as an id that does not exist: nothing confirms it exists.
    assert client.get(reverse("enterprises:detail", args=["E000000000"])).status_code == 404
    assert (
        client.post(
            reverse("enterprises:edit", args=[secret.public_id]), {"name": "hijacked"}
        ).status_code
        == 404
    )
    secret.refresh_from_db()
    assert secret.name == "长春保密配套有限公司"
    # Not in the list, nor in a search by name, pinyin, credit code or public id, nor an export.
    for query in ("", "保密", "changchunbaomi", secret.public_id):
        listing = client.get(reverse("enterprises:list"), {"q": query})
        assert secret not in listing.context["object_list"], query
        assert secret.name not in listing.content.decode(), query
        names = exported_names(client.get(reverse("enterprises:export"), {"q": query}))
        assert secret.name not in names, query
    # Not in the site list, nor the chain node's enterprises, nor the site export.
    sites = client.get(reverse("enterprises:site_list"))
    assert world["secret_site"] not in sites.context["object_list"]
    node = client.get(reverse("chain:node_detail", args=["PRT.SEAT"]))
    assert secret not in node.context["page_obj"].object_list
    assert "保密" not in node.content.decode()
    # Its supply link does not show on the customer's page either.
    fawvw = client.get(reverse("enterprises:detail", args=[world["fawvw"].public_id]))
    assert all(link.supplier_id != secret.pk for link in fawvw.context["purchases"])
    assert fawvw.context["purchases_summary"]["n"] == 1


def test_changchun_officer_sees_and_edits_it(world, login):
    client = login(world["people"]["changchun_officer"])
    secret = world["secret"]
    assert client.get(reverse("enterprises:detail", args=[secret.public_id])).status_code == 200
    listing = client.get(reverse("enterprises:list"), {"q": "保密"})
    assert list(listing.context["object_list"]) == [secret]
    assert secret.name in exported_names(client.get(reverse("enterprises:export")))
    assert client.get(reverse("enterprises:edit", args=[secret.public_id])).status_code == 200
    # An officer may change but not delete (deleting needs a manager).
    assert client.get(reverse("enterprises:delete", args=[secret.public_id])).status_code == 404


def test_viewer_cannot_edit(world, login):
    client = login(world["people"]["changchun_viewer"])
    faway = world["faway"]
    detail = client.get(reverse("enterprises:detail", args=[faway.public_id]))
    assert detail.status_code == 200
    assert b'id="edit-enterprise"' not in detail.content
    assert client.get(reverse("enterprises:edit", args=[faway.public_id])).status_code == 404
    response = client.post(
        reverse("enterprises:edit", args=[faway.public_id]), {"name": "x", "kind": "tier1"}
    )
    assert response.status_code == 404
    assert client.get(reverse("enterprises:create")).status_code == 404
    assert client.get(reverse("geo:park_edit", args=["AUTOCITY"])).status_code == 404
    assert client.get(reverse("chain:node_edit", args=["PRT.SEAT"])).status_code == 404


def test_officer_creates_only_inside_their_region(world, login):
    client = login(world["people"]["siping_officer"])
    data = {
        "name": "四平新建零部件有限公司",
        "kind": "tier2",
        "home_country": "CN",
        "confidentiality": "internal",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    response = client.post(
        reverse("enterprises:create"), {**data, "home_region": world["changchun"].pk}
    )
    assert response.status_code == 200  # the form again, with the region refused
    assert "home_region" in response.context["form"].errors
    assert not Enterprise.objects.filter(name=data["name"]).exists()
    response = client.post(
        reverse("enterprises:create"), {**data, "home_region": world["siping"].pk}
    )
    assert response.status_code == 302
    created = Enterprise.objects.get(name=data["name"])
    assert response["Location"] == created.get_absolute_url()


def test_regions_and_chain_are_edited_by_data_stewards_only(world, login):
    client = login(world["people"]["changchun_officer"])
    assert client.get(reverse("geo:region_edit", args=["220100"])).status_code == 404
    assert client.get(reverse("geo:region_create")).status_code == 404
    assert client.get(reverse("chain:node_create")).status_code == 404
    client = login(world["people"]["province_admin"])
    assert client.get(reverse("geo:region_edit", args=["220100"])).status_code == 200
    assert client.get(reverse("chain:node_create")).status_code == 200


@pytest.mark.parametrize(
    "url_name", ["enterprises:export", "enterprises:site_export", "geo:park_export"]
)
def test_exports_need_sign_in(world, client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
