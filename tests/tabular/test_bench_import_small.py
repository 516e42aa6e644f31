"""A small run of `./run bench import`, so the benchmark script keeps working."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_small_import_benchmark_creates_then_leaves_every_row_unchanged(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own SQLite
    env["CLUSTERHUB_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_import.py"), "--rows", "120"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    out = result.stdout
    assert "create=120" in out
    assert "unchanged=120" in out
    assert "enterprises in the database: 120" in out  # the baseline's rows were rolled back
    assert "baseline: bare load" in out
    assert "first import (dry run + commit) / baseline:" in out
