"""`clusterhub load_demo` runs the resolution demo: the overlapping city and OEM lists imported
through resolution give one registry without duplicates and a review queue; a second run does
nothing; reset removes what the lists added."""

import pytest

from clusterhub.core.models import ObjectChange
from clusterhub.demo.loader import APP_DEMOS
from clusterhub.enterprises.models import Enterprise
from clusterhub.resolution.choices import ReviewStatus
from clusterhub.resolution.demo import SOURCES, load_resolution_demo, reset_resolution_demo
from clusterhub.resolution.demo_lists import NEIGHBOURS, NEW_COMPANIES
from clusterhub.resolution.models import FieldProvenance, ReviewItem

pytestmark = pytest.mark.django_db


def test_load_demo_runs_the_resolution_demo():
    assert any(label == "resolution" for label, *_rest in APP_DEMOS)


def test_lists_make_one_registry_and_a_review_queue(registry):
    real = {key: e.public_id for key, e in registry.items()}
    before = Enterprise.objects.count()
    result = load_resolution_demo()
    assert result["created"] is True, result
    # Every real company is still one record, and only the lists' new companies were added
    # (once each; a second name of one of them may wait in the queue, not merged unasked).
    assert all(Enterprise.objects.filter(public_id=pid).count() == 1 for pid in real.values())
    created = Enterprise.objects.count() - before
    pending = ReviewItem.objects.filter(status=ReviewStatus.PENDING, source__in=SOURCES)
    assert pending.exists()
    assert created - pending.count() == len(NEW_COMPANIES) + len(NEIGHBOURS) - 1
    neighbours = {name for name, *_rest in NEIGHBOURS}
    assert any({i.enterprise.name, i.candidate.name} == neighbours for i in pending)
    # The names the lists gave are remembered with their source.
    fawer = registry["fawer"]
    assert FieldProvenance.objects.filter(enterprise=fawer, source__in=SOURCES).exists()

    changes = ObjectChange.objects.count()
    assert load_resolution_demo() == {"created": False}
    assert ObjectChange.objects.count() == changes

    reset_resolution_demo()
    assert Enterprise.objects.count() == before
    assert not ReviewItem.objects.exists()
    assert not FieldProvenance.objects.filter(source__in=SOURCES).exists()
