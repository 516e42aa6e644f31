"""The scheduler benchmark at a small size: the same code path as `./run bench schedule`."""

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_schedule.py"


def test_small_benchmark_meets_its_targets(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_schedule", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "rows.json"
    assert bench.main(["--quick", "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text())
    assert all(row[k]["checked"] for k in ("plain", "preview", "scheduler"))
    assert row["plain"]["value"] <= row["scheduler"]["value"] <= row["bound"] + 1e-6
    assert row["scheduler"]["gap"] <= 0.01
    assert row["scheduler"]["covered"] == row["scheduler"]["askers"]
