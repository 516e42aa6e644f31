"""Every metric of the chain analytics, computed by DuckDB in-process over one snapshot directory.

A snapshot is a directory of Parquet files with the schemas below (written by `snapshot.export` from
the database, or by the benchmark's generator straight from numpy). `recompute()` computes every
metric for every region at every level, every year and both audiences, and writes the results next
to the snapshot; `Results` reads them back (filtered by region and year, a few milliseconds);
`compute_scoped()` runs the same SQL for one explicit set of customer OEMs.

Definitions (the ORM oracle in `oracle.py` implements the same ones in plain Django queries):
- Valid link: value present and >= 0, a known chain node, a year, supplier != customer. Other links
  are skipped and counted by reason in `rejects`.
- Buying site of a link: the customer site's region, else the customer's home region. Producing
  site: the supplier site's region, else the supplier's home region (resolved in the snapshot).
- Scope of region R: valid links bought by an OEM (customer kind "oem", or the chosen customers)
  whose buying site lies inside R. Local: the producing site lies inside R too. A link without a
  producing region is in scope but never local.
- Local sourcing rate: local value / all value in scope (and the same by count of links).
- By chain node: a link counts for its node and every ancestor (roll-up).
- Single-source: a supplier holds over the threshold (default 70%) of one OEM's purchases of a node
  in the year (that OEM's buying anywhere, all plants); a node is single-source in R when such an
  OEM buys that node in R. The largest share in R is stored, so any threshold of 50% or more can be
  applied when reading. Links are unique per (supplier, customer, node, year), as the database's
  constraint guarantees; the generator keeps the same rule.
- Gap class of node x region x year (on read, with thresholds): missing (nothing bought locally),
  weak (local rate under the weak threshold, default 30%), single-source, strong; in that order.
  Nodes nobody buys in R have no class. Unmet value: value bought from outside R.
- City roles: location quotient of child region c and segment (or system-level node) s against
  the parent region P: LQ = (X[c,s] / X[c]) / (X[P,s] / X[P]), X = value sold by suppliers
  producing in the area (to any customer).

SQL here is assembled from internal identifiers, quoted file paths and int() values (hence the
`noqa: S608`); values that come from users are always bound parameters.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

# DuckDB 2.x downloads extensions on first use unless told not to; this must work air-gapped.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

AUDIENCES = ("all", "public")
DEFAULT_WEAK_THRESHOLD = Decimal("0.30")
DEFAULT_SINGLE_SOURCE_THRESHOLD = Decimal("0.70")
MIN_SINGLE_SOURCE_THRESHOLD = Decimal("0.50")
RESULT_TABLES = ("rate", "by_oem", "by_node", "by_city", "single", "lq")

REGION_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("code", pa.string()),
        ("name", pa.string()),
        ("name_en", pa.string()),
        ("parent_id", pa.int64()),
        ("path", pa.string()),
        ("level", pa.string()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
    ]
)
NODE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("code", pa.string()),
        ("name", pa.string()),
        ("name_en", pa.string()),
        ("parent_id", pa.int64()),
        ("path", pa.string()),
        ("depth", pa.int16()),
        ("segment", pa.string()),
        ("sort_order", pa.int32()),
    ]
)
ENTERPRISE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("public_id", pa.string()),
        ("name", pa.string()),
        ("name_en", pa.string()),
        ("kind", pa.string()),
        ("home_region_id", pa.int64()),
        ("confidentiality", pa.string()),
    ]
)
SITE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("enterprise_id", pa.int64()),
        ("name", pa.string()),
        ("region_id", pa.int64()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
    ]
)
# One row per supply link; regions already resolved (site, else home region).
LINK_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("supplier_id", pa.int64()),
        ("supplier_site_id", pa.int64()),
        ("sup_region_id", pa.int64()),
        ("customer_id", pa.int64()),
        ("customer_site_id", pa.int64()),
        ("buy_region_id", pa.int64()),
        ("to_oem", pa.bool_()),
        ("node_id", pa.int64()),
        ("year", pa.int16()),
        ("value", pa.decimal128(18, 2)),
        ("public", pa.bool_()),
    ]
)
SCHEMAS = {
    "regions": REGION_SCHEMA,
    "nodes": NODE_SCHEMA,
    "enterprises": ENTERPRISE_SCHEMA,
    "sites": SITE_SCHEMA,
    "links": LINK_SCHEMA,
}


def valid_filter(nodes: str = "node_t") -> str:
    """SQL over the link `l`: the links every metric counts (see the module docstring)."""
    return (
        "l.value IS NOT NULL AND l.value >= 0 AND l.year IS NOT NULL"  # noqa: S608
        f" AND l.supplier_id <> l.customer_id AND l.node_id IN (SELECT id FROM {nodes})"
    )


VALID = valid_filter()
AUDIENCE_FILTER = {"all": "TRUE", "public": "l.public"}


def connect(*, threads: int | None = None, temp_dir=None, memory_limit: str | None = None):
    """An in-memory DuckDB connection that never downloads anything."""
    config = dict(DUCKDB_CONFIG)
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(":memory:", config=config)
    if temp_dir is not None:
        Path(temp_dir).mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{_quote(str(temp_dir))}'")
    return con


def one_row(con, sql: str, params=None) -> tuple:
    """The single row of a query (fetched to the end: DuckDB 2 refuses new work on a connection
    with an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else ()


def _quote(text: str) -> str:
    return text.replace("'", "''")


def parquet(path) -> str:
    return f"read_parquet('{_quote(str(path))}')"


@dataclass
class Tree:
    """A tree table (regions or chain nodes) with every row's ancestors, root first."""

    ids: list[int]
    ancestors: list[list[int]]  # ids from the root down to the row itself
    max_depth: int

    @classmethod
    def from_table(cls, table: pa.Table) -> Tree:
        ids = table.column("id").to_pylist()
        paths = table.column("path").to_pylist()
        by_code = {}
        for row_id, path in zip(ids, paths, strict=True):
            by_code[path.rstrip("/").split("/")[-1]] = row_id
        ancestors = []
        for path in paths:
            chain = [by_code.get(code) for code in path.rstrip("/").split("/")]
            ancestors.append([a for a in chain if a is not None])
        max_depth = max((len(a) - 1 for a in ancestors), default=0)
        return cls(ids, ancestors, max_depth)

    def ancestor_table(self) -> pa.Table:
        """id, depth, a0 .. aD: the ancestor at each depth (null below the row's own depth)."""
        columns = {"id": pa.array(self.ids, pa.int64())}
        columns["depth"] = pa.array([len(a) - 1 for a in self.ancestors], pa.int16())
        for d in range(self.max_depth + 1):
            columns[f"a{d}"] = pa.array(
                [a[d] if d < len(a) else None for a in self.ancestors], pa.int64()
            )
        return pa.table(columns)

    def pairs_table(self) -> pa.Table:
        """node, anc, anc_depth for every ancestor including the node itself."""
        node, anc, depth = [], [], []
        for row_id, chain in zip(self.ids, self.ancestors, strict=True):
            for d, a in enumerate(chain):
                node.append(row_id)
                anc.append(a)
                depth.append(d)
        return pa.table(
            {
                "node": pa.array(node, pa.int64()),
                "anc": pa.array(anc, pa.int64()),
                "anc_depth": pa.array(depth, pa.int16()),
            }
        )


class Snapshot:
    """One snapshot directory: the Parquet tables, its manifest and its results."""

    def __init__(self, path):
        self.path = Path(path)
        manifest = self.path / "manifest.json"
        self.manifest = json.loads(manifest.read_text()) if manifest.exists() else {}

    @property
    def version(self) -> str:
        return self.manifest.get("version", self.path.name)

    def table(self, name: str) -> str:
        return parquet(self.path / f"{name}.parquet")

    def results_dir(self, audience: str) -> Path:
        return self.path / "results" / audience

    def result(self, audience: str, name: str) -> str:
        return parquet(self.results_dir(audience) / f"{name}.parquet")

    @property
    def graph_dir(self) -> Path:
        return self.path / "graph"

    @property
    def cache_dir(self) -> Path:
        return self.path / "cache"

    def read_table(self, name: str, columns=None) -> pa.Table:
        import pyarrow.parquet as pq

        return pq.read_table(self.path / f"{name}.parquet", columns=columns)

    @property
    def is_computed(self) -> bool:
        return (self.path / "results" / "done.json").exists()


@dataclass
class Timer:
    """Wall and CPU seconds by step (CPU tells a slow step from a busy machine)."""

    steps: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str):
        started, cpu = time.perf_counter(), _cpu_seconds()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started
            self.cpu[name] = self.cpu.get(name, 0.0) + _cpu_seconds() - cpu


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def register_trees(con, snapshot: Snapshot) -> tuple[Tree, Tree]:
    """Temp tables reg (region ancestors), node_t (nodes: dense index, parent's index, depth,
    segment, system-level ancestor) and node_anc (node, ancestor incl. itself)."""
    regions = Tree.from_table(snapshot.read_table("regions", ["id", "path"]))
    nodes_table = snapshot.read_table("nodes", ["id", "path", "segment"])
    nodes = Tree.from_table(nodes_table)
    index = {node_id: i for i, node_id in enumerate(nodes.ids)}
    parents = [chain[-2] if len(chain) > 1 else None for chain in nodes.ancestors]
    node_anc = nodes.ancestor_table()
    tables = {
        "reg": regions.ancestor_table(),
        "node_t": pa.table(
            {
                "id": node_anc.column("id"),
                "idx": pa.array(range(len(nodes.ids)), pa.int32()),
                "parent_idx": pa.array([index.get(p) for p in parents], pa.int32()),
                "depth": node_anc.column("depth"),
                "segment": nodes_table.column("segment"),
                "system": node_anc.column("a1")
                if nodes.max_depth >= 1
                else pa.nulls(len(nodes.ids), pa.int64()),
            }
        ),
        "node_anc": nodes.pairs_table(),
    }
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
        con.unregister(f"{name}_arrow")
    return regions, nodes


def _union(parts: list[str]) -> str:
    return "\nUNION ALL\n".join(parts)


def create_scope(con, *, source: str, levels: int, customers: str = "l.to_oem") -> None:
    """The temp table `ol`: valid links bought by the chosen customers, with the region
    ancestors of the buying site (b0..), the depth the two ends share (cd: local at level L
    when cd > L) and the supplier's city. Money from here on is BIGINT cents (exact, fast)."""
    cd = " + ".join(f"coalesce(rb.a{lv} = rs.a{lv}, false)::TINYINT" for lv in range(levels))
    b_cols = ", ".join(f"rb.a{lv} AS b{lv}" for lv in range(levels))
    scity = "coalesce(rs.a1, rs.a0)" if levels > 1 else "rs.a0"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ol AS
        SELECT l.year, l.node_id AS node, l.customer_id AS customer, l.supplier_id AS supplier,
               (l.value * 100)::BIGINT AS cents, l.buy_region_id AS buy, {b_cols},
               ({cd})::TINYINT AS cd, {scity} AS scity, l.public
        FROM {source} l
        LEFT JOIN reg rb ON rb.id = l.buy_region_id
        LEFT JOIN reg rs ON rs.id = l.sup_region_id
        WHERE {VALID} AND ({customers})
        """  # noqa: S608
    )


def create_scope_aggregates(con) -> None:
    """Aggregate `ol` once at the buying region as recorded, by public: few groups, from which
    every level's tables and both audiences are derived."""
    sums = "sum(cents)::BIGINT AS v, count(*) AS n"
    for name, key in (("agg_oem", "customer"), ("agg_node", "node"), ("agg_city", "scity")):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS "  # noqa: S608
            f"SELECT buy, year, {key}, cd, public, {sums} FROM ol GROUP BY ALL"
        )


def compute_metrics(con, *, levels: int, audience: str, timer: Timer) -> dict[str, str]:
    """Create the result tables r_<name> for one audience; returns name -> temp table name."""
    public = "AND t.public" if audience == "public" else ""

    def per_level(table: str, keys: str, select: str) -> str:
        return _union(
            [
                f"SELECT r.a{lv} AS region_id, t.year{keys.format(lv=lv)}, "  # noqa: S608
                f"{select.format(lv=lv)} FROM {table} t JOIN reg r ON r.id = t.buy "
                f"WHERE r.a{lv} IS NOT NULL {public} GROUP BY ALL"
                for lv in range(levels)
            ]
        )

    rates = (
        "sum(v)::BIGINT AS value_total, sum(n)::BIGINT AS count_total, "
        "coalesce(sum(v) FILTER (WHERE cd > {lv}), 0)::BIGINT AS value_local, "
        "coalesce(sum(n) FILTER (WHERE cd > {lv}), 0)::BIGINT AS count_local"
    )
    with timer.step("rate, by OEM, by city, by node"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE r_rate AS {per_level('agg_oem', '', rates)}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE r_by_oem AS "
            + per_level("agg_oem", ", t.customer AS customer_id", rates)
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE r_by_city AS "
            + per_level(
                "agg_city",
                ", t.scity AS city_id, t.cd > {lv} AS local",
                "sum(v)::BIGINT AS value_total, sum(n)::BIGINT AS count_total",
            )
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE r_by_node AS
            WITH leaf AS ({per_level("agg_node", ", t.node", rates)})
            SELECT region_id, year, na.anc AS node_id, sum(value_total)::BIGINT AS value_total,
                   sum(count_total)::BIGINT AS count_total,
                   sum(value_local)::BIGINT AS value_local,
                   sum(count_local)::BIGINT AS count_local
            FROM leaf JOIN node_anc na ON na.node = leaf.node
            GROUP BY ALL
            """  # noqa: S608
        )
    with timer.step("single source"):
        where = "WHERE ol.public" if audience == "public" else ""
        first_year = one_row(con, f"SELECT min(year) FROM ol {where}")[0]  # noqa: S608
        rows = con.sql(
            f"""
            WITH oems AS (
                SELECT customer, (row_number() OVER (ORDER BY customer) - 1)::INTEGER AS ci
                FROM (SELECT DISTINCT customer FROM ol {where})
            )
            SELECT o.ci, (ol.year - {int(first_year or 0)})::INTEGER AS y, ol.supplier,
                   n.idx AS node, ol.cents, o.customer
            FROM ol JOIN oems o USING (customer) JOIN node_t n ON n.id = ol.node
            {where}
            """  # noqa: S608
        ).to_arrow_table()
        oem_top = single_source(rows, first_year=first_year, nodes=_node_arrays(con))
        con.register("oem_top_arrow", oem_top)
        con.execute("CREATE OR REPLACE TEMP TABLE r_oem_top AS SELECT * FROM oem_top_arrow")
        con.unregister("oem_top_arrow")
    return {name: f"r_{name}" for name in ("rate", "by_oem", "by_city", "by_node", "oem_top")}


def _node_arrays(con) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node ids, parent index (-1 for roots) and depth, in node_t's index order."""
    table = con.sql("SELECT id, parent_idx, depth FROM node_t ORDER BY idx").to_arrow_table()
    return (
        table.column(0).to_numpy(),
        table.column(1).fill_null(-1).to_numpy().astype(np.int64),
        table.column(2).to_numpy().astype(np.int64),
    )


def _multi_node_rows(key: np.ndarray) -> np.ndarray:
    """Rows whose key appears more than once, without sorting everything: a hash count first,
    then an exact check on the (few) rows whose hash bucket is shared."""
    n = len(key)
    if n < 2:
        return np.zeros(n, bool)
    bits = max(10, int(np.ceil(np.log2(n))) + 3)
    hashed = (key.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)
    counts = np.bincount(hashed.astype(np.int64), minlength=1 << bits)
    candidates = np.flatnonzero(counts[hashed.astype(np.int64)] > 1)
    multi = np.zeros(n, bool)
    if candidates.size:
        _, inverse, counts = np.unique(key[candidates], return_inverse=True, return_counts=True)
        multi[candidates[counts[inverse.ravel()] > 1]] = True
    return multi


def single_source(rows: pa.Table, *, first_year, nodes) -> pa.Table:
    """Each OEM's purchases of each node (rolled up) in each year: the total and the largest
    single supplier's part. Dense arrays OEM x year x node; exact for cents below 2**53.

    A supplier that sells an OEM only one node in a year (nearly all of them) holds the same value
    at that node and every ancestor, so the largest such value rolls up the tree as a max; the few
    suppliers with several nodes under one OEM and year are summed per ancestor explicitly.
    """
    node_ids, parent, depth = nodes
    p_count = len(node_ids)
    empty = pa.table(
        {
            "customer_id": pa.array([], pa.int64()),
            "year": pa.array([], pa.int16()),
            "node_id": pa.array([], pa.int64()),
            "total": pa.array([], pa.int64()),
            "top": pa.array([], pa.int64()),
            "supplier_id": pa.array([], pa.int64()),
        }
    )
    if rows.num_rows == 0 or first_year is None:
        return empty
    ci = rows.column("ci").to_numpy().astype(np.int64)
    year = rows.column("y").to_numpy().astype(np.int64)
    supplier = rows.column("supplier").to_numpy().astype(np.int64)
    node = rows.column("node").to_numpy().astype(np.int64)
    cents = rows.column("cents").to_numpy().astype(np.float64)
    customer_of = np.zeros(int(ci.max()) + 1, np.int64)
    customer_of[ci] = rows.column("customer").to_numpy()
    n_years = int(year.max()) + 1
    block = ci * n_years + year
    n_blocks = int(block.max()) + 1
    own = block * p_count + node
    cells = n_blocks * p_count

    multi = _multi_node_rows((block << 40) | supplier)
    total = np.bincount(own, weights=cents, minlength=cells).reshape(n_blocks, p_count)
    single = ~multi
    top = np.zeros(cells)
    np.maximum.at(top, own[single], cents[single])
    top_supplier = np.full(cells, -1, np.int64)
    won = single & (cents == top[own])
    top_supplier[own[won]] = supplier[won]
    top = top.reshape(n_blocks, p_count)
    top_supplier = top_supplier.reshape(n_blocks, p_count)
    # Children before parents: totals add up, the best single-node supplier carries up.
    for child in np.argsort(-depth, kind="stable"):
        p = parent[child]
        if p < 0:
            continue
        total[:, p] += total[:, child]
        better = top[:, child] > top[:, p]
        top[better, p] = top[better, child]
        top_supplier[better, p] = top_supplier[better, child]
    if multi.any():
        # Sum each multi-node supplier's purchases per ancestor, then compete for the top.
        max_depth = int(depth.max())
        anc = np.full((p_count, max_depth + 1), -1, np.int64)
        for idx in np.argsort(depth, kind="stable"):
            p = parent[idx]
            if p >= 0:
                anc[idx, : depth[idx]] = anc[p, : depth[idx]]
            anc[idx, depth[idx]] = idx
        m = np.flatnonzero(multi)
        ancestors = anc[node[m]]
        row, level = np.nonzero(ancestors >= 0)
        cell = block[m][row] * p_count + ancestors[row, level]
        sup = supplier[m][row]
        pair_key = np.stack([cell, sup], axis=1)
        pairs, inverse = np.unique(pair_key, axis=0, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=cents[m][row], minlength=len(pairs))
        flat_top = top.reshape(-1)
        flat_sup = top_supplier.reshape(-1)
        best = np.zeros(cells)
        np.maximum.at(best, pairs[:, 0], sums)
        winner = sums == best[pairs[:, 0]]
        better = winner & (sums > flat_top[pairs[:, 0]])
        flat_top[pairs[better, 0]] = sums[better]
        flat_sup[pairs[better, 0]] = pairs[better, 1]
    cell_block, cell_node = np.nonzero(total > 0)
    return pa.table(
        {
            "customer_id": customer_of[cell_block // n_years],
            "year": (cell_block % n_years + int(first_year)).astype(np.int16),
            "node_id": node_ids[cell_node],
            "total": total[cell_block, cell_node].astype(np.int64),
            "top": top[cell_block, cell_node].astype(np.int64),
            "supplier_id": top_supplier[cell_block, cell_node],
        }
    )


def create_sales(con, *, source: str) -> None:
    """The temp table `sales`: value sold by producing region, year, segment and system-level
    node, split by public, from one scan of every valid link (any customer)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE sales AS
        SELECT l.sup_region_id AS region, l.year, n.segment, n.system, l.public,
               sum((l.value * 100)::BIGINT)::BIGINT AS value
        FROM {source} l JOIN node_t n ON n.id = l.node_id
        WHERE {VALID} AND l.sup_region_id IS NOT NULL
        GROUP BY ALL
        """  # noqa: S608
    )


def compute_lq(con, *, levels: int, audience: str) -> str:
    """r_lq: location quotient of every child region x segment and x system-level node, against
    its parent region, from `sales`."""
    where = "AND s.public" if audience == "public" else ""
    parts = []
    for lv in range(levels - 1):
        for kind, key in (("segment", "s.segment"), ("node", "s.system::VARCHAR")):
            parts.append(
                f"SELECT r.a{lv} AS region_id, r.a{lv + 1} AS child_id, s.year, "  # noqa: S608
                f"'{kind}' AS kind, {key} AS key, sum(s.value)::BIGINT AS value "
                f"FROM sales s JOIN reg r ON r.id = s.region "
                f"WHERE r.a{lv + 1} IS NOT NULL AND {key} IS NOT NULL {where} GROUP BY ALL"
            )
    if not parts:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE r_lq AS SELECT NULL::BIGINT AS region_id, "
            "NULL::BIGINT AS child_id, NULL::SMALLINT AS year, NULL::VARCHAR AS kind, "
            "NULL::VARCHAR AS key, NULL::BIGINT AS value, NULL::DOUBLE AS lq WHERE FALSE"
        )
        return "r_lq"
    con.execute(f"CREATE OR REPLACE TEMP TABLE lq_x AS {_union(parts)}")
    # Plain aggregates joined back: window functions over three partitions are far slower.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE r_lq AS
        WITH ct AS (
            SELECT region_id, year, kind, child_id, sum(value) AS child_total
            FROM lq_x GROUP BY ALL
        ), kt AS (
            SELECT region_id, year, kind, key, sum(value) AS key_total FROM lq_x GROUP BY ALL
        ), tt AS (
            SELECT region_id, year, kind, sum(value) AS total FROM lq_x GROUP BY ALL
        )
        SELECT x.region_id, x.child_id, x.year, x.kind, x.key, x.value,
               CASE WHEN ct.child_total > 0 AND kt.key_total > 0
                    THEN (x.value::DOUBLE / ct.child_total::DOUBLE)
                         / (kt.key_total::DOUBLE / tt.total::DOUBLE) END AS lq
        FROM lq_x x
        JOIN ct USING (region_id, year, kind, child_id)
        JOIN kt USING (region_id, year, kind, key)
        JOIN tt USING (region_id, year, kind)
        """
    )
    con.execute("DROP TABLE lq_x")
    return "r_lq"


def count_rejects(con, *, source: str) -> dict[str, int]:
    row = one_row(
        con,
        f"""
        SELECT count(*),
               count(*) FILTER (WHERE l.value IS NULL),
               count(*) FILTER (WHERE l.value < 0),
               count(*) FILTER (WHERE l.node_id NOT IN (SELECT id FROM node_t)),
               count(*) FILTER (WHERE l.supplier_id = l.customer_id),
               count(*) FILTER (WHERE l.year IS NULL),
               count(*) FILTER (WHERE NOT ({VALID})),
               count(*) FILTER (WHERE ({VALID}) AND l.sup_region_id IS NULL),
               count(*) FILTER (WHERE ({VALID}) AND l.buy_region_id IS NULL)
        FROM {source} l
        """,  # noqa: S608
    )
    keys = (
        "links",
        "missing_value",
        "negative_value",
        "unknown_node",
        "self_supply",
        "missing_year",
        "skipped",
        "unlocated_supplier",
        "unlocated_customer",
    )
    return dict(zip(keys, (int(v or 0) for v in row), strict=True))


def write_table(con, table: str, path: Path, order: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT * FROM {table} ORDER BY {order}) TO '{_quote(str(path))}' "  # noqa: S608
        "(FORMAT parquet, ROW_GROUP_SIZE 100000)"
    )


ORDER_BY = {"lq": "region_id, year, kind", "oem_top": "customer_id, year"}


def recompute(
    snapshot_dir,
    *,
    audiences=AUDIENCES,
    threads: int | None = None,
    graph: bool = True,
    customers: str = "l.to_oem",
    out_dir=None,
    lq: bool = True,
) -> dict:
    """Compute every metric for every region, year and audience; write results and the graph.

    `customers` (SQL over the link `l`) and `out_dir` let compute_scoped() run the same code for an
    explicit set of OEMs into a cache folder."""
    from . import graph as graph_module

    snapshot = Snapshot(snapshot_dir)
    results = Path(out_dir) if out_dir is not None else snapshot.path / "results"
    timer = Timer()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    con = connect(threads=threads, temp_dir=snapshot.path / "tmp")
    try:
        with timer.step("trees"):
            regions, _ = register_trees(con, snapshot)
        levels = regions.max_depth + 1
        links = snapshot.table("links")
        with timer.step("rejects"):
            rejects = count_rejects(con, source=links)
        with timer.step("scope"):
            create_scope(con, source=links, levels=levels, customers=customers)
            create_scope_aggregates(con)
        if lq:
            with timer.step("city roles (LQ)"):
                create_sales(con, source=links)
        for audience in audiences:
            tables = compute_metrics(con, levels=levels, audience=audience, timer=timer)
            if lq:
                with timer.step("city roles (LQ)"):
                    tables["lq"] = compute_lq(con, levels=levels, audience=audience)
            with timer.step("write results"):
                for name, table in tables.items():
                    path = results / audience / f"{name}.parquet"
                    write_table(con, table, path, ORDER_BY.get(name, "region_id, year"))
        if graph:
            with timer.step("dependency graph"):
                graph_module.build(con, snapshot, source=links)
    finally:
        con.close()
    summary = {
        "version": snapshot.version,
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(_cpu_seconds() - cpu_started, 3),
        "steps": {k: round(v, 3) for k, v in timer.steps.items()},
        "steps_cpu": {k: round(v, 3) for k, v in timer.cpu.items()},
        "rejects": rejects,
        "audiences": list(audiences),
    }
    done = results / "done.json"
    done.parent.mkdir(parents=True, exist_ok=True)
    tmp = done.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, indent=2))
    os.replace(tmp, done)
    return summary


def floor_pass(snapshot_dir, *, threads: int | None = None) -> dict:
    """The floor: one plain DuckDB aggregate over the link table (the local rate by province)."""
    snapshot = Snapshot(snapshot_dir)
    con = connect(threads=threads)
    try:
        register_trees(con, snapshot)
        started = time.perf_counter()
        rows = con.execute(
            f"""
            SELECT rb.a0, sum(l.value), sum(l.value) FILTER (WHERE rs.a0 = rb.a0)
            FROM {snapshot.table("links")} l
            JOIN reg rb ON rb.id = l.buy_region_id
            LEFT JOIN reg rs ON rs.id = l.sup_region_id
            GROUP BY rb.a0
            """  # noqa: S608
        ).fetchall()
        seconds = time.perf_counter() - started
    finally:
        con.close()
    return {"seconds": round(seconds, 3), "provinces": len(rows)}


# --------------------------------------------------------------------------------------------
# Reading results back (a few milliseconds: filtered scans of small, sorted Parquet files)
# --------------------------------------------------------------------------------------------

MISSING, WEAK, SINGLE_SOURCE, STRONG = "missing", "weak", "single_source", "strong"
GAP_CLASSES = (MISSING, WEAK, SINGLE_SOURCE, STRONG)


def classify(
    *,
    value_total: int,
    value_local: int,
    top: int | None,
    oem_total: int | None,
    weak_threshold: Decimal = DEFAULT_WEAK_THRESHOLD,
    single_threshold: Decimal = DEFAULT_SINGLE_SOURCE_THRESHOLD,
) -> str | None:
    """The gap class of one node in one region and year, from integer cents (exact)."""
    if value_total <= 0:
        return None
    if value_local <= 0:
        return MISSING
    if Decimal(value_local) < Decimal(value_total) * Decimal(weak_threshold):
        return WEAK
    if top is not None and oem_total and Decimal(top) > Decimal(oem_total) * single_threshold:
        return SINGLE_SOURCE
    return STRONG


class Results:
    """The result tables of one audience (a folder of Parquet files), read with DuckDB."""

    def __init__(self, folder, con=None):
        self.folder = Path(folder)
        self._con = con
        self._own = con is None

    @property
    def exists(self) -> bool:
        return (self.folder / "rate.parquet").exists()

    @property
    def con(self):
        if self._con is None:
            self._con = connect(threads=1)
        return self._con

    def close(self) -> None:
        if self._con is not None and self._own:
            self._con.close()
        self._con = None

    def _rows(self, sql: str, params=()) -> list[dict]:
        relation = self.con.execute(sql, list(params))
        names = [d[0] for d in relation.description]
        return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]

    def file(self, name: str) -> str:
        return parquet(self.folder / f"{name}.parquet")

    def years(self, region_id: int) -> list[int]:
        rows = self._rows(
            f"SELECT DISTINCT year FROM {self.file('rate')} WHERE region_id = ? ORDER BY year",  # noqa: S608
            [region_id],
        )
        return [r["year"] for r in rows]

    def rate(self, region_id: int) -> list[dict]:
        """The region's rate in every year (for the trend)."""
        return self._rows(
            f"SELECT year, value_total, value_local, count_total, count_local "  # noqa: S608
            f"FROM {self.file('rate')} WHERE region_id = ? ORDER BY year",
            [region_id],
        )

    def by_oem(self, region_id: int, year: int) -> list[dict]:
        return self._rows(
            f"SELECT customer_id, value_total, value_local, count_total, count_local "  # noqa: S608
            f"FROM {self.file('by_oem')} WHERE region_id = ? AND year = ? "
            f"ORDER BY value_total DESC, customer_id",
            [region_id, year],
        )

    def by_city(self, region_id: int, year: int) -> list[dict]:
        return self._rows(
            f"SELECT city_id, local, value_total, count_total FROM {self.file('by_city')} "  # noqa: S608
            f"WHERE region_id = ? AND year = ? ORDER BY value_total DESC",
            [region_id, year],
        )

    def by_node(self, region_id: int, year: int) -> list[dict]:
        return self._rows(
            f"SELECT node_id, value_total, value_local, count_total, count_local "  # noqa: S608
            f"FROM {self.file('by_node')} WHERE region_id = ? AND year = ?",
            [region_id, year],
        )

    def single(self, region_id: int, year: int, threshold: Decimal) -> dict[int, dict]:
        """node -> the largest purchase single-sourced over `threshold` by one of the region's
        OEMs: that OEM, its supplier, the supplier's value and the OEM's total (cents), and how
        many of the region's OEMs are single-sourced for the node. Exact integer comparison."""
        scaled = int((Decimal(threshold) * 10000).to_integral_value())
        rows = self._rows(
            f"""
            WITH oems AS (
                SELECT DISTINCT customer_id FROM {self.file("by_oem")}
                WHERE region_id = ? AND year = ?
            )
            SELECT node_id,
                   arg_max(customer_id, top) AS customer_id,
                   arg_max(supplier_id, top) AS supplier_id,
                   max(top) AS top,
                   arg_max(total, top) AS oem_total,
                   count(*) AS oems
            FROM {self.file("oem_top")}
            WHERE year = ? AND total > 0 AND customer_id IN (SELECT customer_id FROM oems)
              AND top::HUGEINT * 10000 > total::HUGEINT * ?
            GROUP BY node_id
            """,  # noqa: S608
            [region_id, year, year, scaled],
        )
        return {r["node_id"]: r for r in rows}

    def oem_top(self, customer_ids: list[int], year: int) -> list[dict]:
        if not customer_ids:
            return []
        marks = ", ".join("?" for _ in customer_ids)
        return self._rows(
            f"SELECT customer_id, node_id, total, top, supplier_id FROM {self.file('oem_top')} "  # noqa: S608
            f"WHERE year = ? AND customer_id IN ({marks})",
            [year, *customer_ids],
        )

    def lq(self, region_id: int, year: int, kind: str) -> list[dict]:
        if not (self.folder / "lq.parquet").exists():
            return []
        return self._rows(
            f"SELECT child_id, key, value, lq FROM {self.file('lq')} "  # noqa: S608
            f"WHERE region_id = ? AND year = ? AND kind = ? ORDER BY child_id, key",
            [region_id, year, kind],
        )


def compute_scoped(snapshot_dir, *, customer_ids: list[int], out_dir) -> Path:
    """The region tables for an explicit set of customers (any enterprises), into out_dir."""
    ids = sorted({int(i) for i in customer_ids})
    customers = f"l.customer_id IN ({', '.join(str(i) for i in ids)})" if ids else "FALSE"
    recompute(snapshot_dir, customers=customers, out_dir=out_dir, graph=False, lq=False)
    return Path(out_dir)
