"""The admin reads and writes through the same restrictions as the pages."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from clusterhub.core.models import ObjectChange


def make_staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_admin_list_and_change_view_are_restricted(world, client):
    siping = make_staff(world["people"]["siping_officer"], "view_enterprise", "change_enterprise")
    client.force_login(siping)
    listing = client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert listing.status_code == 200
    shown = set(listing.context["cl"].result_list)
    assert world["faway"] in shown
    assert world["secret"] not in shown
    # The search cannot find it either.
    found = client.get(reverse("admin:enterprises_enterprise_changelist"), {"q": "保密"})
    assert world["secret"] not in set(found.context["cl"].result_list)
    # Its change page behaves like a record that does not exist.
    url = reverse("admin:enterprises_enterprise_change", args=[world["secret"].pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    missing = client.get(reverse("admin:enterprises_enterprise_change", args=[999999]))
    assert missing.status_code == 302 and missing["Location"] == response["Location"]
    # A Changchun public record is visible but read-only for a Siping officer.
    response = client.get(reverse("admin:enterprises_enterprise_change", args=[world["faway"].pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    # ... and a Siping record is editable.
    siping_url = reverse("admin:enterprises_enterprise_change", args=[world["siping_co"].pk])
    assert client.get(siping_url).context["has_change_permission"] is True


def test_admin_change_is_logged_with_the_admin_source(world, client):
    client.force_login(world["superuser"])
    faway = world["faway"]
    url = reverse("admin:geo_region_change", args=[world["chaoyang"].pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"name": "朝阳区（改）", "parent": world["changchun"].pk})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = ObjectChange.objects.filter(object_repr="朝阳区（改）").get()
    assert change.source == "admin" and change.user == world["superuser"]
    assert faway  # the world is intact


def test_change_log_in_admin_is_read_only_and_restricted(world, client):
    siping = make_staff(world["people"]["siping_officer"], "view_objectchange")
    client.force_login(siping)
    listing = client.get(reverse("admin:core_objectchange_changelist"))
    assert listing.status_code == 200
    reprs = {c.object_repr for c in listing.context["cl"].result_list}
    assert world["faway"].name in reprs
    assert world["secret"].name not in reprs
    change = ObjectChange.objects.filter(object_repr=world["faway"].name).first()
    page = client.get(reverse("admin:core_objectchange_change", args=[change.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert client.get(reverse("admin:core_objectchange_add")).status_code == 403
