"""Chain analytics at national scale: `./run bench chain [--links N --enterprises N ...]`.

1. Generates a synthetic national supply network straight to Parquet (benchmarks/synthetic_chain.py;
   not through Django): by default 1,000,000 enterprises, 10,000,000 supply links, 300 chain nodes,
   3,000 regions. `--big` is the 100,000,000-link run (10,000,000 enterprises).
2. The floor: one plain DuckDB aggregate pass over the link table (the local sourcing rate by
   province), in a fresh process.
3. The full recompute of every metric (engine.recompute: both audiences, every region and year,
   and the dependency graph's "out" direction), in a fresh process; peak memory is that
   process's ru_maxrss. The "in" direction is built by the first upward walk (timed in step 4).
4. The multi-tier dependency closure of the largest OEM (upstream) and of a tier-2 supplier
   (downstream), on the CSR arrays, against networkx on the same graph (the distinct supplier ->
   customer pairs of every year), and checks both find the same enterprises.
5. The ORM check: a 1/100 sample of the links (with their enterprises, sites, regions and nodes)
   loaded into a fresh SQLite database through Django, exported as a snapshot, recomputed, and the
   local sourcing rate and gap list compared with plain ORM queries (clusterhub.chain.analytics.
   oracle) for the busiest provinces, cities and counties, two years, all OEMs and one OEM, both
   audiences. Any difference fails the run.

Each measured step runs in its own process (`--_child`), so its peak memory is its own. Prints a
table and the ratios; `--json` prints everything as JSON. `main(argv)` returns the same dict (the
test suite runs it on a small network with `--inline`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGETS = {
    "recompute_s": 5.0,
    "recompute_gb": 4.0,
    "closure_s": 0.3,
    "closure_speedup": 100.0,
    "big_recompute_s": 60.0,
    "big_recompute_gb": 12.0,
}


def _maxrss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


class AnonPeak:
    """Peak anonymous memory, sampled every 20 ms from /proc/self/status. ru_maxrss also counts
    the pages of the memory-mapped links file that were read (page cache, given back under
    pressure); this is the memory the process itself allocated."""

    def __init__(self):
        import threading

        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("RssAnon:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def gb(self) -> float:
        self._sample()
        self._stop.set()
        return round(self.peak_kb / 1024 / 1024, 2)


# -- the measured steps (each can run in a child process) ------------------------------------


def step_floor(folder: str, threads: int | None) -> dict:
    from clusterhub.chain.analytics import engine

    _warm_imports()
    anon = AnonPeak()
    result = engine.floor_pass(folder, threads=threads)
    return {**result, "peak_gb": round(_maxrss_gb(), 2), "peak_anon_gb": anon.gb()}


def _warm_imports() -> None:
    """Load the libraries first: a worker process has them loaded already, so their import time
    is not part of a recompute."""
    import duckdb  # noqa: F401
    import pyarrow as pa
    import pyarrow.parquet
    import scipy.sparse  # noqa: F401

    from clusterhub.chain.analytics import engine, graph  # noqa: F401

    # DuckDB imports pandas (and more: 340 modules, 0.45 CPU-s) the first time it is handed an
    # Arrow table; a worker did that at its first refresh.
    con = engine.connect()
    con.register("warm", pa.table({"a": [1]}))
    con.execute("SELECT count(*) FROM warm").fetchall()
    con.close()


def step_recompute(folder: str, threads: int | None) -> dict:
    from clusterhub.chain.analytics import engine

    _warm_imports()
    for sub in ("results", "graph"):
        _remove(Path(folder) / sub)
    anon = AnonPeak()
    summary = engine.recompute(folder, threads=threads)
    return {**summary, "peak_gb": round(_maxrss_gb(), 2), "peak_anon_gb": anon.gb()}


def _pick(folder: str) -> tuple[int, int]:
    """The OEM with the most purchases and the tier-2 supplier with the most customers."""
    from clusterhub.chain.analytics import engine

    con = engine.connect()
    try:
        links = engine.Snapshot(folder).links_in(con)
        ents = engine.parquet(Path(folder) / "enterprises.parquet")
        oem = engine.one_row(
            con,
            f"SELECT customer_id FROM {links} WHERE to_oem GROUP BY 1 "  # noqa: S608
            "ORDER BY count(*) DESC, 1 LIMIT 1",
        )[0]
        supplier = engine.one_row(
            con,
            f"SELECT l.supplier_id FROM {links} l JOIN {ents} e ON e.id = l.supplier_id "  # noqa: S608
            "WHERE e.kind = 'tier2' GROUP BY 1 ORDER BY count(DISTINCT l.customer_id) DESC, 1 "
            "LIMIT 1",
        )[0]
    finally:
        con.close()
    return int(oem), int(supplier)


def step_closure(folder: str, repeat: int = 5) -> dict:
    import numpy as np

    from clusterhub.chain.analytics import engine, graph, report

    oem, supplier = _pick(folder)
    snap = engine.Snapshot(folder)
    g = graph.load(snap)
    g.arrays = {k: np.array(v) for k, v in g.arrays.items()}  # copied from the mapped files
    out = {"oem": oem, "supplier": supplier, "edges": len(g.arrays["out_idx"])}
    # The "in" direction is built (and saved) by the first upward walk after a recompute.
    started = time.perf_counter()
    g.edges("up")
    out["in_direction_build_s"] = round(time.perf_counter() - started, 3)
    last_year = g.first_year + g.years - 1
    cases = {
        "oem_upstream_all_years": (oem, "up", None),
        "supplier_downstream_all_years": (supplier, "down", None),
        "oem_upstream_one_year": (oem, "up", last_year),
        "supplier_downstream_one_year": (supplier, "down", last_year),
    }
    for name, (who, direction, year) in cases.items():
        seeds = g.index_of([who])
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            tiers = graph.walk(g, seeds, direction=direction, year=year)
            times.append(time.perf_counter() - started)
        reached = np.flatnonzero(tiers >= 1)
        out[name] = {
            "seconds": round(min(times), 4),
            "median_s": round(sorted(times)[len(times) // 2], 4),
            "first_s": round(times[0], 4),
            "reached": int(reached.size),
            "tiers": int(tiers.max()),
            "checksum": int(g.ids_of(reached).sum()) if reached.size else 0,
        }
    # The whole answer of the dependency explorer: walk + every OEM plant's share at risk.
    view = report.View(snap, "all")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = report._dependency(view, last_year, supplier, None, None)
        times.append(time.perf_counter() - started)
    view.close()
    out["dependency_answer"] = {
        "seconds": round(min(times), 4),
        "plants": len(answer["plants"]),
        "affected": answer["affected_enterprises"],
    }
    out["peak_gb"] = round(_maxrss_gb(), 2)
    return out


def step_networkx(folder: str, oem: int, supplier: int, max_edges: int) -> dict:
    """networkx on the same graphs: the distinct supplier -> customer pairs of every year, and of
    the last year."""
    import networkx as nx

    from clusterhub.chain.analytics import engine

    con = engine.connect()
    try:
        snap = engine.Snapshot(folder)
        engine.register_trees(con, snap)
        links = snap.links_in(con)
        last = engine.one_row(con, f"SELECT max(l.year) FROM {links} l WHERE {engine.VALID}")[0]  # noqa: S608
        pairs = {
            "all_years": con.sql(
                f"SELECT DISTINCT l.supplier_id, l.customer_id FROM {links} l "  # noqa: S608
                f"WHERE {engine.VALID}"
            ).fetchnumpy(),
            "one_year": con.sql(
                f"SELECT DISTINCT l.supplier_id, l.customer_id FROM {links} l "  # noqa: S608
                f"WHERE {engine.VALID} AND l.year = {int(last)}"
            ).fetchnumpy(),
        }
    finally:
        con.close()
    out = {}
    for span, edges in pairs.items():
        count = len(edges["supplier_id"])
        limit = min(count, max_edges)
        started = time.perf_counter()
        graph = nx.DiGraph()
        graph.add_edges_from(
            zip(
                edges["supplier_id"][:limit].tolist(),
                edges["customer_id"][:limit].tolist(),
                strict=True,
            )
        )
        out[f"{span}_graph"] = {
            "edges": limit,
            "all_edges": count,
            "subgraph": count > max_edges,
            "build_s": round(time.perf_counter() - started, 2),
        }
        for name, (who, walk) in {
            f"oem_upstream_{span}": (oem, nx.ancestors),
            f"supplier_downstream_{span}": (supplier, nx.descendants),
        }.items():
            started = time.perf_counter()
            found = walk(graph, who) if who in graph else set()
            out[name] = {
                "seconds": round(time.perf_counter() - started, 3),
                "reached": len(found),
                "checksum": sum(found),
            }
        del graph
    out["subgraph"] = any(v.get("subgraph") for k, v in out.items() if k.endswith("_graph"))
    out["peak_gb"] = round(_maxrss_gb(), 2)
    return out


def orm_check(folder: str, *, rate: float = 0.01, seed: int = 7, work: str | None = None) -> dict:
    """Load a sample into the configured Django database, export and recompute it, and compare
    the engine's local sourcing rate and gap list with the ORM oracle's. Django must be set up
    and migrated."""
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from clusterhub.chain.analytics import engine, oracle, report, snapshot
    from clusterhub.chain.models import ChainNode, SupplyLink
    from clusterhub.enterprises.models import Enterprise, Site
    from clusterhub.geo.models import Region

    started = time.perf_counter()
    src = Path(folder)
    links = engine.Snapshot(src).links()
    rng = np.random.default_rng(seed)
    keep = rng.random(links.num_rows) < rate
    links = links.filter(keep)
    # The database refuses what the engine skips and reports: negative values, unknown nodes,
    # a supplier selling to itself. Missing values stay (the engine skips them too).
    nodes_table = pq.read_table(src / "nodes.parquet")
    node_ids = nodes_table.column("id")
    ok = pc.and_(
        pc.is_in(links.column("node_id"), value_set=node_ids),
        pc.not_equal(links.column("supplier_id"), links.column("customer_id")),
    )
    ok = pc.and_(ok, pc.fill_null(pc.greater_equal(links.column("value"), 0), True))
    links = links.filter(ok)
    used = set(links.column("supplier_id").to_pylist()) | set(
        links.column("customer_id").to_pylist()
    )
    ents = pq.read_table(src / "enterprises.parquet").to_pylist()
    sites = pq.read_table(src / "sites.parquet")
    wanted_sites = set(links.column("supplier_site_id").drop_null().to_pylist()) | set(
        links.column("customer_site_id").drop_null().to_pylist()
    )

    regions = sorted(pq.read_table(src / "regions.parquet").to_pylist(), key=lambda r: r["path"])
    Region.objects.bulk_create(
        [
            Region(
                id=r["id"],
                code=r["code"],
                name=r["name"],
                name_en=r["name_en"] or "",
                level=r["level"] if r["level"] in ("province", "prefecture") else "county",
                parent_id=r["parent_id"],
                path=r["path"],
            )
            for r in regions
        ],
        batch_size=2000,
    )
    ChainNode.objects.bulk_create(
        [
            ChainNode(
                id=n["id"],
                code=n["code"],
                name=n["name"],
                name_en=n["name_en"],
                parent_id=n["parent_id"],
                segment=n["segment"],
                depth=n["depth"],
                path=n["path"],
                sort_order=n["sort_order"] or 0,
            )
            for n in sorted(nodes_table.to_pylist(), key=lambda n: n["path"])
        ],
        batch_size=2000,
    )
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                id=e["id"],
                public_id=e["public_id"],
                name=e["name"],
                name_en=e["name_en"],
                kind=e["kind"],
                home_region_id=e["home_region_id"],
                confidentiality=e["confidentiality"],
            )
            for e in ents
            if e["id"] in used
        ],
        batch_size=5000,
    )
    Site.objects.bulk_create(
        [
            Site(
                id=s["id"],
                enterprise_id=s["enterprise_id"],
                name=s["name"],
                kind="plant",
                region_id=s["region_id"],
            )
            for s in sites.to_pylist()
            if s["id"] in wanted_sites
        ],
        batch_size=5000,
    )
    rows = links.to_pylist()
    SupplyLink.objects.bulk_create(
        [
            SupplyLink(
                id=r["id"],
                supplier_id=r["supplier_id"],
                supplier_site_id=r["supplier_site_id"],
                customer_id=r["customer_id"],
                customer_site_id=r["customer_site_id"],
                chain_node_id=r["node_id"],
                year=r["year"],
                annual_value=r["value"],
                confidentiality="public" if r["public"] else "internal",
                is_synthetic=True,
            )
            for r in rows
        ],
        batch_size=5000,
    )
    loaded = time.perf_counter() - started

    work_dir = Path(work or tempfile.mkdtemp(prefix="bench-chain-orm-"))
    sample = work_dir / "sample-snapshot"
    _remove(sample)
    counts = snapshot.export(sample)
    (sample / "manifest.json").write_text(json.dumps({"version": "orm-sample", "counts": counts}))
    engine.recompute(sample, graph=False)
    snap = engine.Snapshot(sample)

    # The busiest buying areas at each level, two years, all OEMs and the biggest one.
    con = engine.connect()
    try:
        engine.register_trees(con, snap)
        levels = engine.Tree.from_table(snap.read_table("regions", ["id", "path"])).max_depth + 1
        busiest = []
        for lv in range(min(levels, 3)):
            busiest += [
                r[0]
                for r in con.execute(
                    f"SELECT rb.a{lv} FROM {snap.links_in(con)} l "  # noqa: S608
                    f"JOIN reg rb ON rb.id = l.buy_region_id WHERE l.to_oem AND rb.a{lv} "
                    "IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 3"
                ).fetchall()
            ]
        years = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT year FROM {snap.links_in(con)} ORDER BY 1"  # noqa: S608
            ).fetchall()
        ]
        top_oem = engine.one_row(
            con,
            f"SELECT customer_id FROM {snap.links_in(con)} WHERE to_oem "  # noqa: S608
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        )
    finally:
        con.close()
    years = [years[0], years[-1]] if years else []
    oem_sets = [None, [int(top_oem[0])]] if top_oem else [None]
    compared = differences = 0
    links_checked = 0
    orm_seconds = engine_seconds = 0.0
    problems = []
    for audience in ("all", "public"):
        view = report.View(snap, audience)
        for region_id in busiest:
            region = Region.objects.get(pk=region_id)
            for year in years:
                for oem_ids in oem_sets:
                    t0 = time.perf_counter()
                    mine = report._region_report(
                        view,
                        region_id,
                        year,
                        oem_ids,
                        engine.DEFAULT_WEAK_THRESHOLD,
                        engine.DEFAULT_SINGLE_SOURCE_THRESHOLD,
                    )
                    t1 = time.perf_counter()
                    rate = oracle.local_sourcing_rate(
                        region=region, year=year, oem_ids=oem_ids, audience=audience
                    )
                    gaps = oracle.gap_list(
                        region=region, year=year, oem_ids=oem_ids, audience=audience
                    )
                    t2 = time.perf_counter()
                    engine_seconds += t1 - t0
                    orm_seconds += t2 - t1
                    compared += 1
                    links_checked += rate["count_total"]
                    found = _differences(mine, rate, gaps)
                    if found:
                        differences += 1
                        problems.append(
                            {
                                "region": region.code,
                                "year": year,
                                "oems": oem_ids,
                                "audience": audience,
                                "first": found[:3],
                            }
                        )
        view.close()
    return {
        "sample_links": len(rows),
        "load_s": round(loaded, 1),
        "comparisons": compared,
        "links_compared": links_checked,
        "differences": differences,
        "equal": differences == 0 and compared > 0,
        "orm_query_s": round(orm_seconds, 2),
        "engine_read_s": round(engine_seconds, 2),
        "problems": problems[:5],
    }


def _differences(mine: dict, rate: dict, gaps: list[dict]) -> list[str]:
    from decimal import Decimal

    out = []
    r = mine["rate"]
    for key in ("value_total", "value_local"):
        if Decimal(r[key]) != rate[key]:
            out.append(f"rate {key}: {r[key]} != {rate[key]}")
    for key in ("count_total", "count_local"):
        if r[key] != rate[key]:
            out.append(f"rate {key}: {r[key]} != {rate[key]}")
    by_code = {n["code"]: n for n in mine["by_node"] if n["class"]}
    if set(by_code) != {g["code"] for g in gaps}:
        out.append("different nodes classified")
    for gap in gaps:
        node = by_code.get(gap["code"])
        if node is None:
            continue
        if node["class"] != gap["class"]:
            out.append(f"{gap['code']}: {node['class']} != {gap['class']}")
        if (
            Decimal(node["unmet"]) != gap["unmet"]
            or Decimal(node["value_total"]) != gap["value_total"]
        ):
            out.append(f"{gap['code']}: values differ")
    ranked = [g["code"] for g in gaps if g["class"] != "strong"]
    if [g["code"] for g in mine["gaps"]] != ranked:
        out.append("gap list order differs")
    return out


def step_orm(folder: str, rate: float, work: str) -> dict:
    """The ORM check in a fresh SQLite database (never the user's)."""
    os.environ["CLUSTERHUB_DATA_DIR"] = work
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result = orm_check(folder, rate=rate, work=work)
    result["migrate_s"] = round(time.perf_counter() - started - result["load_s"], 1)
    result["peak_gb"] = round(_maxrss_gb(), 2)
    return result


# -- orchestration ----------------------------------------------------------------------------


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _child(step: str, *args) -> dict:
    """Run one step in a fresh Python; its last output line is the JSON result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--_child", step, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run(step: str, inline: bool, *args) -> dict:
    functions = {
        "floor": step_floor,
        "recompute": step_recompute,
        "closure": step_closure,
        "networkx": step_networkx,
        "orm": step_orm,
    }
    if inline:
        return functions[step](*args)
    return _child(step, *args)


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=10_000_000)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=300)
    parser.add_argument("--regions", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=20211019)
    parser.add_argument("--big", action="store_true", help="100M links, 10M enterprises")
    parser.add_argument("--out", help="data folder (default benchmarks/out/chain-<links>)")
    parser.add_argument("--reuse", action="store_true", help="reuse data generated before")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    parser.add_argument("--sample", type=float, default=0.01, help="ORM check sample (0: skip)")
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument(
        "--nx-max-edges",
        type=int,
        default=30_000_000,
        help="networkx on at most this many edges (a labelled subgraph above it)",
    )
    parser.add_argument("--inline", action="store_true", help="no child processes (tests)")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse(argv)
    if args.big:
        args.links, args.enterprises = 100_000_000, 10_000_000
    out = Path(args.out or HERE / "out" / f"chain-{args.links}")
    result = {
        "machine": {"cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2)},
        "sizes": {
            "links": args.links,
            "enterprises": args.enterprises,
            "nodes": args.nodes,
            "regions": args.regions,
        },
    }
    import synthetic_chain

    manifest = out / "manifest.json"
    if args.reuse and manifest.exists():
        result["generate"] = {**json.loads(manifest.read_text()), "reused": True}
    else:
        _remove(out)
        result["generate"] = synthetic_chain.generate(
            out,
            enterprises=args.enterprises,
            links=args.links,
            nodes=args.nodes,
            regions=args.regions,
            seed=args.seed,
        )
    folder = str(out)
    threads = args.threads
    result["floor"] = _run("floor", args.inline, folder, threads or 0)
    result["recompute"] = _run("recompute", args.inline, folder, threads or 0)
    result["closure"] = _run("closure", args.inline, folder)
    if not args.no_networkx:
        result["networkx"] = _run(
            "networkx",
            args.inline,
            folder,
            result["closure"]["oem"],
            result["closure"]["supplier"],
            args.nx_max_edges,
        )
    if args.sample > 0:
        if args.inline:
            result["orm"] = orm_check(folder, rate=args.sample, work=str(out / "orm"))
        else:
            work = tempfile.mkdtemp(prefix="bench-chain-orm-")
            result["orm"] = _run("orm", False, folder, args.sample, work)
            _remove(Path(work))
    result["ratios"] = ratios(result)
    result["load_1min_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(table(result, big=args.links >= 50_000_000))
    return result


CASES = (
    "oem_upstream_all_years",
    "supplier_downstream_all_years",
    "oem_upstream_one_year",
    "supplier_downstream_one_year",
)


def ratios(result: dict) -> dict:
    out = {
        "recompute_over_floor": round(
            result["recompute"]["seconds"] / result["floor"]["seconds"], 1
        )
    }
    nx_ = result.get("networkx")
    if nx_:
        for case in CASES:
            ours = result["closure"][case]
            theirs = nx_[case]
            speedup = theirs["seconds"] / max(ours["seconds"], 1e-6)
            if nx_["subgraph"]:
                speedup = None  # different graphs: not comparable
            out[f"{case}_speedup"] = round(speedup, 1) if speedup else None
            out[f"{case}_same_result"] = (
                None
                if nx_["subgraph"]
                else ours["reached"] == theirs["reached"] and ours["checksum"] == theirs["checksum"]
            )
    return out


def table(result: dict, big: bool = False) -> str:
    r, c = result["recompute"], result["closure"]
    lines = [
        f"Chain analytics benchmark: {result['sizes']['links']:,} links, "
        f"{result['sizes']['enterprises']:,} enterprises, {result['sizes']['nodes']} nodes, "
        f"{result['sizes']['regions']:,} regions; {result['machine']['cpus']} CPUs, "
        f"load {result['machine']['load_1min']} before, {result['load_1min_after']} after",
        f"  generate (not timed against targets)  {result['generate'].get('seconds', '-')} s",
        f"  floor: one DuckDB pass                {result['floor']['seconds']:.3f} s",
        f"  full recompute                        {r['seconds']:.2f} s wall, "
        f"{r.get('cpu_seconds', 0):.2f} s CPU, peak {r['peak_gb']:.2f} GB "
        f"(allocated {r.get('peak_anon_gb', 0):.2f} GB)",
        f"    ratio to the floor                  {result['ratios']['recompute_over_floor']}x",
    ]
    for step, seconds in r["steps"].items():
        lines.append(f"    {step:<36}{seconds:.3f} s  (CPU {r['steps_cpu'].get(step, 0):.3f})")
    for case in (
        "oem_upstream_all_years",
        "supplier_downstream_all_years",
        "oem_upstream_one_year",
        "supplier_downstream_one_year",
    ):
        lines.append(
            f"  closure {case:<30}{c[case]['seconds']:.4f} s  (median {c[case]['median_s']:.4f}, "
            f"first {c[case].get('first_s', 0):.4f}; {c[case]['reached']:,} reached, "
            f"{c[case]['tiers']} tiers)"
        )
    lines.append(
        f"  'in' direction built by the first upward walk  {c.get('in_direction_build_s', 0):.3f} s"
    )
    lines.append(
        f"  dependency answer (walk + shares)     {c['dependency_answer']['seconds']:.4f} s "
        f"({c['dependency_answer']['plants']} OEM plants)"
    )
    nx_ = result.get("networkx")
    if nx_:
        for span in ("all_years", "one_year"):
            built = nx_[f"{span}_graph"]
            label = " (SUBGRAPH, not comparable)" if built["subgraph"] else ""
            lines.append(
                f"  networkx graph {span}{label}: built in {built['build_s']} s, "
                f"{built['edges']:,} edges"
            )
        for case in CASES:
            lines.append(
                f"  networkx {case:<29}{nx_[case]['seconds']:.3f} s  "
                f"speed-up {result['ratios'].get(case + '_speedup')}x, same result: "
                f"{result['ratios'].get(case + '_same_result')}"
            )
    orm = result.get("orm")
    if orm:
        lines.append(
            f"  ORM check on a sample of {orm['sample_links']:,} links: {orm['comparisons']} "
            f"comparisons, {orm['differences']} differing -> {'OK' if orm['equal'] else 'FAILED'}"
        )
    seconds_target = TARGETS["big_recompute_s" if big else "recompute_s"]
    gb_target = TARGETS["big_recompute_gb" if big else "recompute_gb"]
    lines.append(
        f"  targets: recompute < {seconds_target} s: {r['seconds'] < seconds_target}; "
        f"< {gb_target} GB: {r['peak_gb'] < gb_target}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--_child":
        step, rest = sys.argv[2], sys.argv[3:]
        if step in ("floor", "recompute"):
            output = {"floor": step_floor, "recompute": step_recompute}[step](
                rest[0], int(rest[1]) or None
            )
        elif step == "closure":
            output = step_closure(rest[0])
        elif step == "networkx":
            output = step_networkx(rest[0], int(rest[1]), int(rest[2]), int(rest[3]))
        else:
            output = step_orm(rest[0], float(rest[1]), rest[2])
        print(json.dumps(output, default=str))
    else:
        outcome = main()
        orm_result = outcome.get("orm")
        if orm_result is not None and not orm_result["equal"]:
            sys.exit(1)
