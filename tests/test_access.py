"""The access rules, model by model: who may view, change and delete which records."""

import pytest

from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.models import Enterprise

from .factories import EnterpriseFactory


@pytest.fixture
def records(jilin):
    return {
        level: {
            city: EnterpriseFactory(
                name=f"{city}-{level}", home_region=jilin[city], confidentiality=level
            )
            for city in ("changchun", "siping")
        }
        for level in Confidentiality.values
    }


VIEW_MATRIX = {
    # user: which (level, city) records they see
    "province_admin": {(lvl, c) for lvl in Confidentiality.values for c in ("changchun", "siping")},
    "province_viewer": {
        (lvl, c) for lvl in Confidentiality.values for c in ("changchun", "siping")
    },
    "changchun_officer": {
        ("public", "changchun"),
        ("public", "siping"),
        ("internal", "changchun"),
        ("internal", "siping"),
        ("confidential", "changchun"),
    },
    "siping_officer": {
        ("public", "changchun"),
        ("public", "siping"),
        ("internal", "changchun"),
        ("internal", "siping"),
        ("confidential", "siping"),
    },
    "supplier": {("public", "changchun"), ("public", "siping")},
}


@pytest.mark.parametrize("who", sorted(VIEW_MATRIX))
def test_view_matrix(people, records, who):
    visible = set(Enterprise.objects.restrict(people[who], "view").values_list("name", flat=True))
    assert visible == {f"{city}-{level}" for level, city in VIEW_MATRIX[who]}


def test_change_needs_officer_role_inside_scope(people, records):
    changeable = set(
        Enterprise.objects.restrict(people["changchun_officer"], "change").values_list(
            "name", flat=True
        )
    )
    assert changeable == {f"changchun-{lvl}" for lvl in Confidentiality.values}
    assert not Enterprise.objects.restrict(people["changchun_viewer"], "change").exists()
    # Deleting needs a manager: an officer may change but not delete.
    assert not Enterprise.objects.restrict(people["changchun_officer"], "delete").exists()


def test_anonymous_sees_nothing(records):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.restrict(AnonymousUser(), "view").exists()


def test_supplier_changes_own_profile_only(people, records, jilin):
    own = EnterpriseFactory(name="own", home_region=jilin["siping"], confidentiality="confidential")
    people["orgs"]["supplier"].enterprise = own
    people["orgs"]["supplier"].save()
    user = people["supplier"]
    assert list(Enterprise.objects.restrict(user, "change")) == [own]
    assert own in Enterprise.objects.restrict(user, "view")


def test_supply_links_belong_to_both_sides(people, jilin):
    """The buyer's purchasing department sees its (internal) purchases; others' stay hidden."""
    from clusterhub.chain.models import SupplyLink

    from .factories import SupplyLinkFactory

    group = EnterpriseFactory(name="集团", kind="group", home_region=jilin["changchun"])
    plant_company = EnterpriseFactory(name="整车厂", kind="oem", group=group)
    bought = SupplyLinkFactory(customer=plant_company, confidentiality="internal")
    SupplyLinkFactory(confidentiality="internal")  # someone else's purchase
    buyer_org = people["orgs"]["supplier"]
    buyer_org.enterprise = group
    buyer_org.save()
    assert list(SupplyLink.objects.restrict(people["supplier"], "view")) == [bought]
