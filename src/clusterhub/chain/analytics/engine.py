"""Every metric of the chain analytics, computed in-process over one snapshot directory.

DuckDB does the per-level tables, the location quotients and result files (no extension is ever
downloaded); numpy does what DuckDB measured slower at, each over dense integer keys: the rejects,
the scope aggregates, the by-node and single-source roll-ups, the city sales (one bincount) and
the dependency graph (graph.py).

A snapshot is a directory of files with the schemas below: Parquet for the small tables, an Arrow
IPC file for the links (written by `snapshot.export` from the database, or by the benchmark's
generator straight from numpy). `recompute()` computes every metric for every region at every
level, every year and both audiences, and writes the results next to the snapshot; `Results`
reads them back (filtered by region and year, a few milliseconds); `compute_scoped()` runs the
same code for one explicit set of customer OEMs.

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
import mmap
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
# The links are the one big table: stored as an uncompressed Arrow IPC file, memory-mapped and
# scanned without decoding (measured on 10M links: a quarter of the CPU of reading Parquet).
LINKS_FILE = "links.arrow"
LINK_BATCH_ROWS = 1 << 20


class LinkWriter:
    """Writes the links file in record batches: `with LinkWriter(folder) as w: w.write(table)`."""

    def __init__(self, folder):
        import pyarrow.ipc as ipc

        self._sink = pa.OSFile(str(Path(folder) / LINKS_FILE), "wb")
        self._writer = ipc.new_file(self._sink, LINK_SCHEMA)

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table.cast(LINK_SCHEMA), max_chunksize=LINK_BATCH_ROWS)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._writer.close()
        self._sink.close()


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
        """SQL for a Parquet table of the snapshot (the links: see links_in)."""
        return parquet(self.path / f"{name}.parquet")

    def links(self) -> pa.Table:
        """The links, memory-mapped from the Arrow IPC file: no decoding, pages read on use."""
        import pyarrow.ipc as ipc

        if getattr(self, "_links", None) is None:
            source = pa.memory_map(str(self.path / LINKS_FILE))
            whole = source.read_buffer(source.size())
            self.mapped = (whole.address, whole.size)  # the address range of the mapping
            source.seek(0)
            self._links = ipc.open_file(source).read_all()
        return self._links

    def links_in(self, con) -> str:
        """Register the links in `con` (once) and return the name to query them by."""
        names = {row[0] for row in con.execute("SELECT name FROM (SHOW TABLES)").fetchall()}
        if "links" not in names:
            con.register("links", self.links())
        return "links"

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


def _fixed_width(column, fill) -> np.dtype | None:
    """The numpy type of an integer or float column read straight from its buffers (None: let
    Arrow convert it, e.g. booleans, or nulls without a fill)."""
    kind = column.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return None
    if column.null_count and fill is None:
        return None
    return np.dtype(kind.to_pandas_dtype())


def _chunk_values(chunk, dtype: np.dtype) -> np.ndarray:
    """A chunk's values as a numpy view of its data buffer (zero copy; null slots hold junk)."""
    return np.frombuffer(
        chunk.buffers()[1], dtype, count=len(chunk), offset=chunk.offset * dtype.itemsize
    )


def as_numpy(column, fill=None, mask: np.ndarray | None = None) -> np.ndarray:
    """A (chunked) Arrow column as one numpy array, of the rows in `mask` if given; nulls become
    `fill`. Integers and floats are copied straight from the buffers, chunk by chunk, and only the
    null slots are overwritten (Arrow's fill_null makes a whole new column first: on 10M links
    that was a tenth of the recompute)."""
    dtype = _fixed_width(column, fill)
    if dtype is None:
        if fill is not None and column.null_count:
            column = column.fill_null(fill)
        values = column.to_numpy(zero_copy_only=False)
        return values if mask is None else values[mask]
    out = np.empty(len(column) if mask is None else int(np.count_nonzero(mask)), dtype)
    position = start = 0
    for chunk in column.chunks:
        size = len(chunk)
        if not size:
            continue
        values = _chunk_values(chunk, dtype)
        keep = None if mask is None else mask[start : start + size]
        if keep is not None:
            values = values[keep]
        out[position : position + len(values)] = values
        if chunk.null_count:
            missing = ~chunk.is_valid().to_numpy(zero_copy_only=False)
            out[position : position + len(values)][missing if keep is None else missing[keep]] = (
                fill
            )
        position += len(values)
        start += size
    return out


class LinkArrays:
    """The columns of the links as numpy, each concatenated once and shared by every step (on
    this VM a fresh 80 MB array costs more to fault in than most computations on it).

    `mapped`: the address range of the memory-mapped links file. A column's pages there are let
    go once copied (madvise DONTNEED: they stay in the page cache, and a later read maps them
    back), so the file is not held in the process's memory beside the copies: at 100M links it
    is 8 GB."""

    def __init__(self, table: pa.Table, mapped: tuple[int, int] | None = None):
        self.table = table
        self.cache: dict = {}
        self.mapped = mapped

    def __call__(self, name: str, fill=None) -> np.ndarray:
        key = (name, fill)
        if key not in self.cache:
            self.cache[key] = as_numpy(self.table.column(name), fill)
            self.release(name)
        return self.cache[key]

    def masked(self, name: str, mask: np.ndarray, fill=None) -> np.ndarray:
        """The rows of `mask` only: from the shared column if it is there, else gathered from
        the chunks without making the whole column."""
        key = (name, fill)
        if key in self.cache:
            return self.cache[key][mask]
        values = as_numpy(self.table.column(name), fill, mask)
        self.release(name)
        return values

    def keep_only(self, *names: str) -> None:
        """Free the copied columns not in `names` (the rest of the recompute does not read them)."""
        for key in [key for key in self.cache if key[0] not in names]:
            del self.cache[key]

    def release(self, name: str) -> None:
        """Let go of the mapped pages of a column just copied (see the class)."""
        if self.mapped is None:
            return
        start, size = self.mapped
        page = mmap.PAGESIZE
        for chunk in self.table.column(name).chunks:
            for buffer in chunk.buffers():
                if buffer is None or not start <= buffer.address < start + size:
                    continue
                low = -(-buffer.address // page) * page
                high = (buffer.address + buffer.size) // page * page
                if high > low:
                    _madvise_dontneed(low, high - low)


def _madvise_dontneed(address: int, length: int) -> None:
    global _LIBC
    if _LIBC is None:
        import ctypes
        import ctypes.util

        _LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        _LIBC.madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    _LIBC.madvise(address, length, 4)  # MADV_DONTNEED


_LIBC = None


def _cents(values: pa.ChunkedArray) -> np.ndarray:
    """decimal128(18, 2) yuan as int64 cents, read straight from the buffers: a decimal is its
    unscaled integer in 16 little-endian bytes, and |cents| < 2**63. Nulls come out as 0."""
    cents = np.empty(len(values), np.int64)
    position = 0
    for chunk in values.chunks:
        data = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        cents[position : position + len(chunk)] = data[
            2 * chunk.offset : 2 * (chunk.offset + len(chunk)) : 2
        ]
        position += len(chunk)
    if values.null_count:
        cents[~values.is_valid().to_numpy(zero_copy_only=False)] = 0
    return cents


def load_links(snapshot: Snapshot, node_ids: np.ndarray) -> LinkArrays:
    """The links as the engine reads them: the memory-mapped columns, money as int64 cents, and
    `ok` when every metric counts the link (value present and >= 0, a year, a known node, not a
    supplier selling to itself); `unknown_node` and `valid_value` for the rejects."""
    links = snapshot.links()
    arrays = LinkArrays(links, getattr(snapshot, "mapped", None) if os.name == "posix" else None)
    value = links.column("value")
    valid_value = value.is_valid().to_numpy(zero_copy_only=False)
    cents = _cents(value)
    arrays.release("value")
    known = np.zeros(int(node_ids.max()) + 2 if len(node_ids) else 1, bool)
    known[node_ids] = True
    node = arrays("node_id", -1)
    unknown = ~known.take(node, mode="clip") | (node < 0)
    supplier, customer = arrays("supplier_id", -1), arrays("customer_id", -2)
    ok = (
        valid_value
        & (cents >= 0)
        & links.column("year").is_valid().to_numpy(zero_copy_only=False)
        & (supplier != customer)
        & ~unknown
    )
    arrays.cache.update(
        {
            ("cents", 0): cents,
            ("ok", None): ok,
            ("unknown_node", None): unknown,
            ("valid_value", None): valid_value,
        }
    )
    return arrays


def scope_mask(arrays: LinkArrays, customer_ids) -> np.ndarray:
    """Rows of the links in the scope: counted, and bought by the OEMs (or the chosen customers)."""
    if customer_ids is None:
        return arrays("ok") & arrays("to_oem")
    customers = arrays("customer_id", -2)
    return arrays("ok") & np.isin(customers, np.asarray(customer_ids, np.int64))


def _compact(code: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of `code` (non-negative, < size) in order, and each row's position
    among them: a dense renumbering without sorting."""
    present = np.zeros(size, bool)
    present[code] = True
    position = np.cumsum(present) - 1
    return np.flatnonzero(present), position[code]


def create_scope_aggregates(
    con, scope: dict, *, reg: dict, levels: int, node_ids: np.ndarray
) -> dict[str, pa.Table]:
    """agg_oem, agg_node and agg_city (registered in `con`, and returned): the scope (`scope_arrays`) summed at the
    buying region as recorded (links whose buying region is unknown left out), by year, cd, public
    and the customer, the chain node or the supplier's city: few groups, from which every level's
    tables and both audiences are derived. cd is the depth both ends share (local at level L when
    cd > L); the supplier's city is its region's a1, else a0, NULL when unlocated.

    numpy over dense keys: each grouping set numbers its (key, buying region) pairs, then one
    np.add.at (exact int64) and one bincount over (pair, year, cd, public) cells. The same rows as
    SQL GROUPING SETS over the links, at a fraction of its cost."""
    region_ids = np.asarray(reg["id"], np.int64)
    ancestors = np.stack(
        [np.ma.filled(reg[f"a{lv}"], -1).astype(np.int64) for lv in range(levels)], axis=1
    )
    n_reg = len(region_ids)
    buy, sup = scope["buy_region"], scope["sup_region"]
    # Rows by id + 1: -1 (unlocated) is cell 0, ids past the table land on the last cell.
    row_of = np.full(int(region_ids.max()) + 3, -1, np.int64)
    row_of[region_ids + 1] = np.arange(n_reg)
    buy_row = row_of.take(buy + 1, mode="clip")
    # An unlocated supplier is row n_reg: shares no level, no city.
    row_of[row_of < 0] = n_reg
    sup_row = row_of.take(sup + 1, mode="clip")
    keep = buy_row >= 0
    columns = {"customer": scope["customer"], "node": scope["node"], "cents": scope["cents"]}
    columns |= {"year": scope["year"], "public": scope["public"]}
    if not keep.all():
        buy_row, sup_row = buy_row[keep], sup_row[keep]
        columns = {k: v[keep] for k, v in columns.items()}
    buys, buy_index = _compact(buy_row, n_reg)
    # cd of every (buying region, producing region): a small table instead of per-row compares.
    mine = ancestors[buys][:, None, :]
    shared = np.zeros((len(buys), n_reg + 1), np.int64)
    shared[:, :n_reg] = ((mine == ancestors[None, :, :]) & (mine >= 0)).sum(axis=2)
    cd = shared.ravel().take(buy_index * (n_reg + 1) + sup_row)
    first = int(columns["year"].min()) if len(buy_row) else 0
    n_years = int(columns["year"].max()) - first + 1 if len(buy_row) else 1
    # (year, cd, public) of each row, the cell inside its pair's block.
    inner = (columns["year"].astype(np.int64) - first) * (levels + 1) + cd
    inner *= 2
    inner += columns["public"]
    block = n_years * (levels + 1) * 2
    city = ancestors[:, 1].copy() if levels > 1 else ancestors[:, 0].copy()
    city[city < 0] = ancestors[city < 0, 0]
    cities, city_index = _compact(np.append(city, -1) + 1, int(city.max(initial=0)) + 2)
    node_index = columns["node"]
    customers, customer_index = _compact(columns["customer"], int(columns["customer"].max()) + 1)
    sets = {
        "agg_oem": ("customer", customers, customer_index),
        "agg_node": ("node", node_ids, node_index),
        "agg_city": ("scity", cities - 1, city_index[sup_row]),
    }
    tables = {}
    for name, (key_name, key_values, key_index) in sets.items():
        pairs, pair_index = _compact(key_index * len(buys) + buy_index, len(key_values) * len(buys))
        cell = pair_index * block + inner
        n = np.bincount(cell, minlength=len(pairs) * block)
        v = np.zeros(len(n), np.int64)
        np.add.at(v, cell, columns["cents"])
        at = np.flatnonzero(n)
        pair, rest = np.divmod(at, block)
        rest, public = np.divmod(rest, 2)
        year, cd_at = np.divmod(rest, levels + 1)
        key = key_values[pairs[pair] // len(buys)]
        tables[name] = pa.table(
            {
                "buy": pa.array(region_ids[buys[pairs[pair] % len(buys)]], pa.int64()),
                "year": pa.array(year + first, pa.int16()),
                key_name: pa.array(key, pa.int64(), mask=key < 0),
                "cd": pa.array(cd_at, pa.int8()),
                "public": pa.array(public.astype(bool)),
                "v": pa.array(v[at]),
                "n": pa.array(n[at].astype(np.int64)),
            }
        )
        con.register(name, tables[name])
    return tables


def scope_arrays(arrays: LinkArrays, mask: np.ndarray, node_index: np.ndarray) -> dict:
    """The scope's columns as numpy, for the single-source roll-up and the graph."""

    def column(name, fill=None):
        return arrays.masked(name, mask, fill)

    return {
        "customer": column("customer_id", -2),
        "year": column("year", 0),
        "supplier": column("supplier_id", -1),
        "node": node_index[column("node_id", -1)],
        "cents": column("cents", 0),
        "public": column("public"),
        "customer_site": column("customer_site_id", -1),
        "supplier_site": column("supplier_site_id", -1),
        "sup_region": column("sup_region_id", -1),
        "buy_region": column("buy_region_id", -1),
    }


def compute_metrics(con, *, levels: int, audience: str) -> dict[str, str]:
    """The result tables r_rate, r_by_oem and r_by_city of one audience, from the scope
    aggregates; returns name -> temp table name."""
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
    return {name: f"r_{name}" for name in ("rate", "by_oem", "by_city")}


SINGLE_SOURCE_COLUMNS = ("customer", "year", "supplier", "node", "cents")


def audience_rows(arrays: dict, audience: str, names) -> dict:
    """Columns `names` of the scope, of the public links only for "public"."""
    columns = {k: arrays[k] for k in names}
    if audience == "public":
        columns = {k: v[arrays["public"]] for k, v in columns.items()}
    return columns


def node_rollup(
    agg_node: pa.Table, *, reg: dict, nodes: tuple, levels: int, audience: str
) -> pa.Table:
    """r_by_node: value and count, in total and bought locally, of every region at every level x
    year x chain node rolled up the tree, from agg_node. Dense int64 arrays node x (region, year)
    per level, filled with one np.add.at a measure and rolled up children first (a node's cells
    are one contiguous row); exact in integers. The same sums as grouping the per-level rows by
    every ancestor in SQL, at a fraction of its cost (0.6 CPU-s an audience on 10M links)."""
    if audience == "public":
        agg_node = agg_node.filter(agg_node.column("public"))
    agg = {
        name: agg_node.column(name).to_numpy() for name in ("buy", "year", "node", "cd", "v", "n")
    }
    node_ids, parent, depth = nodes
    columns = {
        "region_id": [],
        "year": [],
        "node_id": [],
        "value_total": [],
        "count_total": [],
        "value_local": [],
        "count_local": [],
    }
    if len(agg["buy"]):
        buy = np.asarray(agg["buy"], np.int64)
        node_of = np.full(int(max(node_ids.max(), agg["node"].max())) + 1, -1, np.int64)
        node_of[node_ids] = np.arange(len(node_ids))
        node = node_of[np.asarray(agg["node"], np.int64)]
        first = int(agg["year"].min())
        year = np.asarray(agg["year"], np.int64) - first
        n_years = int(year.max()) + 1
        cd = np.asarray(agg["cd"], np.int64)
        v, n = np.asarray(agg["v"], np.int64), np.asarray(agg["n"], np.int64)
        children_first = [c for c in np.argsort(-depth, kind="stable") if parent[c] >= 0]
        region_ids = np.asarray(reg["id"], np.int64)
        lookup = np.full(int(max(region_ids.max(), buy.max())) + 1, -1, np.int64)
        for lv in range(levels):
            ancestor = np.ma.filled(reg[f"a{lv}"], -1).astype(np.int64)
            lookup[:] = -1
            lookup[region_ids] = ancestor
            at = lookup[buy]
            rows = np.flatnonzero((at >= 0) & (node >= 0))
            if not rows.size:
                continue
            regions, region = np.unique(at[rows], return_inverse=True)
            blocks = len(regions) * n_years
            cell = node[rows] * blocks + region.ravel() * n_years + year[rows]
            local = cd[rows] > lv
            sums = np.zeros((4, len(node_ids) * blocks), np.int64)
            np.add.at(sums[0], cell, v[rows])
            np.add.at(sums[1], cell, n[rows])
            np.add.at(sums[2], cell[local], v[rows][local])
            np.add.at(sums[3], cell[local], n[rows][local])
            cube = sums.reshape(4, len(node_ids), blocks)
            for child in children_first:
                cube[:, parent[child]] += cube[:, child]
            at_node, block = np.nonzero(cube[1] > 0)
            columns["region_id"].append(regions[block // n_years])
            columns["year"].append((block % n_years + first).astype(np.int16))
            columns["node_id"].append(node_ids[at_node])
            for i, name in enumerate(("value_total", "count_total", "value_local", "count_local")):
                columns[name].append(cube[i, at_node, block])
    types = {"year": pa.int16()}
    return pa.table(
        {
            name: pa.array(
                np.concatenate(parts) if parts else np.zeros(0, np.int64),
                types.get(name, pa.int64()),
            )
            for name, parts in columns.items()
        }
    )


def _node_arrays(con) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node ids, parent index (-1 for roots) and depth, in node_t's index order."""
    table = con.sql("SELECT id, parent_idx, depth FROM node_t ORDER BY idx").to_arrow_table()
    return (
        table.column(0).to_numpy(),
        table.column(1).fill_null(-1).to_numpy().astype(np.int64),
        table.column(2).to_numpy().astype(np.int64),
    )


def _multi_node_rows(key: np.ndarray) -> np.ndarray:
    """Rows whose key appears more than once, without sorting everything: two rounds of hash
    counts keep the rows whose bucket is shared, then an exact check on those few."""
    n = len(key)
    multi = np.zeros(n, bool)
    if n < 2:
        return multi
    bits = max(10, int(np.ceil(np.log2(n))) + 1)
    shift = np.uint64(64 - bits)
    candidates = np.arange(n)
    for multiplier in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F):
        hashed = ((key[candidates].view(np.uint64) * np.uint64(multiplier)) >> shift).astype(
            np.intp
        )
        shared = np.bincount(hashed, minlength=1 << bits)[hashed] > 1
        candidates = candidates[shared]
        if candidates.size == 0:
            return multi
    _, inverse, counts = np.unique(key[candidates], return_inverse=True, return_counts=True)
    multi[candidates[counts[inverse.ravel()] > 1]] = True
    return multi


def _as(array, dtype) -> np.ndarray:
    return np.asarray(array, dtype=dtype)


def single_source(arrays: dict, *, nodes) -> pa.Table:
    """Each OEM's purchases of each node (rolled up) in each year: the total and the largest
    single supplier's part. Dense arrays node x (OEM, year); exact for cents below 2**53.

    A supplier that sells an OEM only one node in a year (nearly all of them) holds the same value
    at that node and every ancestor, so the largest such value rolls up the tree as a max; the few
    suppliers with several nodes under one OEM and year are summed per ancestor explicitly.
    """
    node_ids, parent, depth = nodes
    p_count = len(node_ids)
    if len(arrays["customer"]) == 0:
        return pa.table(
            {
                "customer_id": pa.array([], pa.int64()),
                "year": pa.array([], pa.int16()),
                "node_id": pa.array([], pa.int64()),
                "total": pa.array([], pa.int64()),
                "top": pa.array([], pa.int64()),
                "supplier_id": pa.array([], pa.int64()),
            }
        )
    customer = _as(arrays["customer"], np.int64)
    # Dense OEM indexes without sorting: mark the ids present, number them.
    present = np.zeros(int(customer.max()) + 1, bool)
    present[customer] = True
    customer_of = np.flatnonzero(present)
    lookup = np.zeros(len(present), np.int64)
    lookup[customer_of] = np.arange(len(customer_of))
    first_year = int(arrays["year"].min())
    year = _as(arrays["year"], np.int64) - first_year
    n_years = int(year.max()) + 1
    block = lookup[customer] * n_years + year
    del lookup, year
    supplier = _as(arrays["supplier"], np.int64)
    node = _as(arrays["node"], np.int64)
    cents = _as(arrays["cents"], np.float64)
    n_blocks = len(customer_of) * n_years
    cells = n_blocks * p_count
    # Node-major: one node's cells are contiguous, so the roll-up reads rows, not columns.
    own = node * n_blocks + block

    multi = _multi_node_rows((block << 40) | supplier)
    total = np.zeros(cells, np.int64)  # exact; np.add.at is faster than a weighted bincount
    np.add.at(total, own, _as(arrays["cents"], np.int64))
    single = ~multi
    top = np.zeros(cells)
    np.maximum.at(top, own[single], cents[single])
    top_supplier = np.full(cells, -1, np.int64)
    won = single & (cents == top[own])
    top_supplier[own[won]] = supplier[won]
    total = total.reshape(p_count, n_blocks)
    top = top.reshape(p_count, n_blocks)
    top_supplier = top_supplier.reshape(p_count, n_blocks)
    # Children before parents: totals add up, the best single-node supplier carries up.
    for child in np.argsort(-depth, kind="stable"):
        p = parent[child]
        if p < 0:
            continue
        total[p] += total[child]
        better = top[child] > top[p]
        top[p, better] = top[child, better]
        top_supplier[p, better] = top_supplier[child, better]
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
        cell = ancestors[row, level] * n_blocks + block[m][row]
        sup = supplier[m][row]
        if sup.max() < (1 << 36) and cells < (1 << 26):
            keys, inverse = np.unique((cell << 36) | sup, return_inverse=True)
            pair_cell, pair_sup = keys >> 36, keys & ((1 << 36) - 1)
        else:
            pairs, inverse = np.unique(np.stack([cell, sup], axis=1), axis=0, return_inverse=True)
            pair_cell, pair_sup = pairs[:, 0], pairs[:, 1]
        sums = np.bincount(inverse.ravel(), weights=cents[m][row], minlength=len(pair_cell))
        flat_top = top.reshape(-1)
        flat_sup = top_supplier.reshape(-1)
        best = np.zeros(cells)
        np.maximum.at(best, pair_cell, sums)
        better = (sums == best[pair_cell]) & (sums > flat_top[pair_cell])
        flat_top[pair_cell[better]] = sums[better]
        flat_sup[pair_cell[better]] = pair_sup[better]
    cell_node, cell_block = np.nonzero(total > 0)
    return pa.table(
        {
            "customer_id": customer_of[cell_block // n_years],
            "year": (cell_block % n_years + first_year).astype(np.int16),
            "node_id": node_ids[cell_node],
            "total": total[cell_node, cell_block].astype(np.int64),
            "top": top[cell_node, cell_block].astype(np.int64),
            "supplier_id": top_supplier[cell_node, cell_block],
        }
    )


def _sales_sql(source: str, depth: int, where: str = "TRUE", valid: str = VALID) -> str:
    """Value sold by suppliers producing in each child (depth + 1) of each region at `depth`, by
    year, segment, system-level node and public."""
    return f"""
        SELECT r.a{depth} AS region_id, r.a{depth + 1} AS child_id, l.year, n.segment, n.system,
               l.public, sum((l.value * 100)::BIGINT)::BIGINT AS value
        FROM {source} l JOIN node_t n ON n.id = l.node_id JOIN reg r ON r.id = l.sup_region_id
        WHERE {valid} AND r.a{depth + 1} IS NOT NULL AND ({where})
        GROUP BY ALL
    """  # noqa: S608


def create_sales(con, *, arrays: LinkArrays, levels: int, years: tuple) -> None:
    """The temp table `sales` for the top level (the cities of each province): value sold by
    suppliers producing in each city, by year, system-level node (segment roots stand for
    themselves) and public, from every link counted (any customer). One np.add.at over
    dense keys: the same sums as a GROUP BY, at a tenth of its cost on 10M links. Deeper levels
    are computed when asked (lq_on_demand)."""
    empty = (
        "CREATE OR REPLACE TEMP TABLE sales AS SELECT NULL::BIGINT AS region_id, "
        "NULL::BIGINT AS child_id, NULL::SMALLINT AS year, NULL::VARCHAR AS segment, "
        "NULL::BIGINT AS system, NULL::BOOLEAN AS public, NULL::BIGINT AS value WHERE FALSE"
    )
    ok = arrays("ok")
    if levels < 2 or not ok.any():
        con.execute(empty)
        return
    reg = con.sql("SELECT id, a0, a1 FROM reg WHERE a1 IS NOT NULL").fetchnumpy()
    nodes = con.sql(
        "SELECT id, coalesce(system, id) AS grp, segment, depth FROM node_t"
    ).fetchnumpy()
    region = arrays("sup_region_id", -1)
    node = arrays("node_id", -1)
    year = arrays("year", 0)
    public = arrays("public")
    cents = arrays("cents", 0)
    # Dense indexes: a region -> its city (-1 above city level), a node -> its group.
    city_of = np.full(int(max(reg["id"].max(), region.max())) + 2, -1, np.int64)
    city_of[reg["id"]] = reg["a1"]
    cities, city_pos = np.unique(reg["a1"], return_inverse=True)
    city_index = np.full(len(city_of), -1, np.int32)
    city_index[reg["id"]] = city_pos
    groups, group_pos = np.unique(nodes["grp"], return_inverse=True)
    group_index = np.full(int(max(nodes["id"].max(), node.max())) + 2, -1, np.int32)
    group_index[nodes["id"]] = group_pos
    c = city_index.take(region, mode="clip")
    g = group_index.take(node, mode="clip")
    keep = ok & (c >= 0) & (g >= 0) & (region >= 0)
    first, last = years if years[0] is not None else (0, 0)
    n_years = int(last) - int(first) + 1
    size = len(cities) * n_years * len(groups) * 2
    kind = np.int32 if size < 2**31 else np.int64
    # The dense key on whole columns, in place, and the rows left out sent to one extra cell:
    # cheaper than gathering five columns through `keep` (each pass allocates fresh memory).
    key = c.astype(kind)
    key *= n_years
    key += year
    key -= first
    key *= len(groups)
    key += g
    key *= 2
    key += public
    np.putmask(key, ~keep, size)
    # Exact int64 sums; np.add.at measured several times faster here than a weighted bincount.
    sums = np.zeros(size + 1, np.int64)
    np.add.at(sums, key, cents)
    sums = sums[:size]
    del key, c, g
    cell = np.flatnonzero(sums)
    public_of, rest = cell % 2, cell // 2
    group_at, rest = rest % len(groups), rest // len(groups)
    year_at, city_at = rest % n_years, rest // n_years
    # Per city its province, per group its segment and whether it is a segment root.
    province = np.zeros(len(cities), np.int64)
    province[city_pos] = reg["a0"]
    group_segment = np.empty(len(groups), object)
    group_segment[group_pos] = nodes["segment"]
    is_root = np.zeros(len(groups), bool)
    is_root[group_pos] = (nodes["depth"] == 0) & (nodes["grp"] == nodes["id"])
    table = pa.table(
        {
            "region_id": pa.array(province[city_at], pa.int64()),
            "child_id": pa.array(cities[city_at], pa.int64()),
            "year": pa.array(year_at + first, pa.int16()),
            "segment": pa.array(group_segment[group_at], pa.string()),
            # A segment root groups its own links; it is no system-level node.
            "system": pa.array(groups[group_at], pa.int64(), mask=is_root[group_at]),
            "public": pa.array(public_of.astype(bool)),
            "value": pa.array(sums[cell]),
        }
    )
    con.register("sales_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE sales AS SELECT * FROM sales_arrow")
    con.unregister("sales_arrow")


def _lq_sql(sales: str, audience: str) -> str:
    where = "s.public" if audience == "public" else "TRUE"
    parts = [
        f"SELECT s.region_id, s.child_id, s.year, '{kind}' AS kind, {key} AS key, "  # noqa: S608
        f"sum(s.value)::BIGINT AS value FROM {sales} s "
        f"WHERE {where} AND {key} IS NOT NULL GROUP BY ALL"
        for kind, key in (("segment", "s.segment"), ("node", "s.system::VARCHAR"))
    ]
    # Plain aggregates joined back: window functions over three partitions are far slower.
    return f"""
        WITH x AS ({_union(parts)}),
        ct AS (SELECT region_id, year, kind, child_id, sum(value) AS child_total
               FROM x GROUP BY ALL),
        kt AS (SELECT region_id, year, kind, key, sum(value) AS key_total FROM x GROUP BY ALL),
        tt AS (SELECT region_id, year, kind, sum(value) AS total FROM x GROUP BY ALL)
        SELECT x.region_id, x.child_id, x.year, x.kind, x.key, x.value,
               CASE WHEN ct.child_total > 0 AND kt.key_total > 0
                    THEN (x.value::DOUBLE / ct.child_total::DOUBLE)
                         / (kt.key_total::DOUBLE / tt.total::DOUBLE) END AS lq
        FROM x
        JOIN ct USING (region_id, year, kind, child_id)
        JOIN kt USING (region_id, year, kind, key)
        JOIN tt USING (region_id, year, kind)
    """  # noqa: S608


def compute_lq(con, *, audience: str) -> str:
    """r_lq: location quotient of every city x segment and x system-level node, against its
    province, from `sales`."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE r_lq AS {_lq_sql('sales', audience)}")
    return "r_lq"


def lq_on_demand(
    con, snapshot: Snapshot, *, region_id: int, depth: int, levels: int, audience: str
) -> list[dict]:
    """The location quotients of one region's children (a city's districts), computed when first
    asked: a filtered scan of the links. `con` must have the trees registered."""
    if depth + 1 >= levels:
        return []
    inside = f"l.sup_region_id IN (SELECT id FROM reg WHERE a{int(depth)} = {int(region_id)})"  # noqa: S608
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sales_one AS "
        + _sales_sql(snapshot.links_in(con), depth, inside)
    )
    rows = con.execute(
        f"SELECT child_id, year, kind, key, value, lq FROM ({_lq_sql('sales_one', audience)})"  # noqa: S608
    ).fetchall()
    con.execute("DROP TABLE sales_one")
    return [
        {"child_id": r[0], "year": r[1], "kind": r[2], "key": r[3], "value": r[4], "lq": r[5]}
        for r in rows
    ]


def count_rejects(arrays: LinkArrays) -> dict[str, int]:
    """Links by the reason they are left out of every metric, and the years of the others."""
    links = arrays.table
    ok, cents, valid_value = arrays("ok"), arrays("cents", 0), arrays("valid_value")
    years = arrays("year", 0)[ok]
    return {
        "links": links.num_rows,
        "first_year": int(years.min()) if len(years) else None,
        "last_year": int(years.max()) if len(years) else None,
        "missing_value": int(len(ok) - np.count_nonzero(valid_value)),
        "negative_value": int(np.count_nonzero(cents < 0)),
        "unknown_node": int(np.count_nonzero(arrays("unknown_node"))),
        "self_supply": int(
            np.count_nonzero(arrays("supplier_id", -1) == arrays("customer_id", -2))
        ),
        "missing_year": links.column("year").null_count,
        "skipped": int(len(ok) - np.count_nonzero(ok)),
        "unlocated_supplier": links.column("sup_region_id").null_count,
        "unlocated_customer": links.column("buy_region_id").null_count,
    }


def write_arrow(table: pa.Table, path: Path) -> None:
    """A result table made in numpy, written as write_table writes DuckDB's."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=100_000, compression="none", use_dictionary=False)


def write_table(con, table: str, path: Path) -> None:
    # Unsorted: a reader's filter scans a few MB at most, cheaper than sorting at every refresh.
    # Uncompressed: these are small, mostly random integers; snappy cost a third more CPU to
    # write for 6% less disk.
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY {table} TO '{_quote(str(path))}' "
        "(FORMAT parquet, ROW_GROUP_SIZE 100000, COMPRESSION uncompressed)"
    )


def recompute(
    snapshot_dir,
    *,
    audiences=AUDIENCES,
    threads: int | None = None,
    graph: bool = True,
    customer_ids=None,
    out_dir=None,
    lq: bool = True,
) -> dict:
    """Compute every metric for every region, year and audience; write results and the graph.

    `customer_ids` and `out_dir` let compute_scoped() run the same code for an explicit set of
    customers (instead of the OEMs) into a cache folder."""
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
        nodes = _node_arrays(con)
        node_ids = nodes[0]
        reg = con.sql("SELECT * FROM reg").fetchnumpy()
        with timer.step("load links"):
            columns = load_links(snapshot, node_ids)
        with timer.step("rejects"):
            rejects = count_rejects(columns)
            years = (rejects.pop("first_year"), rejects.pop("last_year"))
        # Copied columns are freed once no step ahead reads them: at 100M links each is 800 MB.
        columns.keep_only("ok", "cents", "node_id", "supplier_id", "customer_id", "year", "public")
        if lq:
            with timer.step("city roles (LQ)"):
                create_sales(con, arrays=columns, levels=levels, years=years)
        with timer.step("scope"):
            node_index = np.zeros(int(node_ids.max()) + 1 if len(node_ids) else 1, np.int32)
            node_index[node_ids] = np.arange(len(node_ids))
            arrays = scope_arrays(columns, scope_mask(columns, customer_ids), node_index)
            columns.keep_only("ok", "supplier_id", "customer_id", "year", "public")  # the graph's
            aggregates = create_scope_aggregates(
                con, arrays, reg=reg, levels=levels, node_ids=node_ids
            )
        for audience in audiences:
            with timer.step("rate, by OEM, by city, by node"):
                tables = compute_metrics(con, levels=levels, audience=audience)
                by_node = node_rollup(
                    aggregates["agg_node"], reg=reg, nodes=nodes, levels=levels, audience=audience
                )
            with timer.step("single source"):
                oem_top = single_source(
                    audience_rows(arrays, audience, SINGLE_SOURCE_COLUMNS), nodes=nodes
                )
            if lq:
                with timer.step("city roles (LQ)"):
                    tables["lq"] = compute_lq(con, audience=audience)
            with timer.step("write results"):
                write_arrow(by_node, results / audience / "by_node.parquet")
                write_arrow(oem_top, results / audience / "oem_top.parquet")
                for name, table in tables.items():
                    write_table(con, table, results / audience / f"{name}.parquet")
        if graph:
            with timer.step("dependency graph"):
                graph_module.build(snapshot, links=columns, scope=arrays, years=years)
        del columns, arrays
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
        links = snapshot.links_in(con)
        started = time.perf_counter()
        rows = con.execute(
            f"""
            SELECT rb.a0, sum(l.value), sum(l.value) FILTER (WHERE rs.a0 = rb.a0)
            FROM {links} l
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

    def all_years(self) -> list[int]:
        """Every year with buying in scope in some region (the span of every trend)."""
        rows = self._rows(f"SELECT DISTINCT year FROM {self.file('rate')} ORDER BY year")  # noqa: S608
        return [r["year"] for r in rows]

    def latest_year(self) -> int | None:
        rows = self._rows(f"SELECT max(year) AS year FROM {self.file('rate')}")  # noqa: S608
        return rows[0]["year"] if rows else None

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
    recompute(snapshot_dir, customer_ids=ids, out_dir=out_dir, graph=False, lq=False)
    return Path(out_dir)
