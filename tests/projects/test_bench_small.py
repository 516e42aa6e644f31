"""The projects benchmark at a small size: the same data generator, pages and import as
`./run bench projects`, asserting what does not depend on the machine: the number of queries of
the cockpit and of the list does not grow with the number of projects, and the import of a
generated bureau list commits every row."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.slow]

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_projects.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_projects", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_query_counts_do_not_grow_with_projects(bench):
    from django.core.cache import cache

    cache.clear()
    small = bench.populate(projects=100, events=500, investors=40)
    before = {
        (r["user"], r["page"]): r["queries"] for r in bench.measure_pages(small["users"], repeat=1)
    }
    large = bench.populate(projects=400, events=2000, investors=40)
    after = {
        (r["user"], r["page"]): r["queries"] for r in bench.measure_pages(large["users"], repeat=1)
    }
    assert after == before
    assert (
        before[("bench_province_viewer", "cockpit (cold)")]
        > before[("bench_province_viewer", "cockpit (cached)")]
    )


def test_generated_bureau_list_imports(bench, tmp_path, settings):
    from clusterhub.projects.models import Project
    from clusterhub.tabular.services import commit_import, preview_import

    bench.base_records(investors=40)
    path = tmp_path / "projects.xlsx"
    bench.write_xlsx(path, 120, investors=40)
    job = preview_import(user=None, kind="projects", file=path, system=True, background=False)
    assert job.result["errors"] == [], job.result["errors"][:3]
    assert job.result["counts"]["conversions"] > 0  # the 万元 cells in the 亿元 column
    commit_import(user=None, job=job, system=True, background=False)
    assert Project.objects.filter(code__startswith="IMP").count() == 120
    # The import's baseline (a plain bulk_create of as many projects) runs and cleans up.
    plain = bench.measure_plain_insert(120, investors=40)
    assert plain["seconds"] >= 0 and plain["cpu_seconds"] >= 0
    assert not Project.objects.filter(code__startswith="PLAIN").exists()
