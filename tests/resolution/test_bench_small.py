"""The resolve benchmark at a small size: it runs end to end and the normalised model beats both
baselines (figures at full size: benchmarks/README.md)."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_resolve.py"


def test_bench_resolve_small(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_resolve", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = bench.main(
        ["--quality", "3000", "--speed", "3000", "--json", str(tmp_path / "r.json")]
    )
    quality = report["quality"]
    chosen = next(g for g in quality["grid"] if g["auto"] == report["auto"])
    assert chosen["precision"] >= 0.99
    assert chosen["recall"] >= 0.95
    assert chosen["recall_with_review"] >= chosen["recall"]
    assert chosen["f1"] > quality["plain_splink"]["f1"]
    assert chosen["f1"] > quality["exact_normalised_name"]["f1"]
    assert report["speed"]["records"] == 3000 and report["speed"]["wall_s"] > 0
    assert report["plain_speed"]["records"] == 3000
    # The floor proposes at least the pairs the engine scored (blocking is the same).
    assert report["floor"]["pairs"] >= report["speed"]["edges"] > 0
    assert (tmp_path / "r.json").exists()
