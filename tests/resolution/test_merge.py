"""Merging keeps every link, the old id and the history, and undoing restores both records."""

import pytest
from django.core.exceptions import ValidationError

from clusterhub.chain.models import SupplyLink
from clusterhub.core.models import ObjectChange
from clusterhub.enterprises.models import Enterprise, EnterpriseAlias, Site
from clusterhub.resolution.models import FieldProvenance, Merge, MergedId, PairDecision, ReviewItem
from clusterhub.resolution.services import (
    accept_review,
    flag_same_company,
    merge_enterprises,
    resolve_public_id,
    undo_merge,
)
from tests.factories import EnterpriseFactory, SiteFactory, SupplyLinkFactory

from .conftest import FAWER_CODE, OTHER_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(fawer, jilin):
    duplicate = EnterpriseFactory(
        name="富奥股份有限公司",
        name_en="",
        short_name="",
        credit_code=FAWER_CODE,
        website="https://fawer.com.cn",
        home_region=jilin["changchun"],
    )
    EnterpriseAlias.objects.create(enterprise=duplicate, name="FAWER", kind="english")
    site = SiteFactory(enterprise=duplicate, name="富奥二厂")
    link = SupplyLinkFactory(supplier=duplicate)
    FieldProvenance.objects.create(enterprise=duplicate, field="name", value="富奥股份", source="x")
    return fawer, duplicate, site, link


def test_merge_moves_links_keeps_old_id_and_logs(pair, people):
    survivor, absorbed, site, link = pair
    old_id = absorbed.public_id
    merge = merge_enterprises(survivor=survivor, absorbed=absorbed, user=people["province_admin"])
    assert not Enterprise.objects.filter(public_id=old_id).exists()
    survivor.refresh_from_db()
    assert survivor.credit_code == FAWER_CODE  # a blank filled from the absorbed record
    assert survivor.website == "https://fawer.com.cn"
    assert Site.objects.get(pk=site.pk).enterprise == survivor
    assert SupplyLink.objects.get(pk=link.pk).supplier == survivor
    assert FieldProvenance.objects.filter(enterprise=survivor, value="富奥股份").exists()
    assert "富奥股份有限公司" in survivor.aliases.values_list("name", flat=True)
    # The duplicate alias FAWER is kept once.
    assert survivor.aliases.filter(name="FAWER").count() == 1
    assert resolve_public_id(old_id) == survivor
    assert MergedId.objects.get(old_public_id=old_id).merge == merge
    assert ObjectChange.objects.filter(action="delete", object_id=str(absorbed.pk)).exists()
    assert ObjectChange.objects.filter(object_repr__contains=old_id).exists()


def test_undo_restores_both_records_and_their_links(pair, people):
    survivor, absorbed, site, link = pair
    old_id, old_pk = absorbed.public_id, absorbed.pk
    aliases_before = set(survivor.aliases.values_list("name", flat=True))
    merge = merge_enterprises(survivor=survivor, absorbed=absorbed, user=None)
    restored = undo_merge(merge=merge, user=people["province_admin"])
    assert (restored.pk, restored.public_id) == (old_pk, old_id)
    assert restored.credit_code == FAWER_CODE
    survivor.refresh_from_db()
    assert survivor.credit_code is None and survivor.website == ""
    assert set(survivor.aliases.values_list("name", flat=True)) == aliases_before
    assert set(restored.aliases.values_list("name", flat=True)) == {"FAWER"}
    assert Site.objects.get(pk=site.pk).enterprise_id == old_pk
    assert SupplyLink.objects.get(pk=link.pk).supplier_id == old_pk
    assert FieldProvenance.objects.filter(enterprise=restored).count() == 1
    assert not MergedId.objects.exists()
    assert resolve_public_id(old_id) == restored
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(ValidationError):
        undo_merge(merge=merge, user=None)


def test_never_merges_two_valid_different_codes(fawer, jilin):
    fawer.credit_code = FAWER_CODE
    fawer.save()
    other = EnterpriseFactory(credit_code=OTHER_CODE, home_region=jilin["changchun"])
    with pytest.raises(ValidationError):
        merge_enterprises(survivor=fawer, absorbed=other)
    assert Merge.objects.count() == 0


def test_flag_accept_and_undo(fawer, faway, people):
    user = people["changchun_officer"]
    item = flag_same_company(user=user, enterprise=faway, other=fawer, note="same?")
    assert item.flagged_by == user
    assert item.region.name == "长春市"
    with pytest.raises(ValidationError):
        flag_same_company(user=user, enterprise=fawer, other=faway)  # already queued
    merge = accept_review(item=item, user=user)
    assert PairDecision.objects.filter(decision="accept").exists()
    assert Enterprise.objects.filter(pk__in=[fawer.pk, faway.pk]).count() == 1
    undo_merge(merge=merge, user=user)
    assert Enterprise.objects.filter(pk__in=[fawer.pk, faway.pk]).count() == 2
    item.refresh_from_db()
    assert item.status == "undone"
    # The withdrawn accept no longer forces the pair together.
    assert not PairDecision.objects.filter(decision="accept").exists()


def test_registry_check_queues_duplicates_never_merges(fawer, jilin):
    from clusterhub.resolution.services import check_registry
    from clusterhub.resolution.tasks import check_registry_task

    twin = EnterpriseFactory(
        name="富奥汽车零部件（长春）有限公司",
        name_en="",
        short_name="",
        home_region=jilin["changchun"],
    )
    EnterpriseFactory(name="四平丙丁铸造有限公司", name_en="", home_region=jilin["siping"])
    [item] = check_registry()
    assert {item.enterprise, item.candidate} == {fawer, twin}
    assert item.kind == "registry" and item.status == "pending"
    assert Enterprise.objects.filter(pk=twin.pk).exists()
    # Run again (as the background task): the pair is not queued twice.
    check_registry_task.enqueue()
    assert ReviewItem.objects.count() == 1
