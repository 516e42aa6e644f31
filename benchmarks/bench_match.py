"""Search and supplier ranking at national scale: 1,000,000 synthetic enterprises.

    ./run bench match                                   # 1,000,000 enterprises on PostgreSQL
    ./run bench match --reuse                           # measure again without reloading
    ./run bench match --enterprises 20000 --demands 50  # a quick look
    ./run bench match --http                            # also HTTP p95 at 200 queries a second

Targets (issue 6): name search p95 under 3 ms server-side and supplier ranking for a demand p95
under 50 ms, side by side with PostgreSQL full-text search doing the same query and filters, at
least 10x faster on OR queries; HTTP p95 under 20 ms at 200 queries a second; index build time
and size; quality on 200 demands with planted suppliers among decoys: precision at 10 >= 0.9 and
the planted best supplier in the top 3 for >= 95% of demands.

What runs where. The database named by DATABASE_URL (default: local PostgreSQL, database
bench_match, created if missing) is migrated, given the reference data (Jilin's regions, the
chain taxonomy) and a seeded synthetic registry written with bulk inserts: enterprises with
names built like real ones (city + brand + product + form), short and English names, pinyin,
credit codes, sites with GCJ-02 coordinates, capabilities, certificates with validity, supply
links to OEMs. The tantivy index is built by the application's own `index.rebuild()` from that
database. The PostgreSQL side is a table of the same documents (same tokens: Chinese unigrams and
bigrams, Latin words) with a GIN index on a tsvector and b-tree indexes on the filters.

Timings: "engine" is one query of each engine on one thread with the result's top 10 (tantivy
in-process; PostgreSQL through a local socket, so its figure includes a round trip of ~0.1 ms);
"service" is the application's whole search or ranking function (query building, access filter,
count, facets or not, the page's database check by the rule of restrict()). Each figure is a
percentile over the queries, after a warm-up. HTTP: gunicorn (2 sync workers) and an open-loop
asyncio client on the same machine. The machine's load average is printed with the figures: it
has 2 cores shared with other work.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/bench_match"
SEED = 20261128
SOP = datetime.date(2027, 9, 1)

BRAND_CHARS = (
    "华信达通宏远鑫盛德恒瑞丰泰安嘉祥富力永新博创卓越亚金正利和兴宇航天海东北南中隆昌凯旭"
    "鸿腾辉明晟汇福益星光源峰锦佳顺诚铭浩"
)
FORMS = [
    ("制造", "Manufacturing"),
    ("科技", "Technology"),
    ("部件", "Components"),
    ("工业", "Industrial"),
    ("系统", "Systems"),
    ("精密", "Precision"),
]
SUFFIXES = [("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."), ("有限责任公司", "Co., Ltd.")]
KINDS = [("tier1", 30), ("tier2", 45), ("raw_material", 15), ("service", 5), ("logistics", 5)]
SIZES = [("large", 8), ("medium", 30), ("small", 45), ("micro", 17)]
CONFIDENTIALITY = [("public", 90), ("internal", 7), ("confidential", 3)]
STANDARDS = [("IATF 16949", 55), ("ISO 9001", 35), ("ISO 14001", 40), ("VDA 6.3", 8)]
OEM_COUNT = 60


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


# ---------------------------------------------------------------------------------------------
# Django


def setup_django(database_url: str | None, *, fresh: bool = False) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        _create_database(database_url, fresh=fresh)
    os.environ.setdefault("CLUSTERHUB_DATA_DIR", str(ROOT / "benchmarks" / "out" / "match-data"))
    Path(os.environ["CLUSTERHUB_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ["CLUSTERHUB_DEBUG"] = "0"
    os.environ["CLUSTERHUB_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(url: str, *, fresh: bool) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# ---------------------------------------------------------------------------------------------
# The synthetic registry


@dataclass
class Place:
    region_id: int
    path: str
    city_code: str
    name: str  # short city name used in company names
    name_en: str
    lon: float
    lat: float
    in_jilin: bool


@dataclass
class World:
    places: list[Place]
    nodes: list[dict]  # leaf part nodes: id, code, name, name_en, word, parent_id, path
    siblings: dict[int, list[int]]  # node id -> node ids under the same parent
    oems: list[int] = field(default_factory=list)
    plants: list[tuple[int, float, float]] = field(default_factory=list)  # site, lon, lat (WGS84)


def reference(rng: random.Random) -> World:
    from clusterhub.chain.models import ChainNode
    from clusterhub.core.changelog import change_context
    from clusterhub.demo.loader import load_outside_regions
    from clusterhub.demo.records import Tally
    from clusterhub.demo.reference import load_reference
    from clusterhub.geo.models import Region

    with change_context(source="command"):
        tally = load_reference()
        load_outside_regions(tally=tally if isinstance(tally, Tally) else Tally())
    places = []
    for region in Region.objects.filter(longitude__isnull=False).exclude(level="province"):
        parts = [p for p in region.path.split("/") if p]
        name = region.name
        for tail in ("市", "区", "县", "自治州"):
            if name.endswith(tail) and len(name) > len(tail) + 1:
                name = name[: -len(tail)]
                break
        places.append(
            Place(
                region.pk,
                region.path,
                parts[1] if len(parts) > 1 else parts[0],
                name[:4],
                (region.name_en or region.pinyin or region.code).split(" ")[0],
                float(region.longitude),
                float(region.latitude),
                region.path.startswith("220000/"),
            )
        )
    for region in Region.objects.filter(level="province", longitude__isnull=False):
        if not region.path.startswith("220000/"):
            places.append(
                Place(
                    region.pk,
                    region.path,
                    region.code,
                    region.name.rstrip("市")[:3],
                    region.name_en or region.code,
                    float(region.longitude),
                    float(region.latitude),
                    False,
                )
            )
    places.sort(key=lambda p: p.path)
    leaves = []
    for node in ChainNode.objects.filter(segment="parts", depth__gte=2).order_by("path"):
        if node.children.exists():
            continue
        words = [w for w in node.keywords.split(";") if w and not w.isascii()]
        leaves.append(
            {
                "id": node.pk,
                "code": node.code,
                "name": node.name,
                "name_en": node.name_en,
                "word": (words[0] if words else node.name)[:6],
                "parent_id": node.parent_id,
                "path": node.path,
            }
        )
    siblings: dict[int, list[int]] = {}
    for node in leaves:
        siblings[node["id"]] = [
            n["id"] for n in leaves if n["parent_id"] == node["parent_id"] and n["id"] != node["id"]
        ]
    return World(places=places, nodes=leaves, siblings=siblings)


class Namer:
    """Company names as registries read: 长春华信卡钳制造有限公司."""

    def __init__(self):
        from clusterhub.matching.text import fast_pinyin

        self.pinyin = fast_pinyin

    def make(self, rng: random.Random, place: Place, node: dict) -> dict:
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        form, form_en = rng.choice(FORMS)
        suffix, suffix_en = rng.choice(SUFFIXES)
        name = f"{place.name}{brand}{node['word']}{form}{suffix}"
        parts = [self.pinyin(place.name), self.pinyin(brand), self.pinyin(node["word"])]
        parts += [self.pinyin(form), self.pinyin(suffix)]
        brand_en = parts[1][0].title()
        return {
            "name": name,
            "short_name": f"{brand}{node['word']}",
            "name_en": f"{place.name_en} {brand_en} {node['name_en']} {form_en} {suffix_en}",
            "pinyin": "".join(p[0] for p in parts)[:400],
            "pinyin_initials": "".join(p[1] for p in parts)[:100],
        }


def credit_code(serial: int, city_code: str) -> str:
    from clusterhub.enterprises.validators import USCC_ALPHABET, uscc_check_character

    body = ""
    n = serial
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    first17 = f"91{city_code[:6]:0<6}{body}"
    return first17 + uscc_check_character(first17)


def _now():
    from django.utils import timezone

    return timezone.now()


@dataclass
class Planted:
    """One quality demand: its buyer plant, node, radius, and the suppliers planted for it."""

    demand_id: int
    node_id: int
    best: int = 0  # enterprise id
    fits: list[int] = field(default_factory=list)
    decoys: list[int] = field(default_factory=list)


def populate(*, enterprises: int, demands: int, seed: int = SEED, progress=print) -> dict:
    """Write the synthetic registry (and the quality demands) into the database."""
    from django.db import transaction

    from clusterhub.core.changelog import change_context

    rng = random.Random(seed)
    world = reference(rng)
    with change_context(source="command"):
        _oems(world, rng)
        started = time.perf_counter()
        _registry(world, rng, enterprises, progress)
        seconds = time.perf_counter() - started
        with transaction.atomic():  # one commit, not one per saved row
            planted = _plant(world, rng, demands)
    analyze()
    return {"world": world, "planted": planted, "load_seconds": seconds}


def analyze() -> None:
    """Fresh planner statistics after bulk loading (autovacuum would get there later)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _oems(world: World, rng: random.Random) -> None:
    from clusterhub.core.choices import Datum
    from clusterhub.enterprises.models import Enterprise, Site
    from clusterhub.matching.index import wgs84

    jilin = [p for p in world.places if p.in_jilin] or world.places
    for i in range(OEM_COUNT):
        place = jilin[i % len(jilin)] if i < OEM_COUNT // 2 else rng.choice(world.places)
        oem = Enterprise(
            name=f"{place.name}整车制造{i:02d}有限公司",
            kind="oem",
            size="large",
            home_region_id=place.region_id,
            credit_code=credit_code(9_000_000 + i, place.city_code),
            is_synthetic=True,
        )
        oem.save()
        lon = place.lon + rng.uniform(-0.05, 0.05)
        lat = place.lat + rng.uniform(-0.05, 0.05)
        site = Site.objects.create(
            enterprise=oem,
            name=f"{oem.name}总装厂",
            kind="plant",
            region_id=place.region_id,
            longitude=Decimal(f"{lon:.6f}"),
            latitude=Decimal(f"{lat:.6f}"),
            datum=Datum.GCJ02,
            is_synthetic=True,
        )
        world.oems.append(oem.pk)
        world.plants.append((site.pk, *wgs84(lon, lat, Datum.GCJ02)))


def _registry(world: World, rng: random.Random, count: int, progress) -> None:
    from clusterhub.chain.models import SupplyLink
    from clusterhub.core.bulk import bulk_insert
    from clusterhub.core.choices import Datum
    from clusterhub.enterprises.models import Capability, Certification, Enterprise, Site

    namer = Namer()
    chunk = 20_000
    now = _now()
    serial = 0
    jilin = [p for p in world.places if p.in_jilin] or world.places
    for start in range(0, count, chunk):
        batch = []
        plans = []
        for _ in range(min(chunk, count - start)):
            serial += 1
            place = world.places[rng.randrange(len(world.places))]
            if rng.random() < 0.35:  # a cluster registry: many companies in Jilin
                place = jilin[rng.randrange(len(jilin))]
            node = world.nodes[rng.randrange(len(world.nodes))]
            names = namer.make(rng, place, node)
            batch.append(
                Enterprise(
                    **names,
                    public_id=f"B{serial:09d}",
                    credit_code=credit_code(serial, place.city_code),
                    kind=weighted(rng, KINDS),
                    size=weighted(rng, SIZES),
                    employees=rng.randint(5, 5000),
                    home_region_id=place.region_id,
                    confidentiality=weighted(rng, CONFIDENTIALITY),
                    stock_code=f"{600000 + serial % 4000:06d}" if rng.random() < 0.004 else "",
                    is_synthetic=True,
                    created=now,
                    updated=now,
                )
            )
            plans.append((place, node))
        bulk_insert(Enterprise, batch)  # COPY on PostgreSQL
        sites = []
        for enterprise, (place, _node) in zip(batch, plans, strict=True):
            lon = place.lon + rng.uniform(-0.4, 0.4)
            lat = place.lat + rng.uniform(-0.3, 0.3)
            sites.append(
                Site(
                    enterprise=enterprise,
                    name=f"{enterprise.short_name}工厂",
                    kind="plant",
                    region_id=place.region_id,
                    longitude=Decimal(f"{lon:.6f}"),
                    latitude=Decimal(f"{lat:.6f}"),
                    datum=Datum.GCJ02,
                    is_synthetic=True,
                    created=now,
                    updated=now,
                )
            )
        bulk_insert(Site, sites)
        capabilities, certificates, links = [], [], []
        for site, (_place, node) in zip(sites, plans, strict=True):
            capabilities.append(
                Capability(
                    site=site,
                    chain_node_id=node["id"],
                    products=node["name"],
                    created=now,
                    updated=now,
                )
            )
            if rng.random() < 0.25 and world.siblings[node["id"]]:
                other = rng.choice(world.siblings[node["id"]])
                capabilities.append(
                    Capability(
                        site=site, chain_node_id=other, products="", created=now, updated=now
                    )
                )
            for standard, share in STANDARDS:
                if rng.random() * 100 < share:
                    begin = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(1500))
                    certificates.append(
                        Certification(
                            enterprise_id=site.enterprise_id,
                            standard=standard,
                            valid_from=begin,
                            valid_until=begin + datetime.timedelta(days=365 * 3),
                            created=now,
                            updated=now,
                        )
                    )
            if rng.random() < 0.05:
                links.append(
                    SupplyLink(
                        supplier_id=site.enterprise_id,
                        supplier_site=site,
                        customer_id=rng.choice(world.oems),
                        chain_node_id=node["id"],
                        year=2025,
                        annual_value=Decimal(rng.randint(1, 500) * 100_000),
                        is_synthetic=True,
                        created=now,
                        updated=now,
                    )
                )
        # One capability per (site, node): the sibling is never the node itself.
        bulk_insert(Capability, capabilities)
        bulk_insert(Certification, certificates)
        bulk_insert(SupplyLink, links)
        progress(f"  registry {start + len(batch):,} / {count:,}")


def _plant(world: World, rng: random.Random, demands: int) -> list[Planted]:
    """Quality demands: for each, 12 true fits (one of them clearly best) and 20 decoys that share
    its words but miss the node, the certificate on the SOP, or the distance."""
    from clusterhub.chain.models import ChainNode, SupplyLink
    from clusterhub.enterprises.models import Site
    from clusterhub.geo.models import Region
    from clusterhub.matching.choices import LocationPreference
    from clusterhub.matching.models import SourcingDemand
    from clusterhub.matching.services import save_demand

    namer = Namer()
    regions = {r.pk: r for r in Region.objects.all()}
    planted = []
    jilin_plants = [p for p in world.plants[: OEM_COUNT // 2]]
    SourcingDemand.objects.filter(code__startswith="DQ").delete()
    for i in range(demands):
        site_id, plon, plat = jilin_plants[i % len(jilin_plants)]
        plant = Site.objects.select_related("enterprise", "region").get(pk=site_id)
        node = world.nodes[rng.randrange(len(world.nodes))]
        radius = rng.choice([150, 200, 300, 400])
        title = f"{node['name']}总成"
        demand = save_demand(
            user=None,
            demand=SourcingDemand(code=f"DQ{i:08d}", is_synthetic=True),
            buyer=plant.enterprise,
            buyer_site=plant,
            chain_node=ChainNode.objects.get(pk=node["id"]),
            title=title,
            description=f"{node['word']} {node['name_en']}",
            annual_volume=100_000,
            volume_unit="sets",
            required_certifications=["IATF 16949"],
            sop=SOP,
            location=LocationPreference.RADIUS,
            max_distance_km=radius,
        )
        spec = Planted(demand_id=demand.pk, node_id=node["id"])
        place = next(p for p in world.places if p.region_id == plant.region_id)

        ctx = _PlantContext(world, rng, namer, regions, plant, place, node, plon, plat, spec, i)

        good = datetime.date(2029, 12, 31)
        expired = SOP - datetime.timedelta(days=rng.randint(30, 300))
        best = _planted_company(
            ctx,
            "best",
            node_id=node["id"],
            km=rng.uniform(2, 10),
            cert_until=good,
            size="large",
            products=title,
        )
        SupplyLink.objects.create(
            supplier=best,
            customer_id=plant.enterprise_id,
            chain_node_id=node["id"],
            year=2025,
            annual_value=Decimal(400_000_000),
            is_synthetic=True,
        )
        spec.best = best.pk
        spec.fits.append(best.pk)
        for k in range(11):
            fit = _planted_company(
                ctx,
                "fit-gcj" if k % 4 == 0 else "fit",
                node_id=node["id"],
                km=rng.uniform(5, radius * 0.8),
                cert_until=good,
                size=rng.choice(["medium", "small", "large"]),
                products=rng.choice(
                    [node["name"], node["word"], title, f"{node['word']}、{node['name']}"]
                ),
            )
            spec.fits.append(fit.pk)
        others = [
            n
            for n in world.nodes
            if n["id"] != node["id"] and n["id"] not in world.siblings[node["id"]]
        ]
        for _k in range(6):  # the same words, another (not neighbouring) node
            spec.decoys.append(
                _planted_company(
                    ctx,
                    "decoy",
                    node_id=rng.choice(others)["id"],
                    km=rng.uniform(2, 20),
                    cert_until=good,
                    size="large",
                    products=title,
                ).pk
            )
        for _k in range(5):  # the node, but the certificate expires before the SOP
            spec.decoys.append(
                _planted_company(
                    ctx,
                    "decoy",
                    node_id=node["id"],
                    km=rng.uniform(2, 20),
                    cert_until=expired,
                    size="large",
                    products=title,
                ).pk
            )
        for _k in range(5):  # the node, but too far
            spec.decoys.append(
                _planted_company(
                    ctx,
                    "decoy",
                    node_id=node["id"],
                    km=rng.uniform(radius * 1.3, radius * 3),
                    cert_until=good,
                    size="large",
                    products=title,
                ).pk
            )
        siblings = world.siblings[node["id"]]
        for _k in range(4 if siblings else 0):  # a neighbouring part, close, large, same words
            spec.decoys.append(
                _planted_company(
                    ctx,
                    "decoy",
                    node_id=rng.choice(siblings),
                    km=rng.uniform(2, 20),
                    cert_until=good,
                    size="large",
                    products=title,
                ).pk
            )
        planted.append(spec)
    return planted


@dataclass
class _PlantContext:
    world: World
    rng: random.Random
    namer: Namer
    regions: dict
    plant: object
    place: Place
    node: dict
    plon: float
    plat: float
    spec: Planted
    index: int


def _planted_company(c: _PlantContext, role: str, *, node_id, km, cert_until, size, products):
    """One planted supplier: its site `km` from the plant, one capability, one certificate."""
    from clusterhub.core.choices import Datum
    from clusterhub.enterprises.models import Capability, Certification, Enterprise, Site
    from clusterhub.geo.services import convert_coordinates

    bearing = c.rng.uniform(0, 2 * math.pi)
    dlat = km / 111.0 * math.sin(bearing)
    dlon = km / (111.0 * math.cos(math.radians(c.plat))) * math.cos(bearing)
    node = c.node if node_id == c.node["id"] else _node(c.world, node_id)
    serial = 20_000_000 + c.index * 100 + len(c.spec.fits) + len(c.spec.decoys)
    e = Enterprise(
        **c.namer.make(c.rng, c.place, node),
        kind="tier1",
        size=size,
        employees={"large": 3000, "medium": 600, "small": 120}[size],
        home_region_id=c.plant.region_id,
        credit_code=credit_code(serial, c.place.city_code),
        is_synthetic=True,
    )
    e.save()
    # Planted sites are placed on WGS-84 so their distance is exact; some on GCJ-02.
    datum = Datum.GCJ02 if role == "fit-gcj" else Datum.WGS84
    lon, lat = c.plon + dlon, c.plat + dlat
    if datum == Datum.GCJ02:
        lon, lat = convert_coordinates(lon, lat, source=Datum.WGS84, target=Datum.GCJ02)
    site = Site.objects.create(
        enterprise=e,
        name=f"{e.short_name}工厂",
        kind="plant",
        region=c.regions[c.plant.region_id],
        longitude=Decimal(f"{lon:.6f}"),
        latitude=Decimal(f"{lat:.6f}"),
        datum=datum,
        is_synthetic=True,
    )
    Capability.objects.create(site=site, chain_node_id=node_id, products=products)
    Certification.objects.create(
        enterprise=e,
        standard="IATF 16949",
        valid_from=datetime.date(2022, 1, 1),
        valid_until=cert_until,
    )
    return e


def _node(world: World, node_id: int) -> dict:
    return next(n for n in world.nodes if n["id"] == node_id)


def truth(spec: Planted) -> set[int]:
    """Every enterprise that truly fits: the node itself, a valid IATF 16949 certificate on the
    SOP and a site within the radius (brute force over the database, planted or not)."""
    from clusterhub.enterprises.models import Certification, Site
    from clusterhub.geo.services import distance_km
    from clusterhub.matching.index import wgs84
    from clusterhub.matching.models import SourcingDemand

    demand = SourcingDemand.objects.select_related("buyer_site").get(pk=spec.demand_id)
    plant = wgs84(demand.buyer_site.longitude, demand.buyer_site.latitude, demand.buyer_site.datum)
    certified = set(
        Certification.objects.filter(standard="IATF 16949")
        .filter(valid_from__lte=SOP)
        .exclude(valid_until__lt=SOP)
        .values_list("enterprise_id", flat=True)
    )
    fits = set()
    for site in Site.objects.filter(capabilities__chain_node_id=spec.node_id).exclude(
        enterprise_id=demand.buyer_id
    ):
        if site.enterprise_id not in certified:
            continue
        point = wgs84(site.longitude, site.latitude, site.datum)
        if distance_km(*plant, *point) <= demand.max_distance_km:
            fits.add(site.enterprise_id)
    return fits


# ---------------------------------------------------------------------------------------------
# Measurements


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def summary(times_ms: list[float]) -> dict:
    return {
        "n": len(times_ms),
        "p50": round(percentile(times_ms, 50), 3),
        "p95": round(percentile(times_ms, 95), 3),
        "p99": round(percentile(times_ms, 99), 3),
        "mean": round(statistics.fmean(times_ms), 3) if times_ms else None,
    }


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build_index() -> dict:
    from clusterhub.matching import index

    started, cpu = time.perf_counter(), time.process_time()
    built = index.rebuild()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "documents": built.documents,
        "by_kind": built.by_kind,
        "megabytes": round(built.bytes / 1e6, 1),
        "load": load(),
    }


def name_queries(rng: random.Random, count: int) -> list[dict]:
    """Queries people type: part of a Chinese name, a short name, an English name with a typo,
    pinyin initials; each with the filters of a search page (city and kind)."""
    from django.db.models import Max, Min

    from clusterhub.enterprises.models import Enterprise
    from clusterhub.matching.index import city_of

    bounds = Enterprise.objects.filter(public_id__startswith="B").aggregate(
        low=Min("pk"), high=Max("pk")
    )
    rows = []
    seen = 0
    while len(rows) < count and seen < count * 20 and bounds["low"] is not None:
        seen += 1
        e = (
            Enterprise.objects.filter(
                pk__gte=rng.randint(bounds["low"], bounds["high"]), kind__in=["tier1", "tier2"]
            )
            .order_by("pk")
            .values(
                "id",
                "name",
                "short_name",
                "name_en",
                "pinyin_initials",
                "kind",
                "home_region__path",
            )
            .first()
        )
        if not e:
            continue
        rows.append(
            {
                "chinese": e["name"][2 : 2 + rng.randint(4, 6)],
                "short": e["short_name"],
                "english": _typo(rng, " ".join(e["name_en"].split()[1:3])),
                "initials": e["pinyin_initials"][:5],
                "city": city_of(e["home_region__path"]),
                "kind": e["kind"],
                "id": e["id"],
            }
        )
    return rows


def _typo(rng: random.Random, words: str) -> str:
    if len(words) < 6:
        return words
    i = rng.randrange(1, len(words) - 1)
    if words[i] == " " or words[i - 1] == " ":
        return words
    return words[:i] + words[i + 1] + words[i] + words[i + 2 :]


def build_pg_fts() -> dict:
    """The same documents in PostgreSQL: one row per enterprise, the tokens of all its names in a
    tsvector ('simple': no stemming), GIN; city and kind with b-tree indexes."""
    from django.db import connection

    from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
    from clusterhub.matching import index as ix
    from clusterhub.matching import text

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_fts")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_fts (id bigint PRIMARY KEY, city text, kind text, "
            "tokens tsvector)"
        )
    aliases: dict[int, list[str]] = {}
    for row in EnterpriseAlias.objects.values("enterprise_id", "name"):
        aliases.setdefault(row["enterprise_id"], []).append(row["name"])
    import psycopg

    rows = Enterprise.objects.values_list(
        "pk", "name", "short_name", "name_en", "home_region__path", "kind"
    ).order_by("pk")
    # COPY on a connection of its own: Django's connection keeps reading the enterprises.
    settings = connection.settings_dict
    writer = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )
    with (
        writer,
        writer.cursor() as cursor,
        cursor.copy("COPY bench_fts (id, city, kind, tokens) FROM STDIN") as copy,
    ):
        for pk, name, short, name_en, path, kind in rows.iterator(chunk_size=20_000):
            tokens = []
            for value in [name, short, name_en, *aliases.get(pk, [])]:
                normalised = text.normalise(value, limit=300)
                tokens += text.cjk_grams(normalised)
                tokens += text.latin_words(normalised)
            lexemes = " ".join("'" + t.replace("'", "''") + "'" for t in set(tokens))
            copy.write_row((pk, ix.city_of(path), kind, lexemes))
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX bench_fts_tokens ON bench_fts USING gin (tokens)")
        cursor.execute("CREATE INDEX bench_fts_city ON bench_fts (city)")
        cursor.execute("CREATE INDEX bench_fts_kind ON bench_fts (kind)")
        cursor.execute("ANALYZE bench_fts")
        cursor.execute("SELECT pg_total_relation_size('bench_fts')")
        size = cursor.fetchone()[0]
    return {"seconds": round(time.perf_counter() - started, 1), "megabytes": round(size / 1e6, 1)}


def _grams(query: str) -> list[str]:
    from clusterhub.matching import text

    return text.cjk_query_grams(text.normalise(query))


def engine_comparison(queries: list[dict], *, with_pg: bool) -> dict:
    """Chinese name queries, the same in both engines: AND of the query's bigrams with the city
    and kind filters, OR of them with the filters, OR without filters; top 10 by relevance."""
    import tantivy
    from django.db import connection

    from clusterhub.matching import index as ix

    index = ix.current_index()
    schema = index.schema
    searcher = index.searcher()

    def t_query(grams, mode, filters):
        terms = [tantivy.Query.term_query(schema, "names_zh", g) for g in grams]
        occur = tantivy.Occur.Must if mode == "and" else tantivy.Occur.Should
        clauses = [(occur, q) for q in terms]
        main = tantivy.Query.boolean_query(clauses)
        if not filters:
            return main
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, main),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.const_score_query(
                        tantivy.Query.term_query(schema, "city", filters[0]), 0.0
                    ),
                ),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.const_score_query(
                        tantivy.Query.term_query(schema, "kind", filters[1]), 0.0
                    ),
                ),
            ]
        )

    cases = {
        "and_filtered": ("and", True),
        "or_filtered": ("or", True),
        "or_unfiltered": ("or", False),
    }
    results = {}
    for case, (mode, filtered) in cases.items():
        tantivy_ms, tantivy_cpu, pg_ms, overlap = [], [], [], []
        for q in queries:
            grams = _grams(q["chinese"])
            if not grams:
                continue
            filters = (q["city"], q["kind"]) if filtered else None
            query = t_query(grams, mode, filters)
            for _ in range(1):  # warm
                searcher.search(query, 10, count=False)
            t0, c0 = time.perf_counter(), time.process_time()
            hits = searcher.search(query, 10, count=False).hits
            tantivy_ms.append((time.perf_counter() - t0) * 1000)
            tantivy_cpu.append((time.process_time() - c0) * 1000)
            if with_pg:
                op = " & " if mode == "and" else " | "
                tsquery = op.join("'" + g.replace("'", "''") + "'" for g in grams)
                sql = (
                    "SELECT id FROM bench_fts WHERE tokens @@ to_tsquery('simple', %s)"  # noqa: S608 (fixed text, values bound)
                    + (" AND city = %s AND kind = %s" if filtered else "")
                    + " ORDER BY ts_rank(tokens, to_tsquery('simple', %s)) DESC LIMIT 10"
                )
                params = [tsquery, *(filters or []), tsquery]
                with connection.cursor() as cursor:
                    t0 = time.perf_counter()
                    cursor.execute(sql, params)
                    pg_ids = {r[0] for r in cursor.fetchall()}
                    pg_ms.append((time.perf_counter() - t0) * 1000)
                t_ids = {
                    int(v) for v in searcher.fast_field_values("object_id", [a for _s, a in hits])
                }
                if pg_ids or t_ids:
                    overlap.append(len(pg_ids & t_ids) / max(len(pg_ids), len(t_ids)))
        entry = {"tantivy": summary(tantivy_ms), "tantivy_cpu": summary(tantivy_cpu)}
        if with_pg:
            entry["postgresql"] = summary(pg_ms)
            entry["ratio_p95"] = round(entry["postgresql"]["p95"] / entry["tantivy"]["p95"], 1)
            entry["same_top10_share"] = round(statistics.fmean(overlap), 3) if overlap else None
        results[case] = entry
    return results


def service_search(queries: list[dict], user) -> dict:
    """The application's whole search (every way of typing a name, access filter, count, the
    page's database check), for each kind of query: with the facets (the search page) and
    without (facets=False: the hits and the count, as a search box asks)."""
    from clusterhub.matching import index as ix
    from clusterhub.matching.searching import search

    out = {}
    for kind in ("chinese", "short", "english", "initials"):
        for facets in (True, False):
            times, cpu, found, itself, complete = [], [], 0, 0, 0
            for q in queries:
                search(user=user, query=q[kind], facets=facets)  # warm
                t0, c0 = time.perf_counter(), time.process_time()
                answer = search(user=user, query=q[kind], facets=facets)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                found += bool(answer.hits)
                # The enterprise the query was made from is on the page (initials are shared
                # by many names, so for them this is not expected).
                itself += q.get("id") in {h.object_id for h in answer.hits}
                complete += answer.count_complete
            out[kind if facets else f"{kind}_hits_only"] = {
                **summary(times),
                "cpu": summary(cpu),
                "answered": round(found / max(1, len(queries)), 3),
                "source_on_page": round(itself / max(1, len(queries)), 3),
                "count_complete": round(complete / max(1, len(queries)), 3),
            }
    # The engine part of the same service (query building and the tantivy search with the access
    # filter and the count), without the facets and the database read-back.
    from clusterhub.matching import text as t
    from clusterhub.matching.searching import access_query, combine, one_of, text_query

    index = ix.current_index()
    schema = index.schema
    searcher = index.searcher()
    acl = access_query(schema, user)
    types = one_of(schema, "doc_type", ix.SEARCHABLE)
    times, cpu = [], []
    for q in queries:
        for _ in range(2):
            t0, c0 = time.perf_counter(), time.process_time()
            described = [x for x in ix.SEARCHABLE if x != ix.ENTERPRISE]
            normalised = t.normalise(q["short"])
            query = combine(
                [text_query(schema, normalised, descriptions_of=described)], [acl, types]
            )
            searcher.search(query, 20, count=True)
            elapsed = (time.perf_counter() - t0) * 1000
            cpu_ms = (time.process_time() - c0) * 1000
        times.append(elapsed)
        cpu.append(cpu_ms)
    out["engine_short_name_with_access"] = {**summary(times), "cpu": summary(cpu)}
    return out


def ranking_benchmark(planted: list[Planted], user) -> dict:
    """Supplier ranking for each quality demand: candidate generation in tantivy against the same
    hard filters and text in PostgreSQL, the whole ranking service, and its quality."""
    from django.db import connection

    from clusterhub.matching import index as ix
    from clusterhub.matching import ranking, text
    from clusterhub.matching.models import SourcingDemand

    index = ix.current_index()
    tantivy_ms, pg_ms, service_ms, precisions, best_top3 = [], [], [], [], []
    tantivy_cpu, service_cpu = [], []
    for spec in planted:
        demand = SourcingDemand.objects.select_related(
            "buyer", "buyer_site__region", "chain_node"
        ).get(pk=spec.demand_id)
        hood = ranking.neighbourhood(demand.chain_node)
        ranking.candidate_sites(index, demand, hood, user=user)  # warm
        t0, c0 = time.perf_counter(), time.process_time()
        ranking.candidate_sites(index, demand, hood, user=user)
        tantivy_ms.append((time.perf_counter() - t0) * 1000)
        tantivy_cpu.append((time.process_time() - c0) * 1000)
        if is_postgres():
            plant = ranking.plant_point(demand)
            lon0, lon1, lat0, lat1 = ranking.bounding_box(*plant, float(demand.max_distance_km))
            grams = text.cjk_query_grams(text.normalise(ranking.demand_text(demand)))
            tsquery = " | ".join("'" + g + "'" for g in grams) or "''"
            node_ids = list(hood.relation)
            sql = """
                SELECT s.id FROM enterprises_site s
                JOIN enterprises_capability c ON c.site_id = s.id AND c.chain_node_id = ANY(%s)
                WHERE s.enterprise_id <> %s
                  AND s.longitude BETWEEN %s AND %s AND s.latitude BETWEEN %s AND %s
                  AND EXISTS (SELECT 1 FROM enterprises_certification f
                              WHERE f.enterprise_id = s.enterprise_id AND f.standard = 'IATF 16949'
                                AND (f.valid_from IS NULL OR f.valid_from <= %s)
                                AND (f.valid_until IS NULL OR f.valid_until >= %s))
                ORDER BY ts_rank(to_tsvector('simple', c.products), to_tsquery('simple', %s)) DESC
                LIMIT 200
            """
            with connection.cursor() as cursor:
                params = [node_ids, demand.buyer_id, lon0, lon1, lat0, lat1, SOP, SOP, tsquery]
                cursor.execute(sql, params)  # warm
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                pg_ms.append((time.perf_counter() - t0) * 1000)
        t0, c0 = time.perf_counter(), time.process_time()
        answer = ranking.rank(demand, user=user, limit=10)
        service_ms.append((time.perf_counter() - t0) * 1000)
        service_cpu.append((time.process_time() - c0) * 1000)
        top = [c.enterprise.pk for c in answer.candidates[:10]]
        fits = truth(spec)
        precisions.append(len(set(top) & fits) / 10)
        best_top3.append(spec.best in top[:3])
    result = {
        "demands": len(planted),
        "candidates_tantivy": summary(tantivy_ms),
        "candidates_tantivy_cpu": summary(tantivy_cpu),
        "rank_service": summary(service_ms),
        "rank_service_cpu": summary(service_cpu),
        "precision_at_10": round(statistics.fmean(precisions), 3) if precisions else None,
        "best_in_top3": round(sum(best_top3) / len(best_top3), 3) if best_top3 else None,
    }
    if pg_ms:
        result["candidates_postgresql"] = summary(pg_ms)
        result["candidates_ratio_p95"] = round(
            result["candidates_postgresql"]["p95"] / result["candidates_tantivy"]["p95"], 1
        )
    return result


def bench_user():
    """A provincial viewer: sees public and internal records everywhere (the usual searcher)."""
    from django.contrib.auth import get_user_model

    from clusterhub.accounts.models import Membership, Organisation
    from clusterhub.geo.models import Region

    province = Region.objects.filter(code="220000").first()
    org, _ = Organisation.objects.get_or_create(
        name="基准测试省商务厅", defaults={"kind": "provincial_department", "region": province}
    )
    user, created = get_user_model().objects.get_or_create(username="bench_match_viewer")
    if created:
        Membership.objects.create(user=user, organisation=org, role="viewer")
    return get_user_model().objects.get(pk=user.pk)


# ---------------------------------------------------------------------------------------------
# HTTP at a fixed rate


def http_benchmark(
    queries: list[dict],
    user,
    *,
    rate: int,
    seconds: int,
    workers: int,
    facets: bool,
    worker_class: str = "gthread",
    connections: int = 16,
) -> dict:
    """GET /api/matching/search at `rate` requests a second for `seconds`, open loop (each
    request is due at its time whatever the earlier ones do; its latency counts from that due
    time, so a server that falls behind shows it), against gunicorn with `workers` workers.
    The client is one asyncio thread on the same machine (and cores) as the server; with the
    gthread workers it keeps `connections` connections open (HTTP/1.1 keep-alive, as a browser or
    a proxy in front does) and a request waits for a free one, from its due time; with sync
    workers each request opens its own. Its CPU is measured and reported: it shares the cores."""
    import asyncio
    import socket
    import urllib.parse

    from clusterhub.accounts.models import ApiToken

    _token, raw = ApiToken.issue(user=user, name="bench")
    port = _free_port()
    keep_alive = worker_class == "gthread"
    command = [
        *(sys.executable, "-m", "gunicorn", "clusterhub.wsgi:application"),
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--backlog", "2048", "--log-level", "warning", "--worker-class", worker_class),
    ]
    if keep_alive:
        command += ["--threads", "4", "--keep-alive", "30"]
    server = subprocess.Popen(
        command, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    paths = [
        "/api/matching/search?"
        + urllib.parse.urlencode({"q": q["short"], "facets": "true" if facets else "false"})
        for q in queries
    ]
    connection_header = "keep-alive" if keep_alive else "close"
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {raw}\r\n"
            f"Connection: {connection_header}\r\n\r\n"
        ).encode()
        for path in paths
    ]

    async def exchange(reader, writer, request: bytes) -> bool:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await reader.readexactly(length)
        return head.startswith(b"HTTP/1.1 200")

    async def get_closing(request: bytes) -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await exchange(reader, writer, request)
        finally:
            writer.close()

    pool: asyncio.Queue | None = None
    server_cpu = [0.0]  # the workers' CPU once warm

    async def get_kept(request: bytes) -> bool:
        reader, writer = await pool.get()
        try:
            ok = await exchange(reader, writer, request)
        except (OSError, asyncio.IncompleteReadError):
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            ok = False
        pool.put_nowait((reader, writer))
        return ok

    async def fire(i: int, due: float, latencies: list, errors: list) -> None:
        get = get_kept if keep_alive else get_closing
        try:
            ok = await asyncio.wait_for(get(requests[i % len(requests)]), 30)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            ok = False
        if ok:
            latencies.append((time.perf_counter() - due) * 1000)
        else:
            errors.append(i)

    async def drive() -> tuple[list, list, float, float]:
        nonlocal pool
        if keep_alive:
            pool = asyncio.Queue()
            for _ in range(connections):
                pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
        for n in range(50):  # both workers open the index and answer once
            await fire(n, time.perf_counter(), [], [])
        server_cpu[0] = _children_cpu(server.pid)
        latencies, errors, tasks = [], [], []
        client_cpu = time.process_time()
        start = time.perf_counter()
        for i in range(rate * seconds):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(fire(i, due, latencies, errors)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
        client_cpu = time.process_time() - client_cpu
        if keep_alive:
            while not pool.empty():
                pool.get_nowait()[1].close()
        return latencies, errors, elapsed, client_cpu

    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        latencies, errors, elapsed, client_cpu = asyncio.run(drive())
        cpu = _children_cpu(server.pid) - server_cpu[0]
        served = max(1, len(latencies))
        return {
            "server": f"gunicorn {workers} {worker_class} workers"
            + (f", 4 threads, {connections} kept-alive connections" if keep_alive else ""),
            "facets": facets,
            "rate": rate,
            "seconds": seconds,
            "achieved_rate": round(len(latencies) / elapsed, 1),
            "errors": len(errors),
            **summary(latencies),
            "server_cpu_ms_per_request": round(cpu * 1000 / served, 2),
            "client_cpu_ms_per_request": round(client_cpu * 1000 / served, 2),
            "client_cpu_share_of_a_core": round(client_cpu / elapsed, 3),
            "load": load(),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def _children_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn workers of master `pid`, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------


def existing_size() -> int:
    from clusterhub.enterprises.models import Enterprise

    return Enterprise.objects.filter(public_id__startswith="B").count()


def planted_from_database() -> list[Planted]:
    """The quality demands of an earlier run (--reuse): best and fits are read back."""
    from clusterhub.matching.models import SourcingDemand

    planted = []
    for demand in SourcingDemand.objects.filter(code__startswith="DQ").order_by("code"):
        from clusterhub.chain.models import SupplyLink

        best = (
            SupplyLink.objects.filter(
                customer_id=demand.buyer_id,
                chain_node_id=demand.chain_node_id,
                annual_value=Decimal(400_000_000),
            )
            .order_by("-pk")
            .values_list("supplier_id", flat=True)
            .first()
        )
        planted.append(Planted(demand_id=demand.pk, node_id=demand.chain_node_id, best=best or 0))
    return planted


def run(args) -> dict:
    rng = random.Random(args.seed)
    report: dict = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "enterprises": args.enterprises,
        "load_before": load(),
    }
    if args.reuse and existing_size() >= args.enterprises:
        planted = planted_from_database()
        report["populate"] = "reused"
    else:
        populated = populate(
            enterprises=args.enterprises,
            demands=args.demands,
            seed=args.seed,
            progress=print if args.verbose else (lambda *_: None),
        )
        planted = populated["planted"]
        report["populate_seconds"] = round(populated["load_seconds"], 1)
    from clusterhub.enterprises.models import Enterprise, Site

    report["rows"] = {"enterprises": Enterprise.objects.count(), "sites": Site.objects.count()}
    if not (args.reuse and args.skip_index):
        report["index"] = build_index()
    with_pg = is_postgres()
    if with_pg and not (args.reuse and args.skip_index):
        report["postgresql_fts_build"] = build_pg_fts()
    wanted = {args.only} if args.only else {"engines", "search", "ranking"}
    queries = name_queries(rng, args.queries) if wanted & {"engines", "search"} else []
    user = bench_user()
    if "engines" in wanted:
        report["engines"] = engine_comparison(queries, with_pg=with_pg)
    if "search" in wanted:
        report["search_service"] = service_search(queries[: max(50, args.queries // 5)], user)
    if "ranking" in wanted:
        report["ranking"] = ranking_benchmark(planted[: args.demands], user)
    if args.http and "search" in wanted:
        report["http"] = {
            f"{name}_{rate}": http_benchmark(
                queries,
                user,
                rate=rate,
                seconds=args.seconds,
                workers=args.workers,
                facets=facets,
                worker_class=args.worker_class,
            )
            for rate in args.rate
            for name, facets in (("hits_only", False), ("with_facets", True))
        }
    report["load_after"] = load()
    return report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--demands", type=int, default=200)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--reuse", action="store_true", help="Keep the data of an earlier run.")
    parser.add_argument("--skip-index", action="store_true", help="With --reuse: keep the index.")
    parser.add_argument("--http", action="store_true", help="Also measure HTTP at --rate.")
    parser.add_argument(
        "--rate",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[200],
        help="requests a second, e.g. 200,60 (the target, and a rate the machine can serve)",
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 cores)")
    parser.add_argument(
        "--worker-class",
        default="gthread",
        choices=["gthread", "sync"],
        help="gunicorn workers: gthread with keep-alive (default), or sync (a connection each)",
    )
    parser.add_argument(
        "--only",
        choices=["engines", "search", "ranking"],
        help="Measure one part: the engines side by side, the search service (and HTTP with "
        "--http), or the ranking (keeps runs short with --reuse --skip-index).",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_django(args.database, fresh=not args.reuse)
    report = run(args)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"match-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
