"""Resolution of large record sets without the database: the benchmark and national-scale runs.

    result = resolve_records(rows, processes=2)      # rows: canonical dicts
    result.clusters[i]                               # the cluster root of row i

Normalisation runs in worker processes (it is Python: pinyin, regular expressions); scoring runs
in DuckDB (or Spark) through Splink; clustering is engine.cluster.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field

from . import engine
from .normalise import normalise_record

CHUNK = 20_000


def _normalise_chunk(chunk: list[dict]) -> list[dict]:
    return [normalise_record(row) for row in chunk]


def normalise_rows(rows: list[dict], *, processes: int = 1) -> list[dict]:
    """normalise_record for every row, in order, with `processes` workers."""
    if processes <= 1 or len(rows) < 2 * CHUNK:
        records = _normalise_chunk(rows)
    else:
        chunks = [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]
        # spawn, not fork: a process that has run DuckDB holds threads a fork would deadlock on.
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            records = [r for part in pool.imap(_normalise_chunk, chunks) for r in part]
    for i, record in enumerate(records):
        record["unique_id"] = i
    return records


@dataclass
class BatchResult:
    clusters: list[int]
    edges: list[tuple[int, int, float, bool]]
    clustering: engine.Clustering
    timings: dict[str, float] = field(default_factory=dict)


def resolve_records(
    rows: list[dict],
    *,
    auto: float,
    review: float,
    processes: int = 2,
    backend: str = "duckdb",
    spark=None,
) -> BatchResult:
    timings = {}
    start = time.perf_counter()
    records = normalise_rows(rows, processes=processes)
    timings["normalise"] = time.perf_counter() - start
    start = time.perf_counter()
    table = engine.records_to_arrow(records)
    codes = {r["unique_id"]: r.get("credit_code") for r in records}
    del records
    timings["arrow"] = time.perf_counter() - start
    start = time.perf_counter()
    edges = engine.score_records(table, review=review, backend=backend, spark=spark)
    timings["score"] = time.perf_counter() - start
    start = time.perf_counter()
    ids = list(range(table.num_rows))
    clustering = engine.cluster(ids, edges, auto=auto, review=review, credit_codes=codes)
    timings["cluster"] = time.perf_counter() - start
    clusters = [clustering.root[i] for i in ids]
    return BatchResult(clusters=clusters, edges=edges, clustering=clustering, timings=timings)
