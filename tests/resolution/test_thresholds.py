"""The thresholds are settings (and environment variables), used by resolution and shown with
the precision measured at them on the review pages."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import reverse

from clusterhub.resolution.services import resolve_rows, thresholds

pytestmark = pytest.mark.django_db


def test_thresholds_come_from_the_environment():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clusterhub.settings"}
    env["CLUSTERHUB_RESOLUTION_AUTO_MERGE"] = "0.95"
    env["CLUSTERHUB_RESOLUTION_REVIEW"] = "0.5"
    code = (
        "from django.conf import settings as s; "
        "print(s.CLUSTERHUB_RESOLUTION_AUTO_MERGE, s.CLUSTERHUB_RESOLUTION_REVIEW)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0.95", "0.5"]


@override_settings(CLUSTERHUB_RESOLUTION_AUTO_MERGE=0.2, CLUSTERHUB_RESOLUTION_REVIEW=0.7)
def test_review_threshold_never_above_the_auto_merge_one():
    assert thresholds() == (0.2, 0.2)


def test_a_higher_auto_merge_threshold_sends_a_pair_to_review(fawer):
    row = [{"name": "富奥公司", "city": "长春"}]  # scored about 0.99 against FAWER
    assert resolve_rows(rows=row)[0].decision == "auto"
    with override_settings(CLUSTERHUB_RESOLUTION_AUTO_MERGE=0.9999):
        resolution = resolve_rows(rows=row)[0]
    assert resolution.decision == "review" and resolution.candidate == fawer


def test_queue_page_shows_thresholds_with_their_measured_precision(client, people):
    client.force_login(people["changchun_officer"])
    html = client.get(reverse("resolution:index")).content.decode()
    assert 'data-auto="0.9" data-review="0.3"' in html
    assert "0.9969" in html  # precision measured at 0.9 (calibration.json)
    with override_settings(CLUSTERHUB_RESOLUTION_AUTO_MERGE=0.8):
        html = client.get(reverse("resolution:index")).content.decode()
    assert 'data-auto="0.8"' in html
    assert "0.9963" in html  # precision measured at 0.8
    with override_settings(CLUSTERHUB_RESOLUTION_AUTO_MERGE=0.85):
        html = client.get(reverse("resolution:index")).content.decode()
    assert "0.80" in html or "0.90" in html  # the nearest measured threshold, said so
