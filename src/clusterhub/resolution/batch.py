"""Resolution of large record sets without the database: the benchmark and national-scale runs.

    result = resolve_records(rows, processes=2)      # rows: canonical dicts
    result.clusters[i]                               # the cluster root of row i

Normalisation runs in worker processes (it is Python: pinyin, regular expressions), which hand
back Arrow tables (a million dicts would cost more to pickle and rebuild than to normalise);
scoring runs in DuckDB (or Spark) through Splink; clustering is engine.cluster.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field

import pyarrow as pa

from . import engine
from .normalise import normalise_record

CHUNK = 20_000


def _normalise_chunk(chunk: list[dict]) -> list[dict]:
    return [normalise_record(row) for row in chunk]


def _normalise_chunk_table(job: tuple[int, list[dict]]) -> pa.Table:
    first_id, chunk = job
    return engine.records_table(_normalise_chunk(chunk), first_id=first_id)


def _pool(processes: int):
    # spawn, not fork: a process that has run DuckDB holds threads a fork would deadlock on.
    return multiprocessing.get_context("spawn").Pool(processes)


def normalise_rows(rows: list[dict], *, processes: int = 1) -> list[dict]:
    """normalise_record for every row, in order, with `processes` workers."""
    if processes <= 1 or len(rows) < 2 * CHUNK:
        records = _normalise_chunk(rows)
    else:
        chunks = [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]
        with _pool(processes) as pool:
            records = [r for part in pool.imap(_normalise_chunk, chunks) for r in part]
    for i, record in enumerate(records):
        record["unique_id"] = i
    return records


def normalise_table(rows: list[dict], *, processes: int = 1) -> pa.Table:
    """The rows normalised as engine.records_to_arrow would give them (unique_id = row index)."""
    jobs = [(i, rows[i : i + CHUNK]) for i in range(0, len(rows), CHUNK)]
    if processes <= 1 or len(rows) < 2 * CHUNK:
        parts = [_normalise_chunk_table(job) for job in jobs]
    else:
        with _pool(processes) as pool:
            parts = list(pool.imap(_normalise_chunk_table, jobs))
    table = pa.concat_tables(parts) if parts else engine.records_table([])
    return engine.with_block_keys(table.combine_chunks())


@dataclass
class BatchResult:
    clusters: list[int]
    edges: list[tuple[int, int, float, bool]]
    clustering: engine.Clustering
    timings: dict[str, float] = field(default_factory=dict)
    table: pa.Table | None = None


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
    table = normalise_table(rows, processes=processes)
    timings["normalise"] = time.perf_counter() - start
    start = time.perf_counter()
    codes = {
        i: code
        for i, code in enumerate(table.column("credit_code").to_pylist())
        if code is not None
    }
    edges = engine.score_records(table, review=review, backend=backend, spark=spark)
    timings["score"] = time.perf_counter() - start
    start = time.perf_counter()
    ids = list(range(table.num_rows))
    clustering = engine.cluster(ids, edges, auto=auto, review=review, credit_codes=codes)
    timings["cluster"] = time.perf_counter() - start
    clusters = [clustering.root[i] for i in ids]
    return BatchResult(
        clusters=clusters, edges=edges, clustering=clustering, timings=timings, table=table
    )
