"""A synthetic national-scale supply network, generated with numpy and written straight to Parquet.

The files have the layout and columns of an analytics snapshot (clusterhub.chain.analytics.engine),
so the engine reads them exactly as it reads an export of the database. Nothing goes through Django.

Shape (all sizes are parameters): 31 provinces > ~11% prefectures > counties; a chain taxonomy of
four segment roots, systems, part families and sub-families (like chain_taxonomy.csv); enterprises
in tiers (0.1% OEMs, 10% tier-1, 30% tier-2, the rest tier-3 and raw material) located in counties
with a skewed (clustered) distribution; one site each, a second site in another county for 3% of
tier-1s. Supply relationships (supplier, customer, node) last 1-6 consecutive years, so the same
pair recurs across years as it does in real purchasing data; a relationship is local (supplier in the
customer's province) more often the later it starts, so local rates rise over the years. 5% of
relationships cross tiers backwards, which makes cycles. A few rows are bad on purpose: missing and
negative values, unknown chain nodes, a supplier selling to itself. One relationship in five is
public, the rest internal.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clusterhub.chain.analytics import engine

FIRST_YEAR, LAST_YEAR = 2020, 2025
SEGMENTS = [
    ("vehicles", "整车", "Complete vehicles", 0.08),
    ("parts", "零部件及系统", "Parts and systems", 0.62),
    ("materials", "材料", "Materials", 0.18),
    ("services", "服务", "Services", 0.12),
]
TIER_SHARES = (("oem", 0.001), ("tier1", 0.10), ("tier2", 0.30), ("tier3", 0.40))
# (supplier tier, customer tier, share of relationships)
FLOWS = (("tier1", "oem", 0.36), ("tier2", "tier1", 0.34), ("tier3", "tier2", 0.25))
CROSS_SHARE = 0.05
PUBLIC_SHARE = 0.2


def _regions(count: int, rng) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Regions table, the province index of every region, and the ids of the counties."""
    provinces = 31
    cities = max(provinces, round(count * 0.11))
    counties = count - provinces - cities
    if counties < cities:
        raise ValueError("need at least ~25 regions per province")
    n = provinces + cities + counties
    parent = np.full(n, -1)
    parent[provinces : provinces + cities] = np.arange(cities) % provinces
    parent[provinces + cities :] = provinces + np.arange(counties) % cities
    codes, paths, depth = [], [], np.zeros(n, np.int16)
    lon, lat = np.zeros(n), np.zeros(n)
    children = np.zeros(n, np.int64)
    for i in range(n):
        p = parent[i]
        if p < 0:
            code = f"{11 + i:02d}0000"
            paths.append(f"{code}/")
            lon[i], lat[i] = rng.uniform(88, 128), rng.uniform(24, 48)
        else:
            children[p] += 1
            k = children[p]
            depth[i] = depth[p] + 1
            code = f"{codes[p][:2]}{k:02d}00" if depth[i] == 1 else f"{codes[p][:4]}{k:02d}"
            if k > 99:  # six-digit codes: at most 99 children a region
                code = f"{codes[p][:2]}{k:04d}"
            paths.append(f"{paths[p]}{code}/")
            spread = 1.5 if depth[i] == 1 else 0.4
            lon[i] = lon[p] + rng.uniform(-spread, spread)
            lat[i] = lat[p] + rng.uniform(-spread, spread)
        codes.append(code)
    province = np.zeros(n, np.int64)
    for i in range(n):
        province[i] = i if parent[i] < 0 else province[parent[i]]
    ids = np.arange(1, n + 1, dtype=np.int64)
    table = pa.table(
        {
            "id": ids,
            "code": codes,
            "name": [f"地区{c}" for c in codes],
            "name_en": [f"Region {c}" for c in codes],
            "parent_id": pa.array(parent + 1, mask=parent < 0),
            "path": paths,
            "level": np.array(["province", "prefecture", "county"])[depth],
            "longitude": lon,
            "latitude": lat,
        },
        schema=engine.REGION_SCHEMA,
    )
    county_ids = ids[provinces + cities :]
    return table, province, county_ids


def _nodes(count: int) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The taxonomy (ids in depth-first order), and the ids of leaf and system-level nodes."""
    roots = len(SEGMENTS)
    rest = count - roots
    systems = max(roots, round(rest * 0.1))
    families = max(systems, round(rest * 0.35))
    subfamilies = rest - systems - families
    if subfamilies < 0:
        raise ValueError("need at least ~20 chain nodes")
    # Children by parent position, then ids assigned depth-first.
    sys_of_root = np.arange(systems) % roots
    fam_of_sys = np.arange(families) % systems
    sub_of_fam = np.arange(subfamilies) % families
    rows = []

    def add(code, name, name_en, parent, path, depth, segment):
        rows.append((len(rows) + 1, code, name, name_en, parent, path, depth, segment, len(rows)))
        return len(rows)

    leaves, system_ids = [], []
    for r, (segment, name, name_en, _) in enumerate(SEGMENTS):
        rcode = f"S{r}"
        rid = add(rcode, name, name_en, None, f"{rcode}/", 0, segment)
        for s in np.flatnonzero(sys_of_root == r):
            scode = f"{rcode}.{s}"
            spath = f"{rcode}/{scode}/"
            sid = add(scode, f"{name}系统{s}", f"{name_en} system {s}", rid, spath, 1, segment)
            system_ids.append(sid)
            fams = np.flatnonzero(fam_of_sys == s)
            if len(fams) == 0:
                leaves.append(sid)
            for f in fams:
                fcode = f"{scode}.{f}"
                fpath = f"{spath}{fcode}/"
                fid = add(fcode, f"零件族{f}", f"Part family {f}", sid, fpath, 2, segment)
                subs = np.flatnonzero(sub_of_fam == f)
                if len(subs) == 0:
                    leaves.append(fid)
                for u in subs:
                    ucode = f"{fcode}.{u}"
                    uid = add(ucode, f"零件{u}", f"Part {u}", fid, f"{fpath}{ucode}/", 3, segment)
                    leaves.append(uid)
    cols = list(zip(*rows, strict=True))
    table = pa.table(
        {
            "id": pa.array(cols[0], pa.int64()),
            "code": cols[1],
            "name": cols[2],
            "name_en": cols[3],
            "parent_id": pa.array(cols[4], pa.int64()),
            "path": cols[5],
            "depth": pa.array(cols[6], pa.int16()),
            "segment": cols[7],
            "sort_order": pa.array(cols[8], pa.int32()),
        },
        schema=engine.NODE_SCHEMA,
    )
    return table, np.array(leaves, np.int64), np.array(system_ids, np.int64)


def decimal_from_cents(cents: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """decimal128(18, 2) yuan from int64 cents without a Python loop (16-byte two's complement)."""
    wide = np.empty((len(cents), 2), np.int64)
    wide[:, 0] = cents
    wide[:, 1] = cents >> 63
    validity = None
    nulls = 0
    if missing is not None and missing.any():
        validity = pa.array(~missing).buffers()[1]
        nulls = int(missing.sum())
    return pa.Array.from_buffers(
        pa.decimal128(18, 2), len(cents), [validity, pa.py_buffer(wide)], null_count=nulls
    )


def _labels(prefix: str, numbers: np.ndarray, width: int = 0) -> pa.Array:
    """prefix + number for millions of rows without a Python loop."""
    digits = numbers.astype(str)
    if width:
        digits = np.char.zfill(digits, width)
    return pa.array(np.char.add(prefix, digits))


def _skewed(rng, size: int, count: int, power: float = 2.0) -> np.ndarray:
    """Indexes in [0, count) where low indexes are drawn far more often (big buyers, big clusters)."""
    return np.minimum((count * rng.random(size) ** power).astype(np.int64), count - 1)


def generate(
    out_dir,
    *,
    enterprises: int = 1_000_000,
    links: int = 10_000_000,
    nodes: int = 300,
    regions: int = 3_000,
    seed: int = 20211019,
    bad_rows: bool = True,
) -> dict:
    """Write a snapshot of about `links` supply links to `out_dir`; returns its manifest."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)

    region_table, province_of_region, county_ids = _regions(regions, rng)
    pq.write_table(region_table, out / "regions.parquet")
    node_table, leaves, system_ids = _nodes(nodes)
    pq.write_table(node_table, out / "nodes.parquet")

    # Enterprises in tier blocks: [OEMs | tier-1 | tier-2 | tier-3 | raw material].
    bounds = {}
    start = 0
    for tier, share in TIER_SHARES:
        size = max(5, round(enterprises * share))
        bounds[tier] = (start, start + size)
        start += size
    bounds["raw_material"] = (start, enterprises)
    kind = np.empty(enterprises, dtype=object)
    for tier, (lo, hi) in bounds.items():
        kind[lo:hi] = tier
    # Counties by a skewed weight: a few clusters hold most firms. OEMs sit in the top clusters.
    county_rank = rng.permutation(len(county_ids))
    home = county_ids[county_rank[_skewed(rng, enterprises, len(county_ids), 3.0)]]
    lo, hi = bounds["oem"]
    home[lo:hi] = county_ids[county_rank[_skewed(rng, hi - lo, max(1, len(county_ids) // 20))]]
    ent_ids = np.arange(1, enterprises + 1, dtype=np.int64)
    province = province_of_region[home - 1]
    specialty = leaves[rng.integers(0, len(leaves), enterprises)]
    pq.write_table(
        pa.table(
            {
                "id": ent_ids,
                "public_id": _labels("E", ent_ids, 9),
                "name": _labels("企业", ent_ids),
                "name_en": _labels("Enterprise ", ent_ids),
                "kind": pa.array(kind.astype(str)),
                "home_region_id": home,
                "confidentiality": pa.array(np.full(enterprises, "public")),
            },
            schema=engine.ENTERPRISE_SCHEMA,
        ),
        out / "enterprises.parquet",
    )
    # Sites: the main one has the enterprise's id; some tier-1s have a second plant elsewhere.
    lo, hi = bounds["tier1"]
    second_of = rng.choice(np.arange(lo, hi), size=max(1, (hi - lo) * 3 // 100), replace=False)
    second_site = np.zeros(enterprises, np.int64)
    second_site[second_of] = enterprises + 1 + np.arange(len(second_of))
    second_region = county_ids[rng.integers(0, len(county_ids), len(second_of))]
    site_region = np.concatenate([home, second_region])
    site_ids = np.arange(1, len(site_region) + 1, dtype=np.int64)
    site_owner = np.concatenate([ent_ids, ent_ids[second_of]])
    lon = region_table.column("longitude").to_numpy()[site_region - 1]
    lat = region_table.column("latitude").to_numpy()[site_region - 1]
    pq.write_table(
        pa.table(
            {
                "id": site_ids,
                "enterprise_id": site_owner,
                "name": _labels("工厂", site_ids),
                "region_id": site_region,
                "longitude": lon + rng.normal(0, 0.05, len(site_ids)),
                "latitude": lat + rng.normal(0, 0.05, len(site_ids)),
            },
            schema=engine.SITE_SCHEMA,
        ),
        out / "sites.parquet",
    )

    # Relationships: (supplier, customer, node) with a first year and a span of years.
    # Expected span: uniform 1-6 years, cut at the last year; 8% more for duplicates dropped.
    max_span = LAST_YEAR + 1 - years
    mean_span = np.mean([np.minimum(np.arange(1, 7), m).mean() for m in max_span])
    n_rel = int(links / mean_span * 1.08) + 10
    sup, cus = [], []

    def suppliers_by_province(tier):
        lo, hi = bounds[tier]
        members = np.arange(lo, hi)
        order = members[np.argsort(province[lo:hi], kind="stable")]
        counts = np.bincount(province[order], minlength=len(province_of_region))
        return order, np.concatenate([[0], np.cumsum(counts)])

    first = rng.integers(FIRST_YEAR, LAST_YEAR + 1, n_rel)
    p_local = 0.36 + 0.03 * (first - FIRST_YEAR)
    made = 0
    for s_tier, c_tier, share in FLOWS:
        size = int(n_rel * share)
        c_lo, c_hi = bounds[c_tier]
        s_lo, s_hi = bounds[s_tier]
        customers = c_lo + _skewed(rng, size, c_hi - c_lo, 1.6)
        suppliers = rng.integers(s_lo, s_hi, size)
        local = rng.random(size) < p_local[made : made + size]
        order, offsets = suppliers_by_province(s_tier)
        prov = province[customers[local]]
        available = offsets[prov + 1] - offsets[prov]
        pick = offsets[prov] + (rng.random(len(prov)) * available).astype(np.int64)
        chosen = np.where(available > 0, order[np.minimum(pick, len(order) - 1)], -1)
        loc_sup = suppliers[local]
        suppliers[local] = np.where(chosen >= 0, chosen, loc_sup)
        sup.append(suppliers)
        cus.append(customers)
        made += size
    # Backward and sideways relationships between tiers 0-2: cycles in the supply graph.
    size = n_rel - made
    lo, hi = bounds["oem"][0], bounds["tier2"][1]
    sup.append(rng.integers(bounds["tier1"][0], hi, size))
    cus.append(rng.integers(lo, hi, size))
    supplier = np.concatenate(sup)
    customer = np.concatenate(cus)
    # Arrays no longer needed are dropped as soon as possible: at 100M links each one of these
    # is 300 MB, and the generator must stay under the memory budget of the benchmark.
    del sup, cus, p_local
    node = np.where(
        rng.random(n_rel) < 0.7, specialty[supplier], leaves[rng.integers(0, len(leaves), n_rel)]
    )
    # Some buying is recorded against a system rather than a part family.
    at_system = rng.random(n_rel) < 0.03
    node[at_system] = system_ids[rng.integers(0, len(system_ids), int(at_system.sum()))]
    del at_system
    self_sale = supplier == customer
    if bad_rows:  # a few suppliers selling to themselves, on purpose
        chosen = rng.choice(n_rel, size=max(1, n_rel // 200_000), replace=False)
        customer[chosen] = supplier[chosen]
    else:
        customer[self_sale] = (customer[self_sale] + 1) % enterprises
    # One relationship per (supplier, customer, node), as the database's constraint says.
    key = (supplier * (nodes + 1) + node) * enterprises + customer
    keep = np.unique(key, return_index=True)[1]
    del key, self_sale
    keep.sort()
    supplier, customer, node, first = supplier[keep], customer[keep], node[keep], first[keep]
    n_rel = len(keep)
    span = np.minimum(rng.integers(1, 7, n_rel), LAST_YEAR + 1 - first)
    span = np.maximum(span, 1)
    base_value = np.exp(rng.normal(14.5, 1.6, n_rel))  # yuan; median about 2 million
    to_oem = kind[customer] == "oem"
    base_value[to_oem] *= 8
    public = rng.random(n_rel) < PUBLIC_SHARE
    sup_site = np.where(
        (second_site[supplier] > 0) & (rng.random(n_rel) < 0.5),
        second_site[supplier],
        ent_ids[supplier],
    )
    no_sup_site = rng.random(n_rel) < 0.05
    no_cus_site = rng.random(n_rel) < 0.03
    sup_region = np.where(no_sup_site, home[supplier], site_region[sup_site - 1])
    buy_region = home[customer]

    # Trim to the links wanted (relationships x years), then write one row group a year.
    total = int(span.sum())
    scale = min(1.0, links / total)
    if scale < 1.0:
        keep = rng.random(n_rel) < scale
    else:
        keep = np.ones(n_rel, bool)
    schema = engine.LINK_SCHEMA
    writer = engine.LinkWriter(out)
    next_id = 1
    written = 0
    bad = {"missing_value": 0, "negative_value": 0, "unknown_node": 0, "self_supply": 0}
    try:
        for year in years:
            active = keep & (first <= year) & (year < first + span)
            idx = np.flatnonzero(active)
            m = len(idx)
            growth = 1.04 ** (year - first[idx])
            cents = np.round(base_value[idx] * growth * rng.uniform(0.8, 1.2, m) * 100)
            cents = cents.astype(np.int64)
            node_col = node[idx].copy()
            sup_col = supplier[idx]
            missing = None
            if bad_rows:
                missing = rng.random(m) < 1e-4
                negative = rng.random(m) < 1e-4
                unknown = rng.random(m) < 5e-5
                cents[negative] = -cents[negative]
                node_col[unknown] = nodes + 1000
                bad["missing_value"] += int(missing.sum())
                bad["negative_value"] += int((negative & ~missing).sum())
                bad["unknown_node"] += int(unknown.sum())
                bad["self_supply"] += int((supplier[idx] == customer[idx]).sum())
            # Written a record batch at a time: a whole year's table at 100M links is 1.7 GB.
            for at in range(0, m, engine.LINK_BATCH_ROWS):
                part = slice(at, at + engine.LINK_BATCH_ROWS)
                rows, sup_rows, cus_rows = idx[part], sup_col[part], customer[idx[part]]
                table = pa.table(
                    {
                        "id": np.arange(next_id + at, next_id + at + len(rows), dtype=np.int64),
                        "supplier_id": ent_ids[sup_rows],
                        "supplier_site_id": pa.array(sup_site[rows], mask=no_sup_site[rows]),
                        "sup_region_id": sup_region[rows],
                        "customer_id": ent_ids[cus_rows],
                        "customer_site_id": pa.array(ent_ids[cus_rows], mask=no_cus_site[rows]),
                        "buy_region_id": buy_region[rows],
                        "to_oem": to_oem[rows],
                        "node_id": node_col[part],
                        "year": np.full(len(rows), year, np.int16),
                        "value": decimal_from_cents(
                            cents[part], None if missing is None else missing[part]
                        ),
                        "public": public[rows],
                    },
                    schema=schema,
                )
                writer.write(table)
            next_id += m
            written += m
    finally:
        writer.__exit__(None, None, None)
    manifest = {
        "version": f"synthetic-{seed}",
        "synthetic": True,
        "counts": {
            "regions": region_table.num_rows,
            "nodes": node_table.num_rows,
            "enterprises": enterprises,
            "sites": len(site_ids),
            "links": written,
            "relationships": int(keep.sum()),
        },
        "bad_rows": bad,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest
