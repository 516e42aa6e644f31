"""The supplier -> customer graph in compact arrays, and the multi-tier dependency walks.

Nodes are enterprises: dense indexes 0..n-1 of the sorted enterprise ids. Edges are valid links,
stored as CSR (scipy.sparse, int32 indices): "out" from supplier to customer, written by the
recompute, and "in" from customer to supplier, its transpose, built and saved by the first upward
walk (most questions go downwards; the recompute does not pay for it). A row of the CSR is not an enterprise but a bucket (enterprise, year,
public), so the edges of one enterprise in one year (or in every year, or public only) are one
contiguous slice: a walk never reads an edge it will not follow. Duplicate edges inside a bucket
(one pair, several chain nodes) are merged when the CSR is built.

The walk is a level-synchronous breadth-first search in numpy: each level gathers the edges of the
whole frontier at once and keeps the enterprises not reached before, so a cycle (A supplies B
supplies A) ends the walk instead of looping. From one enterprise over every year (the explorer's
usual question) scipy's compiled breadth-first search runs instead, on the same arrays: it looks
at each edge once, where the numpy walk gathers every year's copy of a pair. Arrays are saved as
.npy and memory-mapped.

At risk: when a supplier (or one of its sites, or every producer in a region) fails, its customers
are affected, and so is everyone who buys from an affected enterprise, through any number of tiers.
An OEM's purchases from a failed or affected supplier are at risk: an upper bound, since a tier-1
that loses one input is counted as losing all its output. `tier` is the number of supply steps
from the failure to the OEM (1: the OEM buys from it directly).
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .engine import Snapshot

_lock = threading.RLock()

_EDGE_FILES = ("out_indptr", "out_idx")
_IN_FILES = ("in_indptr", "in_idx")
_OEM_NAMES = (
    "oem_sup",
    "oem_cus",
    "oem_cus_site",
    "oem_sup_site",
    "oem_sup_region",
    "oem_year",
    "oem_value",
    "oem_public",
)


def dense_index(ids: np.ndarray, ent_ids: np.ndarray) -> np.ndarray:
    """Dense indexes of enterprise ids (ent_ids sorted); -1 for ids not in the table."""
    ids = np.asarray(ids)
    if len(ent_ids) == 0:
        return np.full(len(ids), -1, np.int32)
    top = int(ent_ids[-1])
    if top < 4 * len(ent_ids) + 1_000_000 and int(ent_ids[0]) >= 0:
        # Database ids are nearly dense: one gather through a lookup table (ids outside it
        # land on its last cell, which is -1).
        lookup = np.full(top + 2, -1, np.int32)
        lookup[ent_ids] = np.arange(len(ent_ids), dtype=np.int32)
        return lookup.take(ids, mode="clip")
    pos = np.minimum(np.searchsorted(ent_ids, ids), len(ent_ids) - 1)
    return np.where(ent_ids[pos] == ids, pos, -1).astype(np.int32)


def _csr_by_bucket(rows: np.ndarray, columns: np.ndarray, n_rows: int, n_columns: int):
    """indptr and indices of the edges grouped by row: scipy's O(n) counting sort. The edges are
    declared canonical so scipy does not sort and merge them within a row (a walk does not need
    it, and it would cost more than the counting sort itself)."""
    matrix = sp.coo_array(
        (np.ones(len(rows), np.bool_), (rows, columns)), shape=(n_rows, max(n_columns, 1))
    )
    matrix.has_canonical_format = True
    csr = matrix.tocsr()
    return csr.indptr, csr.indices.astype(np.int32, copy=False)


def build(snapshot: Snapshot, *, links, scope: dict, years: tuple) -> dict:
    """Write graph/*.npy for the snapshot: the edges from `links` (engine.LinkArrays), the OEMs'
    purchases from `scope` (numpy columns); `years`: first and last year of the links counted."""
    out = snapshot.graph_dir
    out.mkdir(parents=True, exist_ok=True)
    ent_ids = np.sort(
        snapshot.read_table("enterprises", ["id"]).column("id").to_numpy().astype(np.int64)
    )
    n = len(ent_ids)
    first, last = years
    first = int(first) if first is not None else 2000
    n_years = int(last) - first + 1 if last is not None else 1
    buckets = n_years * 2
    ok = links("ok")
    sup = dense_index(links("supplier_id", -1)[ok], ent_ids)
    cus = dense_index(links("customer_id", -2)[ok], ent_ids)
    year = links("year", 0)[ok]
    public = links("public")[ok]
    wide = n * buckets >= 2**31 - 1
    index_type = np.int64 if wide else np.int32
    bucket = (year.astype(index_type) - first) * 2 + public
    del ok, year, public
    keep = (sup >= 0) & (cus >= 0)
    if not keep.all():
        sup, cus, bucket = sup[keep], cus[keep], bucket[keep]
    # The "out" direction only: "in" is its transpose, built on the first upward walk.
    rows = sup.astype(index_type) * buckets + bucket
    indptr, indices = _csr_by_bucket(rows, cus, n * buckets, n)
    np.save(out / "out_indptr.npy", indptr)
    np.save(out / "out_idx.npy", indices)
    del rows, indptr, indices, sup, cus, bucket
    # The OEMs' own purchases, for the share of their buying at risk.
    columns = {
        "oem_sup": dense_index(scope["supplier"], ent_ids),
        "oem_cus": dense_index(scope["customer"], ent_ids),
        "oem_cus_site": scope["customer_site"],
        "oem_sup_site": scope["supplier_site"],
        "oem_sup_region": scope["sup_region"],
        "oem_year": scope["year"],
        "oem_value": scope["cents"] / 100.0,
        "oem_public": scope["public"],
    }
    for name in _OEM_NAMES:
        np.save(out / f"{name}.npy", columns[name])
    np.save(out / "ent_ids.npy", ent_ids)
    meta = {
        "enterprises": n,
        "first_year": first,
        "years": n_years,
        "oem_links": len(scope["year"]),
    }
    (out / "meta.json").write_text(json.dumps(meta))
    return meta


@dataclass
class Graph:
    first_year: int
    years: int
    arrays: dict
    folder: Path | None = None  # where the lazily built "in" direction is saved for others

    def edges(self, direction: str) -> tuple[np.ndarray, np.ndarray]:
        """indptr and indices of the bucket CSR: "down" follows supplier -> customer ("out"),
        "up" customer -> supplier ("in", the transpose, built and saved on first use)."""
        if direction == "down":
            return self.arrays["out_indptr"], self.arrays["out_idx"]
        if "in_idx" not in self.arrays:
            with _lock:
                if "in_idx" not in self.arrays:
                    self._build_in()
        return self.arrays["in_indptr"], self.arrays["in_idx"]

    def _build_in(self) -> None:
        """The "in" CSR from the "out" one: each edge's bucket row gives its supplier and
        (year, public) bucket; regrouped by customer with the same counting sort."""
        buckets = self.years * 2
        out_indptr, out_idx = self.arrays["out_indptr"], self.arrays["out_idx"]
        index_type = np.int64 if self.size * buckets >= 2**31 - 1 else np.int32
        rows = np.repeat(
            np.arange(len(out_indptr) - 1, dtype=index_type), np.diff(np.asarray(out_indptr))
        )
        suppliers = (rows // buckets).astype(np.int32)
        rows = np.asarray(out_idx).astype(index_type) * buckets + rows % buckets
        indptr, indices = _csr_by_bucket(rows, suppliers, self.size * buckets, self.size)
        del rows, suppliers
        if self.folder is not None:
            for name, array in (("in_indptr", indptr), ("in_idx", indices)):
                tmp = self.folder / f".{name}-{uuid.uuid4().hex}.npy"
                np.save(tmp, array)
                os.replace(tmp, self.folder / f"{name}.npy")
        self.arrays["in_indptr"], self.arrays["in_idx"] = indptr, indices

    @property
    def size(self) -> int:
        return len(self.arrays["ent_ids"])

    def index_of(self, ids) -> np.ndarray:
        return dense_index(np.asarray(ids, np.int64), self.arrays["ent_ids"])

    def ids_of(self, index) -> np.ndarray:
        return np.asarray(self.arrays["ent_ids"])[index]

    def every_year(self, direction: str):
        """The enterprise x enterprise CSR of every year's links (all of them, public or not),
        built once a process from the bucket CSR: its indptr taken at every bucket-th row, the
        edge indices shared, the weights one broadcast value (scipy needs some)."""
        key = "out" if direction == "down" else "in"
        cache = self.__dict__.setdefault("_every_year", {})
        if key not in cache:
            indptr, indices = self.edges(direction)
            indptr = np.ascontiguousarray(indptr[:: self.years * 2])
            if indptr.dtype != indices.dtype and indptr[-1] < 2**31:
                indptr = indptr.astype(np.int32)
            weights = np.broadcast_to(np.float64(1.0), indices.shape)
            cache[key] = sp.csr_matrix(
                (weights, np.asarray(indices), indptr), shape=(self.size, self.size)
            )
        return cache[key]

    def slices(self, nodes: np.ndarray, *, direction: str, year, public_only: bool):
        """(starts, ends) of the edges of `nodes` in the year (None: every year)."""
        indptr, _ = self.edges(direction)
        buckets = self.years * 2
        base = nodes.astype(np.int64) * buckets
        if year is not None:
            offset = int(year) - self.first_year
            if not 0 <= offset < self.years:
                empty = np.zeros(0, np.int64)
                return [(empty, empty)]
            lo = base + offset * 2 + (1 if public_only else 0)
            return [(indptr[lo], indptr[base + offset * 2 + 2])]
        if not public_only:
            return [(indptr[base], indptr[base + buckets])]
        return [(indptr[base + y * 2 + 1], indptr[base + y * 2 + 2]) for y in range(self.years)]


_loaded: dict[str, Graph] = {}


def load(snapshot: Snapshot) -> Graph:
    """The snapshot's graph, memory-mapped, loaded once a process."""
    key = str(snapshot.graph_dir)
    with _lock:
        graph = _loaded.get(key)
        if graph is None:
            meta = json.loads((snapshot.graph_dir / "meta.json").read_text())
            names = ["ent_ids", *_EDGE_FILES, *_OEM_NAMES]
            if all((snapshot.graph_dir / f"{name}.npy").exists() for name in _IN_FILES):
                names += _IN_FILES  # built by an earlier upward walk
            arrays = {
                name: np.load(snapshot.graph_dir / f"{name}.npy", mmap_mode="r") for name in names
            }
            graph = Graph(meta["first_year"], meta["years"], arrays, snapshot.graph_dir)
            if len(_loaded) > 4:
                _loaded.clear()
            _loaded[key] = graph
    return graph


def prepare_upward(snapshot: Snapshot) -> float:
    """Build and save the "in" direction now (the refresh does it just after publishing, so no
    page waits for it); the arrays are not kept in this process. Returns the seconds spent."""
    import time

    started = time.perf_counter()
    if (snapshot.graph_dir / "meta.json").exists():
        graph = load(snapshot)
        graph.edges("up")
        with _lock:
            _loaded.pop(str(snapshot.graph_dir), None)
    return round(time.perf_counter() - started, 3)


def walk(
    graph: Graph,
    seeds,
    *,
    direction: str = "down",
    year: int | None = None,
    public_only: bool = False,
    max_tiers: int | None = None,
) -> np.ndarray:
    """Breadth-first from `seeds` (dense indexes): the tier of every enterprise reached, -1 for
    the others, 0 for the seeds.

    down: from suppliers to their customers (who depends on the seeds);
    up: from customers to their suppliers (whom the seeds depend on).
    """
    _, indices = graph.edges(direction)
    n = graph.size
    seeds = np.unique(np.asarray(seeds, np.int64))
    seeds = seeds[(seeds >= 0) & (seeds < n)]
    if year is None and not public_only and seeds.size == 1 and len(indices) < 2**31 - 1:
        return _walk_every_year(graph, int(seeds[0]), direction, max_tiers)
    tier = np.full(n, -1, np.int16)
    tier[seeds] = 0
    frontier = seeds
    level = 0
    stamp = None
    while frontier.size and (max_tiers is None or level < max_tiers):
        level += 1
        parts = []
        for starts, ends in graph.slices(
            frontier, direction=direction, year=year, public_only=public_only
        ):
            counts = ends - starts
            total = int(counts.sum())
            if total:
                # Positions of every edge of the frontier, without a Python loop.
                offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
                offsets += np.arange(total, dtype=np.int64)
                parts.append(indices[offsets])
        if not parts:
            break
        reached = parts[0] if len(parts) == 1 else np.concatenate(parts)
        reached = reached[tier[reached] < 0]
        if reached.size == 0:
            break
        # Deduplicate in O(k): the last write wins, keep the position that won.
        if stamp is None:
            stamp = np.empty(n, np.int64)
        positions = np.arange(reached.size, dtype=np.int64)
        stamp[reached] = positions
        frontier = reached[stamp[reached] == positions].astype(np.int64)
        tier[frontier] = level
    return tier


def _walk_every_year(graph: Graph, seed: int, direction: str, max_tiers: int | None):
    """walk() from one enterprise over every year's links: scipy's compiled breadth-first search
    on the CSR as it is. An enterprise's buckets are consecutive rows, so every bucket-th entry of
    indptr makes an enterprise x enterprise CSR over the same indices (no copy of the edges); the
    search checks each edge once, where the numpy walk gathers every year's copy of a pair.

    The search returns the enterprises in breadth-first order, tier by tier, and each one's
    predecessor; a predecessor's position in that order never decreases along it, so each tier
    ends where the predecessors start to lie in it: one searchsorted per tier."""
    from scipy.sparse.csgraph import breadth_first_order

    n = graph.size
    matrix = graph.every_year(direction)
    order, predecessors = breadth_first_order(matrix, seed, directed=True, return_predecessors=True)
    tier = np.full(n, -1, np.int16)
    position = np.empty(n, np.int64)
    position[order] = np.arange(len(order))
    parent_position = position[predecessors[order[1:]]]
    level, end = 0, 1  # order[:end]: the tiers found so far
    tier[seed] = 0
    while end < len(order) and (max_tiers is None or level < max_tiers):
        level += 1
        # The next tier: the enterprises (after `end`) whose predecessor is in this tier.
        stop = int(np.searchsorted(parent_position, end, side="left")) + 1
        if stop <= end:
            break
        tier[order[end:stop]] = level
        end = stop
    return tier


def oem_exposure(
    graph: Graph,
    *,
    tiers: np.ndarray,
    direct: np.ndarray,
    year: int | None,
    public_only: bool,
) -> list[dict]:
    """Per OEM plant: its purchases in the year, the part at risk and the part bought directly
    from the failure. `tiers` comes from walk() down from the failure's customers (or from the
    failed supplier); `direct` flags the OEM purchases that fail directly."""
    a = graph.arrays
    scope = np.ones(len(a["oem_year"]), bool) if year is None else a["oem_year"] == year
    if public_only:
        scope &= a["oem_public"]
    sup, cus = a["oem_sup"], a["oem_cus"]
    scope &= cus >= 0
    affected = (sup >= 0) & (tiers[np.maximum(sup, 0)] >= 1)
    at_risk = scope & (direct | affected)
    if not at_risk.any():
        return []
    hit = np.zeros(graph.size, bool)
    hit[cus[at_risk]] = True
    rows = np.flatnonzero(scope & hit[np.maximum(cus, 0)])
    # One int64 key per plant (customer, site): a 1-D unique sorts far faster than rows.
    sites = np.asarray(a["oem_cus_site"])[rows]
    if len(sites) and sites.max() >= 0xFFFFFFFF:
        keys = np.stack([cus[rows].astype(np.int64), sites], axis=1)
        plants, inverse = np.unique(keys, axis=0, return_inverse=True)
    else:
        keys = (cus[rows].astype(np.int64) << 32) | (sites + 1)
        unique_keys, inverse = np.unique(keys, return_inverse=True)
        plants = np.stack([unique_keys >> 32, (unique_keys & 0xFFFFFFFF) - 1], axis=1)
    inverse = inverse.ravel()
    values = a["oem_value"][rows]
    size = len(plants)
    total = np.bincount(inverse, weights=values, minlength=size)
    risk = np.bincount(inverse, weights=np.where(at_risk[rows], values, 0.0), minlength=size)
    risk_count = np.bincount(inverse, weights=at_risk[rows].astype(float), minlength=size)
    direct_value = np.bincount(
        inverse, weights=np.where(direct[rows] & scope[rows], values, 0.0), minlength=size
    )
    # The OEM's tier: the fewest supply steps from the failure to it (1 when bought directly).
    oem_tier = tiers[plants[:, 0]]
    out = []
    for i in np.flatnonzero(risk_count > 0):
        out.append(
            {
                "customer_id": int(graph.ids_of(plants[i, 0])),
                "site_id": int(plants[i, 1]) if plants[i, 1] >= 0 else None,
                "tier": int(oem_tier[i]) if oem_tier[i] >= 1 else 1,
                "value_total": float(total[i]),
                "value_at_risk": float(risk[i]),
                "value_direct": float(direct_value[i]),
                "share_at_risk": float(risk[i] / total[i]) if total[i] > 0 else None,
            }
        )
    out.sort(key=lambda r: (-(r["share_at_risk"] or 0.0), -r["value_at_risk"]))
    return out
