"""Answers assembled from a snapshot's cached results, in the shape pages, API and CLI share.

Money is a string of yuan with two decimals ("1234.50"), as everywhere in the API; rates and
shares are fractions (0.25), formatted by whoever shows them. Enterprises are {id, public_id,
name, name_en}; `redact()` hides the ones a user may not view.

Nothing here computes a metric: it reads the Parquet results (the cache) and, for an explicit set
of OEMs, computes that set's tables once into the snapshot's cache folder. Assembled answers are
cached as JSON keyed by snapshot version, audience, language and parameters.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusterhub.core.units import format_percent, format_yuan

from . import engine
from . import graph as graph_module

CENT = Decimal("0.01")
SINGLE_NAMES = {
    engine.MISSING: "missing",
    engine.WEAK: "weak",
    engine.SINGLE_SOURCE: "single_source",
    engine.STRONG: "strong",
}


def yuan(cents) -> str:
    return str((Decimal(int(cents or 0)) / 100).quantize(CENT))


# Part of every cached answer's key: raise it when the wording or shape of answers changes, so a
# snapshot's answers cached by an older version are not served after an upgrade.
ANSWER_FORMAT = 2


def ratio(part, whole) -> float | None:
    return float(Decimal(int(part or 0)) / Decimal(int(whole))) if whole else None


def class_label(cls: str | None) -> str:
    labels = {
        engine.MISSING: _("Missing"),
        engine.WEAK: _("Weak"),
        engine.SINGLE_SOURCE: _("Single source"),
        engine.STRONG: _("Strong"),
    }
    return labels.get(cls, _("No buying"))


@lru_cache(maxsize=8)
def _tree_tables(path: str) -> tuple[dict, dict]:
    """Regions and chain nodes of a snapshot by id (small tables, read once a process)."""
    snapshot = engine.Snapshot(path)
    regions = {
        row["id"]: row
        for row in snapshot.read_table("regions").to_pylist()
        if row["id"] is not None
    }
    nodes = {row["id"]: row for row in snapshot.read_table("nodes").to_pylist()}
    return regions, nodes


def region_ref(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {"id": row["id"], "code": row["code"], "name": row["name"], "name_en": row["name_en"]}


def node_ref(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {
        "id": row["id"],
        "code": row["code"],
        "name": row["name"],
        "name_en": row["name_en"],
        "depth": row["depth"],
        "segment": row["segment"],
        "parent_id": row["parent_id"],
    }


class View:
    """One audience's view of one snapshot."""

    def __init__(self, snapshot: engine.Snapshot, audience: str):
        self.snapshot = snapshot
        self.audience = audience
        self.regions, self.nodes = _tree_tables(str(snapshot.path))
        self._results: dict[str, engine.Results] = {}
        self._con = None
        self.trees_registered = False

    @property
    def con(self):
        """One DuckDB connection for everything this view reads."""
        if self._con is None:
            self._con = engine.connect(threads=1)
        return self._con

    def close(self) -> None:
        for results in self._results.values():
            results.close()
        if self._con is not None:
            self._con.close()
            self._con = None

    # -- results, default or for an explicit set of customers -----------------------------

    def results(self, oem_ids=None) -> engine.Results:
        key = "default" if oem_ids is None else _digest(sorted(oem_ids))
        if key not in self._results:
            if oem_ids is None:
                folder = self.snapshot.results_dir(self.audience)
            else:
                folder = self._scoped(sorted(oem_ids), key) / self.audience
            self._results[key] = engine.Results(folder, con=self.con)
        return self._results[key]

    def _scoped(self, oem_ids: list[int], key: str) -> Path:
        folder = self.snapshot.cache_dir / f"scoped-{key}"
        if (folder / "done.json").exists():
            return folder
        tmp = self.snapshot.cache_dir / f".tmp-{uuid.uuid4().hex}"
        try:
            engine.compute_scoped(self.snapshot.path, customer_ids=oem_ids, out_dir=tmp)
            try:
                os.rename(tmp, folder)
            except OSError:
                pass  # another request computed it first
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return folder

    # -- names ----------------------------------------------------------------------------

    def enterprises(self, ids) -> dict[int, dict]:
        ids = sorted({int(i) for i in ids if i is not None})
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.con.execute(
            f"SELECT id, public_id, name, name_en, kind FROM "  # noqa: S608
            f"{self.snapshot.table('enterprises')} WHERE id IN ({marks})",
            ids,
        ).fetchall()
        return {
            r[0]: {"id": r[0], "public_id": r[1], "name": r[2], "name_en": r[3], "kind": r[4]}
            for r in rows
        }

    def region_by_code(self, code: str) -> dict | None:
        for row in self.regions.values():
            if row["code"] == code:
                return row
        return None

    def node_by_code(self, code: str) -> dict | None:
        for row in self.nodes.values():
            if row["code"] == code:
                return row
        return None

    def node_subtree(self, node_id: int) -> list[int]:
        path = self.nodes[node_id]["path"]
        return [nid for nid, row in self.nodes.items() if row["path"].startswith(path)]

    def region_subtree(self, region_id: int) -> list[int]:
        path = self.regions[region_id]["path"]
        return [rid for rid, row in self.regions.items() if row["path"].startswith(path)]

    def rejects(self) -> dict:
        """Links the snapshot's computation skipped, by reason."""
        done = self.snapshot.path / "results" / "done.json"
        with contextlib.suppress(FileNotFoundError, ValueError):
            return json.loads(done.read_text()).get("rejects", {})
        return {}

    # -- cached JSON ----------------------------------------------------------------------

    def cached(self, kind: str, params: dict, compute):
        key = _digest([ANSWER_FORMAT, kind, self.audience, get_language() or "", params])
        path = self.snapshot.cache_dir / f"{kind}-{key}.json"
        with contextlib.suppress(FileNotFoundError, ValueError):
            return json.loads(path.read_text())
        value = compute()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        tmp.write_text(json.dumps(value, ensure_ascii=False))
        os.replace(tmp, path)
        return value


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:20]


# ---------------------------------------------------------------------------------------------
# The region report: rate, trend, breakdowns, gap list


def _rate(row: dict | None) -> dict:
    row = row or {}
    return {
        "value_total": yuan(row.get("value_total")),
        "value_local": yuan(row.get("value_local")),
        "value_outside": yuan((row.get("value_total") or 0) - (row.get("value_local") or 0)),
        "count_total": int(row.get("count_total") or 0),
        "count_local": int(row.get("count_local") or 0),
        "rate_value": ratio(row.get("value_local"), row.get("value_total")),
        "rate_count": ratio(row.get("count_local"), row.get("count_total")),
    }


def trend(rows: list[dict], all_years=()) -> dict:
    """Rate by year, the least-squares slope and the change first to last, in percentage points.

    `all_years`: every year in which the snapshot has buying in scope (any region); a year without
    buying in this region is still listed (zero totals, no rate), so the trend covers every year
    that has links and one region's chart lines up with another's. A region with no buying at all
    has an empty trend."""
    by_year = {r["year"]: r for r in rows}
    span = sorted(set(by_year) | {int(y) for y in all_years}) if by_year else []
    years = [{"year": y, **_rate(by_year.get(y))} for y in span]
    points = [(y["year"], y["rate_value"] * 100) for y in years if y["rate_value"] is not None]
    slope = change = None
    if len(points) >= 2:
        xs = np.array([p[0] for p in points], float)
        ys = np.array([p[1] for p in points], float)
        slope = round(float(np.polyfit(xs, ys, 1)[0]), 2)
        change = round(points[-1][1] - points[0][1], 2)
    return {"years": years, "slope_pp_per_year": slope, "change_pp": change}


def _reason(node: dict, weak: Decimal, single: Decimal) -> str:
    """Why a node is a gap, in words, with amounts in 亿元/万元 and rates with one decimal."""
    cls = node["class"]
    if cls == engine.MISSING:
        return _("Nothing is bought locally: %(unmet)s comes from outside the region.") % {
            "unmet": format_yuan(node["unmet"])
        }
    if cls == engine.WEAK:
        return _(
            "Local rate %(rate)s is under the %(threshold)s threshold; %(unmet)s comes "
            "from outside the region."
        ) % {
            "rate": format_percent(node["rate_value"]),
            "threshold": format_percent(float(weak)),
            "unmet": format_yuan(node["unmet"]),
        }
    if cls == engine.SINGLE_SOURCE:
        top = node["single"]
        text = _("%(supplier)s supplies %(share)s of %(oem)s's purchases (%(value)s).") % {
            "supplier": (top["supplier"] or {}).get("name") or _("One supplier"),
            "share": format_percent(top["share"]),
            "oem": (top["oem"] or {}).get("name") or _("an OEM"),
            "value": format_yuan(top["oem_total"]),
        }
        if top["oems"] > 1:
            text += " " + _("%(count)s OEMs of the region depend on one supplier here.") % {
                "count": top["oems"]
            }
        return text
    return ""


def region_report(
    view: View,
    *,
    region_id: int,
    year: int | None = None,
    oem_ids=None,
    weak: Decimal = engine.DEFAULT_WEAK_THRESHOLD,
    single: Decimal = engine.DEFAULT_SINGLE_SOURCE_THRESHOLD,
) -> dict:
    params = {
        "region": region_id,
        "year": year,
        "oems": sorted(oem_ids) if oem_ids is not None else None,
        "weak": str(weak),
        "single": str(single),
    }
    return view.cached(
        "report",
        params,
        lambda: _region_report(view, region_id, year, oem_ids, Decimal(weak), Decimal(single)),
    )


def _region_report(view, region_id, year, oem_ids, weak, single) -> dict:
    results = view.results(oem_ids)
    rate_rows = results.rate(region_id)
    years = [r["year"] for r in rate_rows]
    if year is None and years:
        year = years[-1]
    this_year = next((r for r in rate_rows if r["year"] == year), None)
    by_oem = results.by_oem(region_id, year) if year is not None else []
    by_city = results.by_city(region_id, year) if year is not None else []
    by_node = {r["node_id"]: r for r in results.by_node(region_id, year)} if year else {}
    single_rows = results.single(region_id, year, single) if year is not None else {}
    enterprises = view.enterprises(
        [r["customer_id"] for r in by_oem]
        + [r["customer_id"] for r in single_rows.values()]
        + [r["supplier_id"] for r in single_rows.values()]
    )

    nodes = []
    for node_id, node in sorted(view.nodes.items(), key=lambda kv: kv[1]["path"]):
        row = by_node.get(node_id, {})
        top = single_rows.get(node_id)
        cls = engine.classify(
            value_total=int(row.get("value_total") or 0),
            value_local=int(row.get("value_local") or 0),
            top=int(top["top"]) if top else None,
            oem_total=int(top["oem_total"]) if top else None,
            weak_threshold=weak,
            single_threshold=single,
        )
        entry = {
            **node_ref(node),
            **_rate(row),
            "unmet": yuan((row.get("value_total") or 0) - (row.get("value_local") or 0)),
            "class": cls,
            "single": None,
        }
        if top:
            entry["single"] = {
                "oem": enterprises.get(top["customer_id"]),
                "supplier": enterprises.get(top["supplier_id"]),
                "share": ratio(top["top"], top["oem_total"]),
                "value": yuan(top["top"]),
                "oem_total": yuan(top["oem_total"]),
                "oems": int(top["oems"]),
            }
        entry["class_label"] = class_label(cls)
        entry["reason"] = _reason(entry, weak, single) if cls else ""
        nodes.append(entry)

    gaps = [n for n in nodes if n["class"] in (engine.MISSING, engine.WEAK, engine.SINGLE_SOURCE)]
    gaps.sort(key=lambda n: (-Decimal(n["unmet"]), n["code"]))
    cities = []
    city_total = sum(int(r["value_total"]) for r in by_city)
    for r in by_city:
        cities.append(
            {
                "city": region_ref(view.regions.get(r["city_id"])),
                "local": bool(r["local"]),
                "value_total": yuan(r["value_total"]),
                "count_total": int(r["count_total"]),
                "share": ratio(r["value_total"], city_total),
            }
        )
    return {
        "snapshot": view.snapshot.version,
        "audience": view.audience,
        "region": region_ref(view.regions.get(region_id)),
        "year": year,
        "years": years,
        "oems": None if oem_ids is None else [enterprises.get(i) for i in sorted(oem_ids)],
        "thresholds": {"weak": str(weak), "single_source": str(single)},
        "rate": _rate(this_year),
        "trend": trend(rate_rows, results.all_years()),
        "by_oem": [{"oem": enterprises.get(r["customer_id"]), **_rate(r)} for r in by_oem],
        "by_city": cities,
        "by_node": nodes,
        "gaps": gaps,
        "skipped": view.rejects(),
    }


# ---------------------------------------------------------------------------------------------
# City roles


def city_roles(view: View, *, region_id: int, year: int | None = None, kind="segment") -> dict:
    return view.cached(
        "roles",
        {"region": region_id, "year": year, "kind": kind},
        lambda: _city_roles(view, region_id, year, kind),
    )


def _city_roles(view, region_id, year, kind) -> dict:
    results = view.results()
    if year is None:
        year = results.latest_year()
    rows = results.lq(region_id, year, kind) if year is not None else []
    depth = view.regions[region_id]["path"].rstrip("/").count("/")
    if not rows and depth >= 1 and year is not None:
        # Only the cities of each province are precomputed; a city's districts on demand.
        if not view.trees_registered:
            engine.register_trees(view.con, view.snapshot)
            view.trees_registered = True
        levels = max(r["path"].rstrip("/").count("/") for r in view.regions.values()) + 1
        rows = [
            r
            for r in engine.lq_on_demand(
                view.con,
                view.snapshot,
                region_id=region_id,
                depth=depth,
                levels=levels,
                audience=view.audience,
            )
            if r["year"] == year and r["kind"] == kind
        ]
    children = sorted({r["child_id"] for r in rows}, key=lambda i: view.regions[i]["code"])
    if kind == "segment":
        keys = sorted({r["key"] for r in rows})
        key_refs = [{"key": k, "name": k, "name_en": k} for k in keys]
    else:
        keys = sorted({r["key"] for r in rows}, key=lambda k: view.nodes[int(k)]["path"])
        key_refs = [
            {"key": k, "name": view.nodes[int(k)]["name"], "name_en": view.nodes[int(k)]["name_en"]}
            for k in keys
        ]
    cells = [
        {
            "child": r["child_id"],
            "key": r["key"],
            "value": yuan(r["value"]),
            "lq": round(r["lq"], 3) if r["lq"] is not None else None,
        }
        for r in rows
    ]
    strong = {}
    for cell in cells:
        if cell["lq"] is not None and cell["lq"] >= 1.0:
            strong.setdefault(cell["child"], []).append(cell)
    return {
        "snapshot": view.snapshot.version,
        "audience": view.audience,
        "region": region_ref(view.regions.get(region_id)),
        "year": year,
        "kind": kind,
        "cities": [region_ref(view.regions[c]) for c in children],
        "keys": key_refs,
        "cells": cells,
        "strong": {str(c): sorted(v, key=lambda x: -x["lq"]) for c, v in sorted(strong.items())},
    }


# ---------------------------------------------------------------------------------------------
# Dependency


def dependency(
    view: View,
    *,
    year: int | None,
    supplier_id: int | None = None,
    site_id: int | None = None,
    region_id: int | None = None,
) -> dict:
    params = {"year": year, "supplier": supplier_id, "site": site_id, "region": region_id}
    return view.cached("dependency", params, lambda: _dependency(view, **params))


def _dependency(view, year, supplier, site, region) -> dict:
    graph = graph_module.load(view.snapshot)
    public_only = view.audience == "public"
    a = graph.arrays
    if supplier is not None:
        index = graph.index_of([supplier])
        tiers = graph_module.walk(
            graph, index, direction="down", year=year, public_only=public_only
        )
        direct = np.asarray(a["oem_sup"]) == (index[0] if index[0] >= 0 else -2)
        failed = {"supplier": view.enterprises([supplier]).get(supplier)}
    else:
        if site is not None:
            predicate = f"l.supplier_site_id = {int(site)}"
            direct = np.asarray(a["oem_sup_site"]) == int(site)
            failed = {"site": site}
        else:
            inside = view.region_subtree(region)
            predicate = f"l.sup_region_id IN ({', '.join(str(i) for i in inside)})"
            direct = np.isin(np.asarray(a["oem_sup_region"]), inside)
            failed = {"region": region_ref(view.regions.get(region))}
        customers = _failing_customers(view.con, view, predicate, year)
        tiers = graph_module.walk(
            graph, graph.index_of(customers), direction="down", year=year, public_only=public_only
        )
        tiers[tiers >= 0] += 1  # the customers of the failing links are one step away
    plants = graph_module.oem_exposure(
        graph, tiers=tiers, direct=direct, year=year, public_only=public_only
    )
    enterprises = view.enterprises([p["customer_id"] for p in plants])
    by_tier = np.bincount(tiers[tiers >= 1]).tolist() if (tiers >= 1).any() else []
    return {
        "snapshot": view.snapshot.version,
        "audience": view.audience,
        "year": year,
        "failed": failed,
        "affected_enterprises": int((tiers >= 1).sum()),
        "affected_by_tier": [
            {"tier": t, "enterprises": n} for t, n in enumerate(by_tier) if t >= 1 and n
        ],
        "plants": [
            {
                "oem": enterprises.get(p["customer_id"]),
                "site_id": p["site_id"],
                "tier": p["tier"],
                "value_total": _money(p["value_total"]),
                "value_at_risk": _money(p["value_at_risk"]),
                "value_direct": _money(p["value_direct"]),
                "share_at_risk": p["share_at_risk"],
            }
            for p in plants
        ],
    }


def _money(value: float) -> str:
    return str(Decimal(repr(round(value, 2))).quantize(CENT))


def most_depended_on(view: View, *, year: int | None, limit: int = 12) -> list[dict]:
    """Suppliers with the most direct customers in the links the audience may count: where a
    dependency walk is worth starting when the user has no supplier in mind."""
    params = {"year": year, "limit": limit}
    return view.cached("most_depended_on", params, lambda: _most_depended_on(view, **params))


def _most_depended_on(view: View, year, limit) -> list[dict]:
    year_sql = f"AND l.year = {int(year)}" if year is not None else ""
    public = "AND l.public" if view.audience == "public" else ""
    rows = view.con.sql(
        "SELECT l.supplier_id, COUNT(DISTINCT l.customer_id) AS customers, "  # noqa: S608
        "COUNT(DISTINCT l.customer_id) FILTER (WHERE l.to_oem) AS oems, "
        f"SUM(l.value) AS value FROM {view.snapshot.links_in(view.con)} l "
        f"WHERE {engine.valid_filter(view.snapshot.table('nodes'))} {public} {year_sql} "
        "GROUP BY l.supplier_id ORDER BY customers DESC, value DESC, l.supplier_id "
        f"LIMIT {int(limit)}"
    ).fetchall()
    return [
        {"supplier_id": int(sid), "customers": int(c), "oems": int(o), "value": str(v or 0)}
        for sid, c, o, v in rows
    ]


def _failing_customers(con, view: View, predicate: str, year) -> np.ndarray:
    year_sql = f"AND l.year = {int(year)}" if year is not None else ""
    public = "AND l.public" if view.audience == "public" else ""
    table = con.sql(
        f"SELECT DISTINCT l.customer_id FROM {view.snapshot.links_in(con)} l "  # noqa: S608
        f"WHERE {engine.valid_filter(view.snapshot.table('nodes'))} {public} "
        f"AND ({predicate}) {year_sql}"
    ).to_arrow_table()
    return table.column(0).to_numpy().astype(np.int64)


def upstream(view: View, *, enterprise_id: int, year: int | None, region_id: int | None) -> dict:
    """Whom an OEM depends on, tier by tier, and how many of them produce inside a region."""
    params = {"enterprise": enterprise_id, "year": year, "region": region_id}
    return view.cached("upstream", params, lambda: _upstream(view, **params))


def _upstream(view, enterprise, year, region) -> dict:
    graph = graph_module.load(view.snapshot)
    tiers = graph_module.walk(
        graph,
        graph.index_of([enterprise]),
        direction="up",
        year=year,
        public_only=view.audience == "public",
    )
    reached = np.flatnonzero(tiers >= 1)
    rows = []
    if reached.size:
        counts = np.bincount(tiers[reached])
        inside = None
        if region is not None:
            ids = graph.ids_of(reached)
            con = view.con
            con.register("reached", pa.table({"id": ids, "tier": tiers[reached]}))
            try:
                regions = view.region_subtree(region)
                inside_rows = con.execute(
                    f"SELECT r.tier, count(*) FROM reached r JOIN "  # noqa: S608
                    f"{view.snapshot.table('enterprises')} e ON e.id = r.id "
                    f"WHERE e.home_region_id IN ({', '.join(str(i) for i in regions)}) "
                    f"GROUP BY r.tier"
                ).fetchall()
            finally:
                con.unregister("reached")
            inside = {int(t): int(n) for t, n in inside_rows}
        for tier, count in enumerate(counts.tolist()):
            if tier >= 1 and count:
                rows.append(
                    {
                        "tier": tier,
                        "suppliers": count,
                        "inside_region": (inside or {}).get(tier, 0) if region else None,
                    }
                )
    return {
        "snapshot": view.snapshot.version,
        "audience": view.audience,
        "enterprise": view.enterprises([enterprise]).get(enterprise),
        "year": year,
        "region": region_ref(view.regions.get(region)) if region else None,
        "suppliers": int(reached.size),
        "tiers": rows,
    }
