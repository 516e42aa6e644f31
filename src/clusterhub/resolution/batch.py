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


def _normalise_chunk_table(job: tuple[int, list[dict]]) -> pa.Table:
    first_id, chunk = job
    return engine.records_table([normalise_record(row) for row in chunk], first_id=first_id)


def normalise_table(rows: list[dict], *, processes: int = 1) -> pa.Table:
    """The rows normalised as engine.records_to_arrow would give them (unique_id = row index)."""
    jobs = [(i, rows[i : i + CHUNK]) for i in range(0, len(rows), CHUNK)]
    if processes <= 1 or len(rows) < 2 * CHUNK:
        parts = [_normalise_chunk_table(job) for job in jobs]
    else:
        # spawn, not fork: a process that has run DuckDB holds threads a fork would deadlock on.
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            parts = list(pool.imap(_normalise_chunk_table, jobs))
    table = pa.concat_tables(parts) if parts else engine.records_table([])
    return engine.with_block_keys(table.combine_chunks())


def credit_codes_of(table: pa.Table) -> dict[int, str]:
    """unique_id -> valid credit code, for the records that have one (clustering's constraint)."""
    ids = table.column("unique_id").to_pylist()
    codes = table.column("credit_code").to_pylist()
    return {i: code for i, code in zip(ids, codes, strict=True) if code is not None}


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
    codes = credit_codes_of(table)
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
