"""The engine on snapshots written by hand (no database): bad rows, cycles, dependency walks."""

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clusterhub.chain.analytics import engine, graph, report

# Regions: Jilin 1 > Changchun 2 > Chaoyang 3; Jilin > Siping 4; Liaoning 5 > Shenyang 6.
REGIONS = [
    (1, "220000", None, "220000/"),
    (2, "220100", 1, "220000/220100/"),
    (3, "220104", 2, "220000/220100/220104/"),
    (4, "220300", 1, "220000/220300/"),
    (5, "210000", None, "210000/"),
    (6, "210100", 5, "210000/210100/"),
]
NODES = [
    (1, "PRT", None, "PRT/", 0, "parts"),
    (2, "PRT.BDY", 1, "PRT/PRT.BDY/", 1, "parts"),
    (3, "PRT.CHS", 1, "PRT/PRT.CHS/", 1, "parts"),
    (4, "MAT", None, "MAT/", 0, "materials"),
]
# Enterprises: OEM 10 (Changchun); tier-1 20 (Chaoyang), 21 (Shenyang); tier-2 30 (Siping),
# 31 (Shenyang); another OEM 11 (Chaoyang).
ENTERPRISES = [(10, "oem", 3), (11, "oem", 3), (20, "tier1", 3), (21, "tier1", 6)]
ENTERPRISES += [(30, "tier2", 4), (31, "tier2", 6)]


def write_snapshot(path, links):
    """links: (supplier, customer, node, year, value, public[, supplier_site])."""
    home = {e: r for e, _, r in ENTERPRISES}
    kind = {e: k for e, k, _ in ENTERPRISES}
    tables = {
        "regions": {
            "id": [r[0] for r in REGIONS],
            "code": [r[1] for r in REGIONS],
            "name": [r[1] for r in REGIONS],
            "name_en": [r[1] for r in REGIONS],
            "parent_id": [r[2] for r in REGIONS],
            "path": [r[3] for r in REGIONS],
            "level": ["x"] * len(REGIONS),
            "longitude": [None] * len(REGIONS),
            "latitude": [None] * len(REGIONS),
        },
        "nodes": {
            "id": [n[0] for n in NODES],
            "code": [n[1] for n in NODES],
            "name": [n[1] for n in NODES],
            "name_en": [n[1] for n in NODES],
            "parent_id": [n[2] for n in NODES],
            "path": [n[3] for n in NODES],
            "depth": [n[4] for n in NODES],
            "segment": [n[5] for n in NODES],
            "sort_order": [0] * len(NODES),
        },
        "enterprises": {
            "id": [e for e, _, _ in ENTERPRISES],
            "public_id": [f"E{e}" for e, _, _ in ENTERPRISES],
            "name": [f"企业{e}" for e, _, _ in ENTERPRISES],
            "name_en": [f"Firm {e}" for e, _, _ in ENTERPRISES],
            "kind": [k for _, k, _ in ENTERPRISES],
            "home_region_id": [r for _, _, r in ENTERPRISES],
            "confidentiality": ["public"] * len(ENTERPRISES),
        },
        "sites": {
            "id": [e for e, _, _ in ENTERPRISES] + [99],
            "enterprise_id": [e for e, _, _ in ENTERPRISES] + [21],
            "name": [f"厂{e}" for e, _, _ in ENTERPRISES] + ["沈阳二厂"],
            "region_id": [r for _, _, r in ENTERPRISES] + [6],
            "longitude": [None] * (len(ENTERPRISES) + 1),
            "latitude": [None] * (len(ENTERPRISES) + 1),
        },
    }
    rows = [(*link, None)[:7] for link in links]
    tables["links"] = {
        "id": list(range(1, len(rows) + 1)),
        "supplier_id": [r[0] for r in rows],
        "supplier_site_id": [r[6] or r[0] for r in rows],
        "sup_region_id": [6 if r[6] == 99 else home.get(r[0]) for r in rows],
        "customer_id": [r[1] for r in rows],
        "customer_site_id": [r[1] for r in rows],
        "buy_region_id": [home.get(r[1]) for r in rows],
        "to_oem": [kind.get(r[1]) == "oem" for r in rows],
        "node_id": [r[2] for r in rows],
        "year": [r[3] for r in rows],
        "value": [None if r[4] is None else Decimal(str(r[4])) for r in rows],
        "public": [r[5] for r in rows],
    }
    path.mkdir(parents=True, exist_ok=True)
    links = tables.pop("links")
    for name, columns in tables.items():
        pq.write_table(pa.table(columns, schema=engine.SCHEMAS[name]), path / f"{name}.parquet")
    with engine.LinkWriter(path) as writer:
        writer.write(pa.table(links, schema=engine.LINK_SCHEMA))
    return engine.Snapshot(path)


@pytest.fixture
def snap(tmp_path):
    def make(links):
        snapshot = write_snapshot(tmp_path / "snap", links)
        engine.recompute(snapshot.path, threads=1)
        return snapshot

    return make


def test_bad_rows_are_skipped_and_counted(snap):
    snapshot = snap(
        [
            (20, 10, 2, 2024, 100, False),
            (21, 10, 2, 2024, 300, False),
            (31, 10, 2, 2024, -50, False),  # negative
            (30, 10, 2, 2024, None, False),  # missing
            (30, 10, 77, 2024, 40, False),  # unknown node
            (10, 10, 2, 2024, 60, False),  # the OEM selling to itself
        ]
    )
    done = (snapshot.path / "results" / "done.json").read_text()
    assert '"negative_value": 1' in done and '"missing_value": 1' in done
    assert '"unknown_node": 1' in done and '"self_supply": 1' in done and '"skipped": 4' in done
    rate = engine.Results(snapshot.results_dir("all")).rate(1)
    assert rate == [
        {
            "year": 2024,
            "value_total": 40000,
            "value_local": 10000,
            "count_total": 2,
            "count_local": 1,
        }
    ]


def test_public_audience_counts_public_links_only(snap):
    snapshot = snap([(20, 10, 2, 2024, 100, True), (21, 10, 2, 2024, 300, False)])
    public = engine.Results(snapshot.results_dir("public")).rate(1)
    assert (public[0]["value_total"], public[0]["value_local"]) == (10000, 10000)
    assert engine.Results(snapshot.results_dir("all")).rate(1)[0]["value_total"] == 40000


def test_classify_is_exact_at_the_thresholds():
    assert engine.classify(value_total=100, value_local=30, top=70, oem_total=100) == "strong"
    assert engine.classify(value_total=100, value_local=29, top=70, oem_total=100) == "weak"
    assert engine.classify(value_total=100, value_local=30, top=71, oem_total=100) == (
        "single_source"
    )
    assert engine.classify(value_total=100, value_local=0, top=100, oem_total=100) == "missing"
    assert engine.classify(value_total=0, value_local=0, top=None, oem_total=None) is None


LINKS_WITH_A_CYCLE = [
    (30, 20, 3, 2024, 50, False),  # tier-2 Siping -> tier-1 Chaoyang
    (20, 30, 3, 2024, 10, False),  # ...and back: a cycle
    (20, 10, 3, 2024, 100, False),  # tier-1 Chaoyang -> OEM 10
    (21, 10, 3, 2024, 300, False),  # tier-1 Shenyang -> OEM 10 (unaffected)
    (21, 11, 2, 2024, 80, False, 99),  # Shenyang's second site -> OEM 11
    (21, 11, 3, 2024, 20, False),  # Shenyang's main site -> OEM 11
    (31, 21, 2, 2023, 70, False),  # another year
]


def test_dependency_through_tiers_with_a_cycle(snap):
    snapshot = snap(LINKS_WITH_A_CYCLE)
    g = graph.load(snapshot)
    tiers = graph.walk(g, g.index_of([30]), direction="down", year=2024)
    reached = np.flatnonzero(tiers >= 0)
    ids = dict(zip(g.ids_of(reached).tolist(), tiers[reached].tolist(), strict=True))
    assert ids == {30: 0, 20: 1, 10: 2}  # the cycle back to 30 ends the walk
    view = report.View(snapshot, "all")
    answer = report.dependency(view, year=2024, supplier_id=30)
    plants = {p["oem"]["id"]: p for p in answer["plants"]}
    assert set(plants) == {10}
    assert plants[10]["tier"] == 2
    assert plants[10]["share_at_risk"] == 0.25  # 100 of 400
    assert plants[10]["value_at_risk"] == "100.00" and plants[10]["value_direct"] == "0.00"
    assert answer["affected_by_tier"] == [
        {"tier": 1, "enterprises": 1},
        {"tier": 2, "enterprises": 1},
    ]


def test_dependency_on_a_site_and_on_a_region(snap):
    snapshot = snap(LINKS_WITH_A_CYCLE)
    view = report.View(snapshot, "all")
    site = report.dependency(view, year=2024, site_id=99)  # only the second site fails
    [plant] = site["plants"]
    assert (plant["oem"]["id"], plant["share_at_risk"], plant["tier"]) == (11, 0.8, 1)
    liaoning = report.dependency(view, year=2024, region_id=5)  # every producer in Liaoning
    shares = {p["oem"]["id"]: p["share_at_risk"] for p in liaoning["plants"]}
    assert shares == {10: 0.75, 11: 1.0}
    # Nothing was bought in 2023 from anyone OEM-bound: no plant at risk that year.
    assert report.dependency(view, year=2023, supplier_id=31)["plants"] == []


def test_upstream_tiers_of_an_oem(snap):
    snapshot = snap(LINKS_WITH_A_CYCLE)
    view = report.View(snapshot, "all")
    answer = report.upstream(view, enterprise_id=10, year=2024, region_id=1)
    assert answer["tiers"] == [
        {"tier": 1, "suppliers": 2, "inside_region": 1},
        {"tier": 2, "suppliers": 1, "inside_region": 1},
    ]
    # Every year: Shenyang's 2023 tier-2 joins.
    assert report.upstream(view, enterprise_id=10, year=None, region_id=None)["suppliers"] == 4


def test_the_upward_direction_is_built_on_first_use_and_kept(snap):
    snapshot = snap(LINKS_WITH_A_CYCLE)
    assert not (snapshot.graph_dir / "in_idx.npy").exists()  # the recompute skips it
    g = graph.load(snapshot)
    tiers = graph.walk(g, g.index_of([10]), direction="up", year=2024)
    reached = np.flatnonzero(tiers >= 1)
    assert dict(zip(g.ids_of(reached).tolist(), tiers[reached].tolist(), strict=True)) == {
        20: 1,
        21: 1,
        30: 2,
    }
    assert (snapshot.graph_dir / "in_idx.npy").exists()
    graph._loaded.clear()  # another process: reads the saved files
    again = graph.load(snapshot)
    assert "in_idx" in again.arrays
    assert np.array_equal(graph.walk(again, again.index_of([10]), direction="up", year=2024), tiers)


def test_walk_on_a_long_cycle_ends():
    # A ring of 2,000 enterprises, 0 -> 1 -> ... -> 1999 -> 0, internal links of one year: each
    # enterprise has two CSR buckets (internal, public) and its one edge is internal.
    n = 2000
    buckets = np.arange(2 * n + 1)
    g = graph.Graph(
        2024,
        1,
        {
            "ent_ids": np.arange(n, dtype=np.int64),
            "out_indptr": ((buckets + 1) // 2).astype(np.int64),
            "out_idx": ((np.arange(n) + 1) % n).astype(np.int32),
        },
    )
    tiers = graph.walk(g, [0], direction="down", year=2024)
    assert tiers.max() == n - 1 and (tiers >= 0).all()
    assert (graph.walk(g, [0], direction="down", year=2024, public_only=True) <= 0).all()
    assert graph.walk(g, [0], direction="down", max_tiers=3).max() == 3


def test_every_year_walk_from_one_enterprise_matches_the_level_walk():
    """One seed over every year takes scipy's breadth-first search; several seeds the numpy walk.
    Both give the same tiers on a random graph with cycles and repeated pairs across years."""
    rng = np.random.default_rng(5)
    n, years, edges = 400, 3, 3000
    buckets = years * 2
    src = rng.integers(0, n - 1, edges)  # enterprise n - 1 has no links at all
    dst = rng.integers(0, n - 1, edges)
    src, dst = np.concatenate([src, src[:500]]), np.concatenate([dst, dst[:500]])
    bucket = rng.integers(0, buckets, len(src))
    arrays = {"ent_ids": np.arange(n, dtype=np.int64)}
    for name, a, b in (("out", src, dst), ("in", dst, src)):
        rows = a * buckets + bucket
        order = np.argsort(rows, kind="stable")
        arrays[f"{name}_indptr"] = np.concatenate(
            [[0], np.cumsum(np.bincount(rows, minlength=n * buckets))]
        ).astype(np.int32)
        arrays[f"{name}_idx"] = b[order].astype(np.int32)
    g = graph.Graph(2023, years, arrays)
    lonely = n - 1
    for direction in ("down", "up"):
        for seed in range(0, n - 1, 7):
            for max_tiers in (None, 1, 3):
                one = graph.walk(g, [seed], direction=direction, max_tiers=max_tiers)
                two = graph.walk(g, [seed, lonely], direction=direction, max_tiers=max_tiers)
                assert two[lonely] == 0 and one[lonely] == -1
                two[lonely] = -1
                assert np.array_equal(one, two), (direction, seed, max_tiers)


def test_numpy_roll_ups_equal_the_plain_sql(tmp_path):
    """The rejects, the scope aggregates, the by-node roll-up and the city sales are computed in
    numpy; on a generated network (bad rows, unlocated ends and all) they give exactly the rows of
    the plain SQL they replaced, for both audiences."""
    import importlib.util
    import sys
    from pathlib import Path

    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(benchmarks))
    try:
        spec = importlib.util.spec_from_file_location(
            "synthetic_chain", benchmarks / "synthetic_chain.py"
        )
        synthetic = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(synthetic)
    finally:
        sys.path.remove(str(benchmarks))
    import pyarrow.compute as pc
    import pyarrow.ipc as ipc

    folder = tmp_path / "net"
    synthetic.generate(folder, enterprises=2000, links=20000, nodes=60, regions=400, seed=3)
    # Some links with an unlocated supplier, customer or year, and one from an unknown region.
    path = folder / engine.LINKS_FILE
    with pa.OSFile(str(path)) as source:  # read, not mapped: the file is rewritten below
        links = ipc.open_file(source).read_all()
    row = np.arange(links.num_rows)
    for name, every in (("sup_region_id", 97), ("buy_region_id", 89), ("year", 101)):
        column = links.column(name)
        links = links.set_column(
            links.schema.get_field_index(name),
            name,
            pc.if_else(pa.array(row % every == 5), pa.nulls(len(row), column.type), column),
        )
    # Both ends in a province, with no city (some buying in the same one), and an unknown region.
    provinces = pq.read_table(folder / "regions.parquet").filter(pc.field("level") == "province")
    province = provinces.column("id").to_numpy()
    for name in ("sup_region_id", "buy_region_id"):
        ids = links.column(name).to_numpy(zero_copy_only=False)
        ids[row % 50 == 3] = province[(row[row % 50 == 3] // 50) % 2]
        if name == "buy_region_id":
            ids[7] = 10**9
        links = links.set_column(
            links.schema.get_field_index(name), name, pa.array(ids, pa.int64(), mask=np.isnan(ids))
        )
    with engine.LinkWriter(folder) as writer:
        writer.write(links)
    snapshot = engine.Snapshot(folder)
    con = engine.connect(threads=1)
    regions, _ = engine.register_trees(con, snapshot)
    levels = regions.max_depth + 1
    nodes = engine._node_arrays(con)
    reg = con.sql("SELECT * FROM reg").fetchnumpy()
    columns = engine.load_links(snapshot, nodes[0])
    rejects = engine.count_rejects(columns)
    node_index = np.zeros(int(nodes[0].max()) + 1, np.int32)
    node_index[nodes[0]] = np.arange(len(nodes[0]))
    scope = engine.scope_arrays(columns, engine.scope_mask(columns, None), node_index)
    aggregates = engine.create_scope_aggregates(
        con, scope, reg=reg, levels=levels, node_ids=nodes[0]
    )
    l_ = snapshot.links_in(con)
    valid = engine.VALID

    def same(left: str, right: str) -> None:
        for a, b in ((left, right), (right, left)):
            extra = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall()  # noqa: S608
            assert extra == [(0,)]
        assert con.execute(f"SELECT count(*) FROM ({left})").fetchall()[0][0] > 0  # noqa: S608

    sql_rejects = con.execute(
        f"""
        SELECT count(*), min(year) FILTER (WHERE {valid}), max(year) FILTER (WHERE {valid}),
               count(*) FILTER (WHERE value IS NULL), count(*) FILTER (WHERE value < 0),
               count(*) FILTER (WHERE node_id IS NULL OR node_id NOT IN (SELECT id FROM node_t)),
               count(*) FILTER (WHERE supplier_id = customer_id),
               count(*) FILTER (WHERE year IS NULL), count(*) FILTER (WHERE NOT ({valid})),
               count(*) FILTER (WHERE sup_region_id IS NULL),
               count(*) FILTER (WHERE buy_region_id IS NULL)
        FROM {l_} l
        """  # noqa: S608
    ).fetchall()[0]
    assert tuple(rejects.values()) == sql_rejects
    assert rejects["missing_year"] and rejects["unlocated_supplier"] and rejects["skipped"]
    # The three grouping sets as one SQL pass over the links computed them.
    cd = " + ".join(f"coalesce(rb.a{lv} = rs.a{lv}, false)::TINYINT" for lv in range(levels))
    scity = "coalesce(rs.a1, rs.a0)"
    for name, key, column in (
        ("agg_oem", "l.customer_id", "customer"),
        ("agg_node", "l.node_id", "node"),
        ("agg_city", scity, "scity"),
    ):
        assert aggregates[name].column_names[2] == column
        same(
            f"SELECT * FROM {name}",  # noqa: S608
            f"SELECT l.buy_region_id, l.year, {key}, ({cd})::TINYINT, l.public, "  # noqa: S608
            f"sum((l.value * 100)::BIGINT)::BIGINT, count(*) FROM {l_} l "
            "JOIN reg rb ON rb.id = l.buy_region_id LEFT JOIN reg rs ON rs.id = l.sup_region_id "
            f"WHERE {valid} AND l.to_oem GROUP BY ALL",
        )
    assert con.execute("SELECT count(*) FROM agg_city WHERE scity IS NULL").fetchall()[0][0]

    for audience in ("all", "public"):
        public = "AND t.public" if audience == "public" else ""
        leaf = engine._union(
            [
                f"SELECT r.a{lv} AS region_id, t.year, t.node, sum(v) AS value_total, "  # noqa: S608
                f"sum(n) AS count_total, coalesce(sum(v) FILTER (WHERE cd > {lv}), 0) AS "
                f"value_local, coalesce(sum(n) FILTER (WHERE cd > {lv}), 0) AS count_local "
                f"FROM agg_node t JOIN reg r ON r.id = t.buy WHERE r.a{lv} IS NOT NULL {public} "
                "GROUP BY ALL"
                for lv in range(levels)
            ]
        )
        con.register(
            "rolled",
            engine.node_rollup(
                aggregates["agg_node"], reg=reg, nodes=nodes, levels=levels, audience=audience
            ),
        )
        same(
            "SELECT * FROM rolled",
            f"SELECT region_id, year, na.anc AS node_id, sum(value_total)::BIGINT, "  # noqa: S608
            f"sum(count_total)::BIGINT, sum(value_local)::BIGINT, sum(count_local)::BIGINT "
            f"FROM ({leaf}) leaf JOIN node_anc na ON na.node = leaf.node GROUP BY ALL",
        )
        con.unregister("rolled")
    engine.create_sales(
        con, arrays=columns, levels=levels, years=(rejects["first_year"], rejects["last_year"])
    )
    same("SELECT * FROM sales", engine._sales_sql(snapshot.links_in(con), 0))
    con.close()
