"""The chain benchmark, end to end on a small network, so it never rots."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_chain.py"


@pytest.fixture
def bench():
    spec = importlib.util.spec_from_file_location("bench_chain", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.django_db
def test_small_benchmark_runs_and_checks_itself(bench, tmp_path):
    result = bench.main(
        [
            "--links", "20000", "--enterprises", "2000", "--nodes", "60", "--regions", "400",
            "--out", str(tmp_path / "net"), "--inline", "--sample", "0.05",
        ]
    )  # fmt: skip
    generated = result["generate"]
    assert 15_000 < generated["counts"]["links"] <= 20_000
    assert sum(generated["bad_rows"].values()) > 0  # bad rows on purpose...
    assert result["recompute"]["rejects"]["skipped"] > 0  # ...skipped and reported
    assert result["floor"]["provinces"] == 31
    closure = result["closure"]
    assert closure["oem_upstream_all_years"]["reached"] > 100
    # Our walks find exactly what networkx finds on the same graph.
    assert result["ratios"]["oem_upstream_all_years_same_result"] is True
    assert result["ratios"]["supplier_downstream_all_years_same_result"] is True
    orm = result["orm"]
    assert orm["equal"], orm["problems"]
    assert orm["comparisons"] >= 20 and orm["links_compared"] > 100
