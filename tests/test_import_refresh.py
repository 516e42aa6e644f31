"""A committed import of enterprises or supply links asks for a chain analytics refresh."""

from unittest import mock

import pytest

from clusterhub.tabular.models import ImportJob
from clusterhub.tabular.signals import import_committed


@pytest.mark.parametrize(("kind", "refreshes"), [("supply-links", True), ("projects", False)])
def test_committed_import_requests_a_refresh(db, kind, refreshes):
    job = ImportJob(kind=kind)
    with mock.patch("clusterhub.chain.services._enqueue_refresh") as enqueue:
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            import_committed.send(sender=ImportJob, job=job)
    assert enqueue.called is refreshes
