"""Done when: importing the demo's overlapping city and OEM lists gives one registry without
duplicates (the uncertain pairs in the review queue), and decisions stick across re-imports."""

import pytest

from clusterhub.demo.real import real_entries
from clusterhub.enterprises.models import Enterprise
from clusterhub.resolution.choices import ReviewStatus
from clusterhub.resolution.demo_lists import NEIGHBOURS, NEW_COMPANIES, city_list, oem_list
from clusterhub.resolution.models import ReviewItem
from clusterhub.resolution.services import (
    accept_review,
    commit_resolutions,
    reject_review,
    resolve_rows,
)

pytestmark = pytest.mark.django_db


def _import(rows, source):
    resolutions = resolve_rows(rows=rows, source=source)
    commit_resolutions(rows=rows, resolutions=resolutions, source=source)
    return resolutions


def test_overlapping_lists_make_one_registry(registry):
    entries = real_entries()
    before = Enterprise.objects.count()
    city = _import(city_list(entries), "长春市投资促进局名单")
    oem = _import(oem_list(entries), "一汽采购供应商名单")
    # Every real company of the lists meets its registry record, automatically.
    known = {e.public_id for e in registry.values()}
    real_rows = [r for r in city + oem if r.cluster in known]
    assert all(r.decision == "auto" for r in real_rows)
    assert len(real_rows) == len(city) + len(oem) - 2 * len(NEW_COMPANIES) - len(NEIGHBOURS)
    # The two new companies are created once each (their second list may only be queued); the
    # neighbours are both created and asked about.
    created = Enterprise.objects.count() - before
    pending = ReviewItem.objects.filter(status=ReviewStatus.PENDING)
    neighbours = {name for name, *_rest in NEIGHBOURS}
    asked = [i for i in pending if {i.enterprise.name, i.candidate.name} == neighbours]
    assert len(asked) == 1
    assert created - pending.count() == len(NEW_COMPANIES) + len(NEIGHBOURS) - 1
    for item in pending:
        if item in asked:
            reject_review(item=item, user=None)
        else:
            accept_review(item=item, user=None)
    assert Enterprise.objects.count() - before == len(NEW_COMPANIES) + len(NEIGHBOURS)

    # Re-import both lists: nothing new, nothing asked again.
    items = ReviewItem.objects.count()
    _import(city_list(entries), "长春市投资促进局名单")
    _import(oem_list(entries), "一汽采购供应商名单")
    assert Enterprise.objects.count() - before == len(NEW_COMPANIES) + len(NEIGHBOURS)
    assert ReviewItem.objects.count() == items


def test_rejected_pairs_are_not_asked_again_on_reimport(registry):
    entries = real_entries()
    _import(city_list(entries), "city")
    _import(oem_list(entries), "oem")
    pending = list(ReviewItem.objects.filter(status=ReviewStatus.PENDING))
    for item in pending:
        reject_review(item=item, user=None)
    count = Enterprise.objects.count()
    _import(oem_list(entries), "oem")
    assert ReviewItem.objects.filter(status=ReviewStatus.PENDING).count() == 0
    assert Enterprise.objects.count() == count
