"""core.bulk: many new records written at once (COPY on PostgreSQL, bulk_create elsewhere), with
their keys set, their time stamps filled in, and the change log written for them."""

from decimal import Decimal

import pytest

from clusterhub.core.bulk import bulk_insert
from clusterhub.core.changelog import log_bulk_create
from clusterhub.core.models import ObjectChange
from clusterhub.geo.models import Region

pytestmark = pytest.mark.django_db


def test_bulk_insert_sets_keys_and_stamps_and_logs():
    province = Region.objects.create(code="990000", name="测试省", level="province")
    regions = [
        Region(
            code=f"99{n:02d}00",
            name=f"测试市{n}",
            level="prefecture",
            parent=province,
            path=f"990000/99{n:02d}00/",
            longitude=Decimal("125.5"),
        )
        for n in range(1, 4)
    ]
    assert bulk_insert(Region, regions) == regions
    assert all(r.pk is not None and not r._state.adding for r in regions)
    stored = Region.objects.in_bulk([r.pk for r in regions])
    for region in regions:
        row = stored[region.pk]
        assert (row.code, row.name, row.parent_id, row.path) == (
            region.code,
            region.name,
            province.pk,
            region.path,
        )
        assert row.longitude == Decimal("125.5") and row.created and row.updated
    # The sequence moved on: the next ordinary insert does not collide.
    later = Region.objects.create(code="999900", name="之后", level="prefecture", parent=province)
    assert later.pk > max(r.pk for r in regions)

    log_bulk_create(regions)
    entries = ObjectChange.objects.filter(content_type__model="region", action="create")
    logged = {e.object_id: e for e in entries}
    for region in regions:
        entry = logged[str(region.pk)]
        assert entry.after["code"] == region.code and entry.before is None
        assert entry.object_repr and entry.time is not None
