"""`clusterhub chain report|refresh`, snapshot versions and the refresh request."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from clusterhub.chain.analytics import snapshot


def run(*args) -> str:
    out = io.StringIO()
    call_command("chain", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def faw(world):
    faw = world.oem("一汽")
    world.link(world.company("长春制动", "chaoyang"), faw, "PRT.CHS.BRK", 100)
    world.link(world.company("沈阳制动", "shenyang"), faw, "PRT.CHS.BRK", 300)
    return faw


def test_report_json_computes_the_first_snapshot(faw):
    assert snapshot.current() is None
    answer = json.loads(run("report", "--region", "220000", "--year", "2024", "--json"))
    assert snapshot.current() is not None
    assert answer["region"]["code"] == "220000" and answer["year"] == 2024
    assert answer["rate"]["rate_value"] == 0.25
    assert answer["gaps"][-1]["code"] == "PRT.CHS.BRK" and answer["gaps"][-1]["class"] == "weak"
    assert answer["audience"] == "all"
    only = json.loads(
        run("report", "--region", "220000", "--year", "2024", "--oem", faw.public_id, "--json")
    )
    assert only["oems"][0]["public_id"] == faw.public_id
    assert json.loads(run("report", "--region", "220000", "--weak", "20", "--json"))[
        "thresholds"
    ] == {"weak": "0.200", "single_source": "0.700"}


def test_report_text_and_errors(faw):
    text = run("report", "--region", "220000", "--year", "2024")
    assert "25.0%" in text and "PRT.CHS.BRK" in text
    with pytest.raises(CommandError, match="999999"):
        run("report", "--region", "999999")
    with pytest.raises(CommandError, match="ENOPE"):
        run("report", "--region", "220000", "--oem", "ENOPE")


def test_refresh_publishes_a_new_version_atomically_and_keeps_one_before(faw, world):
    run("refresh")
    first = snapshot.current().version
    world.link(world.company("四平制动", "siping"), faw, "PRT.CHS.BRK", 600)
    summary = json.loads(run("refresh", "--json"))
    second = snapshot.current()
    assert summary["version"] == second.version != first
    assert summary["counts"]["links"] == 3
    # The customer -> supplier graph is ready before any page asks for it.
    assert (second.graph_dir / "in_idx.npy").exists() and summary["upward_graph_seconds"] >= 0
    run("refresh")
    versions = sorted(p.name for p in snapshot.snapshots_dir().iterdir())
    assert first not in versions and second.version in versions and len(versions) == 2
    assert not [p for p in snapshot.snapshots_dir().iterdir() if p.name.startswith(".tmp")]
    answer = json.loads(run("report", "--region", "220000", "--year", "2024", "--json"))
    assert answer["rate"]["rate_value"] == 0.7  # (100 + 600) / 1000 with the new link


def test_a_failed_refresh_leaves_the_current_snapshot(faw, monkeypatch):
    run("refresh")
    before = snapshot.current().version

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("clusterhub.chain.analytics.engine.recompute", broken)
    with pytest.raises(RuntimeError):
        run("refresh")
    assert snapshot.current().version == before
    assert not [p for p in snapshot.snapshots_dir().iterdir() if p.name.startswith(".tmp")]


def test_request_refresh_runs_after_commit(faw, django_capture_on_commit_callbacks):
    from clusterhub.chain.services import request_refresh

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_refresh()
    assert snapshot.current() is None  # nothing before the commit
    for callback in callbacks:
        callback()
    assert snapshot.current() is not None


def test_request_refresh_enqueues_once_with_the_database_backend(faw, settings):
    from django_tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    from clusterhub.chain.services import _enqueue_refresh

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    _enqueue_refresh()
    _enqueue_refresh()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert snapshot.current() is None  # queued for the worker, not run here
