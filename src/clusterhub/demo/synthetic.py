"""The synthetic demo population: about 1,500 suppliers and 8,000 supply links, from a fixed seed.

Everything here is generated and every record is marked `is_synthetic`; names are checked not to
collide with the real companies of the demo. The population follows the real division of roles
in Jilin (China News Service 2021-10-19, see reference/FACTS.md): Changchun makes vehicles and
parts; Jilin City chemicals, carbon fibre, electronics and batteries; Siping special-purpose
vehicles and their parts; Liaoyuan, Songyuan and Baicheng materials; Tonghua, Baishan and Yanbian
little. Chips, sensors and software come almost all from outside the province, battery cells
all of them until 2024.

Local sourcing rate (本地配套率) of FAW's Changchun plants: the share of the value they buy from
suppliers whose producing site is in Jilin. The generator calibrates it, year by year, to
LOCAL_SOURCING_TARGET: 38% in 2020 (the figure of about 2010, Xinhua 2011-01-07, which the
demo takes as its starting point) rising to 50% in 2025 (the policy target). The demo's figures
are within ±0.5 percentage points of these targets.

`generate_population(seed=...)` is pure Python (no database): the same seed gives the same
population on every machine. `sync_population()` writes it, or leaves the database alone when it
already holds exactly that population.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import random
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from clusterhub.chain.models import ChainNode, SupplyLink
from clusterhub.core.choices import Confidentiality, Datum
from clusterhub.enterprises.models import (
    PUBLIC_ID_ALPHABET,
    Capability,
    Certification,
    Enterprise,
    EnterpriseAlias,
    Site,
)
from clusterhub.enterprises.services import pinyin_of
from clusterhub.enterprises.validators import uscc_check_character
from clusterhub.geo.models import Park, Region

from .profiles import (
    AUTOMOBILE_CITY_AREAS,
    COMMERCIAL_BASKET,
    COMMERCIAL_PLANTS,
    COMPONENT_NODES,
    DEFAULT_UPSTREAM_SHARE,
    DEV_ZONE_ANCHOR,
    EARLIEST_LOCAL,
    GENERIC_INDUSTRY,
    ICE_ONLY,
    ICV,
    INDUSTRY,
    LOCALISATION_REGIONS,
    MECHANICAL,
    NEV_ONLY,
    NOT_LOCALISED,
    PASSENGER_BASKET,
    PLACE_PREFIX,
    PLANT_NEV_SHARE,
    PLANT_SPEND,
    REGION_COUNTS,
    RESERVED_TRADE_NAMES,
    SOURCING,
    SPECIAL_VEHICLE_INPUTS,
    SUFFIXES,
    SUPPLIER_SERVICES,
    TRADE_CHARACTERS,
    UPSTREAM,
    UPSTREAM_SHARE,
    supplier_profile,
)
from .records import bulk_delete, bulk_insert
from .reference import PACKAGE_DIR, jilin_rows, read_csv, taxonomy_rows

DEFAULT_SEED = 20211019
YEARS = tuple(range(2020, 2026))
LINK_SOURCE = "synthetic demo"
FIXTURES_DIR = PACKAGE_DIR / "fixtures" / "demo"
# Certificates are dated relative to this day, so the population does not depend on the clock.
CERTIFICATES_AS_OF = datetime.date(2026, 7, 1)

LOCAL_SOURCING_TARGET = {2020: 0.38, 2021: 0.40, 2022: 0.42, 2023: 0.45, 2024: 0.48, 2025: 0.50}

# ---------------------------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------------------------


@dataclass
class SynSite:
    name: str
    name_en: str
    kind: str
    region: str
    park: str | None
    lon: Decimal | None
    lat: Decimal | None
    nodes: list[str]
    local: bool  # in Jilin


@dataclass
class SynCertificate:
    standard: str
    number: str
    valid_from: datetime.date
    valid_until: datetime.date


@dataclass
class SynEnterprise:
    public_id: str
    credit_code: str
    name: str
    name_en: str
    short_name: str
    kind: str
    ownership: str
    size: str
    home_region: str
    founded: datetime.date
    employees: int
    annual_revenue: Decimal
    confidentiality: str
    nodes: list[str]
    trade_en: str = ""
    sites: list[SynSite] = field(default_factory=list)
    certificates: list[SynCertificate] = field(default_factory=list)
    former_name: str = ""


@dataclass(frozen=True)
class Party:
    """A side of a supply link: a synthetic enterprise (by index) or a real one (by key)."""

    synthetic: int | None = None
    real: str | None = None
    site: int = 0  # index into the enterprise's sites


@dataclass
class SynLink:
    supplier: Party
    customer: Party
    node: str
    year: int
    value: float


@dataclass
class Population:
    seed: int
    enterprises: list[SynEnterprise]
    links: list[SynLink]

    def digest(self, real_public_ids: dict[str, str]) -> str:
        return population_digest(
            enterprise_rows(self), link_rows(self, real_public_ids=real_public_ids)
        )


def enterprise_rows(population: Population) -> list[tuple]:
    return [
        (e.public_id, e.credit_code, e.name, e.home_region, e.kind) for e in population.enterprises
    ]


def link_rows(population: Population, *, real_public_ids: dict[str, str]) -> list[tuple]:
    def public_id(party: Party) -> str:
        if party.real is not None:
            return real_public_ids[party.real]
        return population.enterprises[party.synthetic].public_id

    return [
        (public_id(k.supplier), public_id(k.customer), k.node, k.year, _money(k.value))
        for k in population.links
    ]


def population_digest(enterprises: list[tuple], links: list[tuple]) -> str:
    text = repr((sorted(enterprises), sorted(links)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _money(value: float) -> str:
    return f"{round(value)}.00"


# ---------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    if rng.random() < 0.6:  # codes issued since 2015 start with MA
        letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "MA" + "".join(rng.choice(letters) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    remainder = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def credit_code(rng: random.Random, region_code: str) -> str:
    """A valid unified social credit code: 9 (market regulator), 1 (enterprise), area, org code."""
    first17 = "91" + region_code + organisation_code(rng)
    return first17 + uscc_check_character(first17)


def new_public_id(rng: random.Random) -> str:
    return "E" + "".join(rng.choice(PUBLIC_ID_ALPHABET) for _ in range(9))


def real_public_id(key: str) -> str:
    """The stable public id of a real demo company, derived from its key."""
    digest = hashlib.sha256(f"clusterhub-demo:{key}".encode()).digest()
    return "E" + "".join(PUBLIC_ID_ALPHABET[b % 32] for b in digest[:9])


def load_real_names() -> set[str]:
    """Every name and alias of the real demo companies (synthetic names must avoid them)."""
    data = tomllib.loads((FIXTURES_DIR / "real_enterprises.toml").read_text("utf-8"))
    names = set()
    for entry in data["enterprise"]:
        names.update({entry["name"], entry.get("name_en", ""), entry.get("short_name", "")})
        names.update(alias for alias, _kind in entry.get("aliases", []))
    return {n for n in names if n}


@dataclass
class _Geography:
    prefecture: dict[str, str]  # home region code -> prefecture (or outside city) code
    centroid: dict[str, tuple[float, float]]
    name: dict[str, str]
    name_en: dict[str, str]
    level: dict[str, str]
    counties: dict[str, list[str]]  # prefecture -> its counties with centroids


def _geography() -> _Geography:
    rows = jilin_rows() + read_csv(FIXTURES_DIR / "outside_regions.csv")
    geo = _Geography({}, {}, {}, {}, {}, defaultdict(list))
    for row in rows:
        code = row["code"]
        geo.name[code] = row["name"]
        geo.name_en[code] = row["name_en"]
        geo.level[code] = row["level"]
        if row["lon"]:
            geo.centroid[code] = (float(row["lon"]), float(row["lat"]))
        if row["level"] in ("county", "dev_zone"):
            geo.prefecture[code] = row["parent"]
            if row["level"] == "county":
                geo.counties[row["parent"]].append(code)
        else:
            geo.prefecture[code] = code
    return geo


ZONE_SHORT_NAMES = {
    "220171": ("长春经开区", "Changchun ETDZ"), "220172": ("净月高新区", "Jingyue Hi-tech Zone"),
    "220173": ("长春高新区", "Changchun Hi-tech Zone"), "220174": ("汽开区", "Auto ETDZ"),
    "220271": ("吉林经开区", "Jilin ETDZ"), "220272": ("吉林高新区", "Jilin Hi-tech Zone"),
    "220273": ("中新食品区", "China-Singapore Food Zone"), "220771": ("松原经开区", "Songyuan ETDZ"),
    "220871": ("白城经开区", "Baicheng ETDZ"),
}  # fmt: skip


def _short_place(geo: _Geography, code: str) -> tuple[str, str]:
    """A short place name for site names: 公主岭, 绿园, 汽开区 ..."""
    if code in ZONE_SHORT_NAMES:
        return ZONE_SHORT_NAMES[code]
    name = geo.name[code]
    for suffix in ("朝鲜族自治县", "满族自治县", "蒙古族自治县", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    english = geo.name_en[code]
    for suffix in (" Autonomous County", " Autonomous Prefecture", " District", " County", " City"):
        english = english.removesuffix(suffix)
    for people in (" Manchu", " Korean", " Mongol"):
        english = english.removesuffix(people)
    return name, english


@functools.cache
def _character_pinyin() -> dict[str, str]:
    from pypinyin import lazy_pinyin

    readings = {c: lazy_pinyin(c)[0] for c in TRADE_CHARACTERS}
    return readings | {"晟": "sheng"}  # the usual reading in company names


def _trade_name_en(trade: str) -> str:
    pinyin = _character_pinyin()
    return "".join(pinyin[c] for c in trade).capitalize()


class _Generator:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.geo = _geography()
        self.reserved_names = load_real_names()
        self.taxonomy = {row["code"]: row for row in taxonomy_rows()}
        parents = {row["parent"] for row in self.taxonomy.values()}
        leaves = [code for code in self.taxonomy if code not in parents]
        # Second lines of the same family (stampings and body-in-white; cells and packs), below
        # the segment level (an aluminium maker does not also make glass).
        self.siblings = {
            leaf: [
                other
                for other in leaves
                if other != leaf
                and self.taxonomy[other]["parent"] == self.taxonomy[leaf]["parent"]
                and self.taxonomy[self.taxonomy[leaf]["parent"]]["parent"]
            ]
            for leaf in leaves
        }
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.public_ids: set[str] = set()
        self.enterprises: list[SynEnterprise] = []
        self.links: dict[tuple, SynLink] = {}

    # --- enterprises ------------------------------------------------------------------------

    def profile(self, region: str) -> dict[str, float]:
        return supplier_profile(region, self.geo.prefecture[region])

    def kind_of(self, node: str, outside: bool) -> str:
        if node == "VEH.SPV.UPF":
            return "tier1"  # body builders supply the special-vehicle makers
        if node.startswith("VEH."):
            return "oem"
        if node.startswith("MAT."):
            return "raw_material"
        if node.startswith("SVC."):
            return {"SVC.LOG": "logistics", "SVC.FIN": "finance", "SVC.RND": "research"}.get(
                node[:7], "service"
            )
        if node in COMPONENT_NODES:
            return "tier2"
        return "tier1" if self.rng.random() < (0.6 if outside else 0.55) else "tier2"

    def name_for(self, region: str, node: str) -> tuple[str, str, str, str]:
        rng = self.rng
        prefecture = self.geo.prefecture[region]
        place, place_en = PLACE_PREFIX[prefecture]
        if region in self.geo.counties.get(prefecture, []) and self.geo.name[region].endswith("市"):
            if rng.random() < 0.6:  # county-level cities name their companies after themselves
                place, place_en = self.geo.name[region], _short_place(self.geo, region)[1]
        elif prefecture.startswith("22") and rng.random() < 0.08:
            place, place_en = "吉林省", "Jilin"
        elif not place.endswith("市") and prefecture != "222400" and rng.random() < 0.3:
            place = place + "市"
        options = INDUSTRY.get(node, GENERIC_INDUSTRY)
        if node.startswith(MECHANICAL) and rng.random() < 0.2:
            options = GENERIC_INDUSTRY
        industry, industry_en, industry_short = rng.choice(options)
        suffix = rng.choices([s for s, _ in SUFFIXES], weights=[w for _, w in SUFFIXES])[0]
        for _attempt in range(200):
            trade = rng.choice(TRADE_CHARACTERS) + rng.choice(TRADE_CHARACTERS)
            if trade[0] == trade[1] or trade in RESERVED_TRADE_NAMES:
                continue
            name = f"{place}{trade}{industry}{suffix}"
            if name in self.names or name in self.reserved_names:
                continue
            self.names.add(name)
            trade_en = _trade_name_en(trade)
            name_en = f"{place_en} {trade_en} {industry_en} Co., Ltd."
            return name, name_en, f"{trade}{industry_short}", trade_en
        raise RuntimeError("could not find a free synthetic company name")

    def unique_credit_code(self, region: str) -> str:
        while True:
            code = credit_code(self.rng, region)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def unique_public_id(self) -> str:
        while True:
            public_id = new_public_id(self.rng)
            if public_id not in self.public_ids:
                self.public_ids.add(public_id)
                return public_id

    def place_site(self, region: str) -> tuple[Decimal, Decimal]:
        anchor = DEV_ZONE_ANCHOR.get(region, region)
        lon, lat = self.geo.centroid[anchor]
        lon += self.rng.uniform(-0.04, 0.04)
        lat += self.rng.uniform(-0.03, 0.03)
        return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")

    def park_for(self, region: str) -> str | None:
        if region in DEV_ZONE_ANCHOR:
            return region
        if region in AUTOMOBILE_CITY_AREAS and self.rng.random() < 0.4:
            return "CIAC"
        return None

    def site(self, e: SynEnterprise, region: str, kind: str, nodes: list[str]) -> SynSite:
        place, place_en = _short_place(self.geo, region)
        label = {"plant": ("工厂", "plant"), "warehouse": ("仓库", "warehouse")}.get(
            kind, ("办公室", "office") if kind == "office" else ("研发中心", "R&D centre")
        )
        trade_en = e.trade_en
        lon, lat = self.place_site(region)
        return SynSite(
            name=f"{e.short_name}{place}{label[0]}",
            name_en=f"{trade_en} {place_en} {label[1]}",
            kind=kind,
            region=region,
            park=self.park_for(region),
            lon=lon,
            lat=lat,
            nodes=nodes,
            local=region.startswith("22"),
        )

    def enterprise(self, region: str, node: str) -> SynEnterprise:
        rng = self.rng
        outside = not region.startswith("22")
        kind = self.kind_of(node, outside)
        name, name_en, short_name, trade_en = self.name_for(region, node)
        size_weights = {
            "oem": (0.2, 0.5, 0.3, 0.0),
            "tier1": (0.25, 0.5, 0.25, 0.0),
            "tier2": (0.0, 0.3, 0.55, 0.15),
            "raw_material": (0.2, 0.4, 0.4, 0.0),
        }.get(kind, (0.05, 0.25, 0.5, 0.2))
        size = rng.choices(("large", "medium", "small", "micro"), weights=size_weights)[0]
        employees = {
            "large": (1000, 8000),
            "medium": (300, 999),
            "small": (20, 299),
            "micro": (5, 19),
        }[size]
        revenue = {"large": (1e9, 2e10), "medium": (1e8, 1e9), "small": (5e6, 1e8)}.get(
            size, (5e5, 5e6)
        )
        ownership = rng.choices(
            ("private", "state", "foreign", "joint_venture"),
            weights=(0.62, 0.1, 0.1, 0.18) if kind == "tier1" else (0.75, 0.12, 0.05, 0.08),
        )[0]
        founded = datetime.date(1985, 1, 1) + datetime.timedelta(
            days=int(rng.triangular(0, 13870, 10000))
        )
        nodes = [node]
        siblings = self.siblings[node]
        if siblings and rng.random() < 0.3:
            nodes.append(rng.choice(siblings))
        e = SynEnterprise(
            public_id=self.unique_public_id(),
            credit_code=self.unique_credit_code(region),
            name=name,
            name_en=name_en,
            short_name=short_name,
            kind=kind,
            ownership=ownership,
            size=size,
            home_region=region,
            founded=founded,
            employees=rng.randint(*employees),
            annual_revenue=Decimal(round(rng.uniform(*revenue), -4)),
            confidentiality=rng.choices(
                ("public", "internal", "confidential"), weights=(0.85, 0.12, 0.03)
            )[0],
            nodes=nodes,
            trade_en=trade_en,
        )
        first_kind = {"logistics": "warehouse", "finance": "office", "research": "research"}.get(
            kind, "office" if kind == "service" else "plant"
        )
        e.sites.append(self.site(e, region, first_kind, nodes))
        if outside:
            if kind in ("tier1", "tier2") and node not in NOT_LOCALISED and rng.random() < 0.22:
                e.sites.append(self.site(e, rng.choice(LOCALISATION_REGIONS), "plant", nodes))
        elif rng.random() < 0.15:
            others = [c for c in self.geo.counties[self.geo.prefecture[region]] if c != region]
            if first_kind == "plant" and others and rng.random() < 0.6:
                e.sites.append(self.site(e, rng.choice(others), "plant", nodes))
            else:
                e.sites.append(self.site(e, "220174", "warehouse", []))
        e.certificates = self.certificates(e)
        if rng.random() < 0.05:
            e.former_name = e.name.replace(
                PLACE_PREFIX[self.geo.prefecture[region]][0], "", 1
            ).replace("有限公司", "厂", 1)
        self.enterprises.append(e)
        return e

    def certificates(self, e: SynEnterprise) -> list[SynCertificate]:
        rng = self.rng
        chances = {
            "tier1": {"IATF 16949": 0.9, "ISO 14001": 0.7, "ISO 45001": 0.5, "VDA 6.3": 0.25},
            "tier2": {"IATF 16949": 0.6, "ISO 14001": 0.4, "ISO 45001": 0.2},
            "oem": {"ISO 9001": 0.9, "ISO 14001": 0.7, "ISO 45001": 0.4},
            "raw_material": {"IATF 16949": 0.3, "ISO 14001": 0.6, "ISO 45001": 0.3},
        }.get(e.kind, {"ISO 9001": 0.6})
        standards = [s for s, chance in chances.items() if rng.random() < chance]
        if "IATF 16949" not in standards and "ISO 9001" not in standards:
            if rng.random() < 0.8:
                standards.insert(0, "ISO 9001")
        result = []
        for standard in standards:
            if rng.random() < 0.12:  # expired
                offset = rng.randint(-500, -150)
            else:
                offset = rng.randint(200, 1050)
            valid_until = CERTIFICATES_AS_OF + datetime.timedelta(days=offset)
            valid_from = valid_until - datetime.timedelta(days=3 * 365 - 1)  # three years
            number = f"{standard.split()[0][:4]}-{rng.randint(100000, 999999)}"
            result.append(SynCertificate(standard, number, valid_from, valid_until))
        return result

    def suppliers(self) -> None:
        for region, count in REGION_COUNTS.items():
            profile = self.profile(region)
            for _ in range(count):
                self.enterprise(region, _weighted(self.rng, profile))

    # --- supply links -----------------------------------------------------------------------

    def makers(self, node: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(local, outside) makers of a node as (enterprise index, producing site index)."""
        local, outside = [], []
        for i, e in enumerate(self.enterprises):
            if e.kind == "oem" or node not in e.nodes:
                continue
            home = 0 if node in e.sites[0].nodes else None
            if home is None:
                continue
            (local if e.sites[0].local else outside).append((i, home))
        return local, outside

    def localised(self, index: int) -> int | None:
        """The Changchun plant of an outside supplier, if it has one."""
        for site_index, site in enumerate(self.enterprises[index].sites[1:], start=1):
            if site.local and site.kind == "plant":
                return site_index
        return None

    def add_link(self, supplier: Party, customer: Party, node: str, year: int, value: float):
        key = (supplier.synthetic, supplier.real, customer.synthetic, customer.real, node, year)
        if key in self.links:
            self.links[key].value += value
        else:
            self.links[key] = SynLink(supplier, customer, node, year, value)

    def pick(self, pool: list, used: set, tier1_first: bool = True, fresh: set | None = None):
        """A maker from `pool` not in `used`: tier-1s first, and makers not in `fresh` (those
        already supplying the node to another plant) first, so the plants share few suppliers."""
        free = [m for m in pool if m[0] not in used]
        if not free:
            return None
        weights = [
            (3 if tier1_first and self.enterprises[i].kind == "tier1" else 1)
            * (1 if fresh is None or i not in fresh else 0.05)
            for i, _site in free
        ]
        return self.rng.choices(free, weights=weights)[0]

    def oem_purchases(self) -> None:
        rng = self.rng
        makers = {node: self.makers(node) for node in SOURCING}
        serving: dict[str, set[int]] = defaultdict(set)  # node -> makers supplying some plant
        for plant, spend in PLANT_SPEND.items():
            basket = COMMERCIAL_BASKET if plant in COMMERCIAL_PLANTS else PASSENGER_BASKET
            weights_by_year = {}
            for y, year in enumerate(YEARS):
                if not spend[y]:
                    continue
                nev = PLANT_NEV_SHARE[plant][y]
                weights = {}
                for node, weight in basket.items():
                    if node in ICE_ONLY:
                        weight *= 1 - nev
                    elif node in NEV_ONLY:
                        weight *= nev
                    elif node in ICV:
                        weight *= 0.4 + 0.15 * (year - 2020)
                    if weight > 0:
                        weights[node] = weight
                total = sum(weights.values())
                weights_by_year[year] = {n: spend[y] * 1e9 * w / total for n, w in weights.items()}
            customer = Party(real=plant)
            for node in basket:
                years = [y for y in YEARS if node in weights_by_year.get(y, {})]
                if not years:
                    continue
                p0, p1, fewest, most = SOURCING[node]
                local_pool, outside_pool = makers[node]
                used: set[int] = set()
                slots = []  # (share, {year: Party})
                # One more than the table says, except where FAW keeps a single source.
                for slot in range(rng.randint(fewest, most) + (1 if most > 1 else 0)):
                    u = rng.random()
                    plan: dict[int, Party] = {}
                    if u < p0:
                        chosen = self.pick(local_pool, used, fresh=serving[node]) or self.pick(
                            outside_pool, used, fresh=serving[node]
                        )
                        if chosen:
                            used.add(chosen[0])
                            serving[node].add(chosen[0])
                            plan = {y: Party(synthetic=chosen[0], site=chosen[1]) for y in years}
                    elif u < p1:
                        earliest = max(EARLIEST_LOCAL.get(node, 2021), years[0] + 1)
                        switch = rng.randint(min(earliest, 2025), 2025)
                        before = self.pick(outside_pool, used, fresh=serving[node])
                        if before:
                            used.add(before[0])
                            serving[node].add(before[0])
                        local_site = self.localised(before[0]) if before else None
                        if before and local_site is not None and rng.random() < 0.5:
                            after = (before[0], local_site)  # the outside supplier localises
                        else:
                            after = self.pick(local_pool, used, fresh=serving[node])
                            if after:
                                used.add(after[0])
                                serving[node].add(after[0])
                        for y in years:
                            side = before if y < switch else after
                            if side:
                                plan[y] = Party(synthetic=side[0], site=side[1])
                    else:
                        chosen = self.pick(outside_pool, used, fresh=serving[node]) or self.pick(
                            local_pool, used, fresh=serving[node]
                        )
                        if chosen:
                            used.add(chosen[0])
                            serving[node].add(chosen[0])
                            plan = {y: Party(synthetic=chosen[0], site=chosen[1]) for y in years}
                    if plan:
                        slots.append(((2.0 if slot == 0 else 1.0) * rng.uniform(0.5, 1.5), plan))
                for year in years:
                    active = [(share, plan[year]) for share, plan in slots if year in plan]
                    total = sum(share for share, _ in active)
                    for share, supplier in active:
                        value = weights_by_year[year][node] * share / total
                        self.add_link(supplier, customer, node, year, value)
        self.calibrate()

    def is_local(self, party: Party) -> bool:
        return self.enterprises[party.synthetic].sites[party.site].local

    def calibrate(self) -> None:
        """Scale local purchases so the local sourcing rate meets LOCAL_SOURCING_TARGET."""
        for year, target in LOCAL_SOURCING_TARGET.items():
            links = [k for k in self.links.values() if k.customer.real and k.year == year]
            local = sum(k.value for k in links if self.is_local(k.supplier))
            outside = sum(k.value for k in links if not self.is_local(k.supplier))
            factor = target / (1 - target) * outside / local
            for link in links:
                if self.is_local(link.supplier):
                    link.value *= factor

    def upstream_purchases(self) -> None:
        """Tier-2 (and tier-3) links: what the makers of each node buy to make it."""
        rng = self.rng
        wanted = sorted({n for v in UPSTREAM.values() for n in v} | set(SUPPLIER_SERVICES))
        makers = {node: self.makers(node) for node in wanted}
        # (buyer enterprise, buyer site, node) -> {year: value sold}
        sales: dict[tuple[int, int, str], dict[int, float]] = defaultdict(dict)
        for link in self.links.values():
            if link.supplier.synthetic is not None:
                key = (link.supplier.synthetic, link.supplier.site, link.node)
                sales[key][link.year] = sales[key].get(link.year, 0) + link.value
        queue = [(key, years, 1) for key, years in sales.items()]
        while queue:
            (buyer, buyer_site, node), years, depth = queue.pop(0)
            inputs = UPSTREAM.get(node, [])
            if not inputs or depth > 2 or (depth == 2 and rng.random() < 0.5):
                continue  # tier-3 links for about half of the tier-2 sales
            buyer_local = self.enterprises[buyer].sites[buyer_site].local
            chosen_inputs = rng.sample(inputs, min(len(inputs), rng.choice((1, 1, 2))))
            if depth == 1 and rng.random() < 0.15:
                chosen_inputs.append(rng.choice(sorted(SUPPLIER_SERVICES)))
            for upstream in chosen_inputs:
                local_pool, outside_pool = makers[upstream]
                local_pool = [m for m in local_pool if m[0] != buyer]
                outside_pool = [m for m in outside_pool if m[0] != buyer]
                share = SUPPLIER_SERVICES.get(upstream) or UPSTREAM_SHARE.get(
                    upstream, DEFAULT_UPSTREAM_SHARE
                )
                count = 1 if rng.random() < 0.8 else 2
                used: set[int] = set()
                for n in range(count):
                    prefer_local = rng.random() < (0.65 if buyer_local else 0.3)
                    pools = (
                        (local_pool, outside_pool) if prefer_local else (outside_pool, local_pool)
                    )
                    chosen = self.pick(pools[0], used, False) or self.pick(pools[1], used, False)
                    if chosen is None:
                        continue
                    used.add(chosen[0])
                    split = (0.7 if n == 0 else 0.3) if count == 2 else 1.0
                    bought = {y: v * share * split for y, v in years.items()}
                    for year, value in bought.items():
                        self.add_link(
                            Party(synthetic=chosen[0], site=chosen[1]),
                            Party(synthetic=buyer, site=buyer_site),
                            upstream,
                            year,
                            value,
                        )
                    queue.append(((chosen[0], chosen[1], upstream), bought, depth + 1))

    def special_vehicle_purchases(self) -> None:
        rng = self.rng
        for index, e in enumerate(self.enterprises):
            if e.kind != "oem":
                continue
            spend = {"large": 8e8, "medium": 2e8, "small": 5e7}.get(e.size, 2e7)
            inputs = SPECIAL_VEHICLE_INPUTS[e.nodes[0]]
            start = rng.choice((2020, 2020, 2021, 2022))
            for node in rng.sample(inputs, min(len(inputs), rng.randint(3, 4))):
                local_pool, outside_pool = self.makers(node)
                local_pool = [m for m in local_pool if m[0] != index]
                outside_pool = [m for m in outside_pool if m[0] != index]
                chosen = self.pick(local_pool if rng.random() < 0.8 else outside_pool, set())
                chosen = chosen or self.pick(local_pool + outside_pool, set())
                if chosen is None:
                    continue
                share = rng.uniform(0.05, 0.2)
                for year in YEARS[YEARS.index(start) :]:
                    growth = 1 + 0.05 * (year - 2020)
                    self.add_link(
                        Party(synthetic=chosen[0], site=chosen[1]),
                        Party(synthetic=index, site=0),
                        node,
                        year,
                        spend * share * growth,
                    )

    def run(self) -> Population:
        self.suppliers()
        self.oem_purchases()
        self.special_vehicle_purchases()
        self.upstream_purchases()
        links = [k for k in self.links.values() if round(k.value) > 0]
        return Population(self.seed, self.enterprises, links)


def generate_population(*, seed: int = DEFAULT_SEED) -> Population:
    """The synthetic population for `seed`, built in memory (no database access)."""
    return _Generator(seed).run()


# ---------------------------------------------------------------------------------------------
# Writing it
# ---------------------------------------------------------------------------------------------


def database_digest() -> str:
    """The digest of the synthetic population now in the database (see Population.digest)."""
    enterprises = list(
        Enterprise.objects.filter(is_synthetic=True).values_list(
            "public_id", "credit_code", "name", "home_region__code", "kind"
        )
    )
    links = [
        (supplier, customer, node, year, f"{value:.2f}")
        for supplier, customer, node, year, value in SupplyLink.objects.filter(
            is_synthetic=True
        ).values_list(
            "supplier__public_id", "customer__public_id", "chain_node__code", "year", "annual_value"
        )
    ]
    return population_digest(enterprises, links)


def delete_synthetic() -> None:
    """Remove every synthetic record; every delete is logged, like any other."""
    synthetic = Enterprise.objects.filter(is_synthetic=True)
    bulk_delete(
        SupplyLink.objects.filter(
            Q(is_synthetic=True) | Q(supplier__is_synthetic=True) | Q(customer__is_synthetic=True)
        ),
        related=("supplier", "customer", "chain_node"),
    )
    bulk_delete(
        Capability.objects.filter(site__enterprise__in=synthetic), related=("site", "chain_node")
    )
    bulk_delete(Certification.objects.filter(enterprise__in=synthetic))
    bulk_delete(EnterpriseAlias.objects.filter(enterprise__in=synthetic))
    # Sites and companies may be pointed at from other apps: Django's delete follows those rules.
    Site.objects.filter(enterprise__in=synthetic).delete()
    synthetic.delete()


@transaction.atomic
def sync_population(
    population: Population, *, real: dict[str, Enterprise], real_sites: dict[str, Site]
) -> str:
    """Write the population, unless the database holds exactly it already.

    Returns "unchanged", "created" or "replaced".
    """
    real_ids = {key: e.public_id for key, e in real.items()}
    if database_digest() == population.digest(real_ids):
        return "unchanged"
    had_any = Enterprise.objects.filter(is_synthetic=True).exists()
    delete_synthetic()
    _insert(population, real=real, real_sites=real_sites)
    return "replaced" if had_any else "created"


def _insert(population: Population, *, real: dict, real_sites: dict) -> None:
    regions = {r.code: r for r in Region.objects.all()}
    parks = {p.code: p for p in Park.objects.all()}
    nodes = {n.code: n for n in ChainNode.objects.all()}
    source = f"synthetic demo (seed {population.seed})"

    enterprises = []
    for e in population.enterprises:
        pinyin, initials = pinyin_of(e.name)
        enterprises.append(
            Enterprise(
                public_id=e.public_id,
                credit_code=e.credit_code,
                name=e.name,
                name_en=e.name_en,
                short_name=e.short_name,
                pinyin=pinyin,
                pinyin_initials=initials,
                kind=e.kind,
                ownership=e.ownership,
                size=e.size,
                home_region=regions[e.home_region],
                founded=e.founded,
                employees=e.employees,
                annual_revenue=e.annual_revenue,
                confidentiality=e.confidentiality,
                source=source,
                is_synthetic=True,
            )
        )
    enterprises = bulk_insert(Enterprise, enterprises)

    aliases = [
        EnterpriseAlias(enterprise=row, name=e.former_name, kind="former")
        for e, row in zip(population.enterprises, enterprises, strict=True)
        if e.former_name
    ]
    bulk_insert(EnterpriseAlias, aliases)

    sites, site_index = [], {}
    for i, (e, row) in enumerate(zip(population.enterprises, enterprises, strict=True)):
        for j, s in enumerate(e.sites):
            site_index[(i, j)] = len(sites)
            sites.append(
                Site(
                    enterprise=row,
                    name=s.name,
                    name_en=s.name_en,
                    kind=s.kind,
                    region=regions[s.region],
                    park=parks.get(s.park) if s.park else None,
                    longitude=s.lon,
                    latitude=s.lat,
                    datum=Datum.GCJ02,
                    is_synthetic=True,
                )
            )
    sites = bulk_insert(Site, sites)

    capabilities, certificates = [], []
    for i, (e, row) in enumerate(zip(population.enterprises, enterprises, strict=True)):
        for j, s in enumerate(e.sites):
            for node in s.nodes:
                capabilities.append(
                    Capability(
                        site=sites[site_index[(i, j)]],
                        chain_node=nodes[node],
                        products=nodes[node].name,
                    )
                )
        for c in e.certificates:
            certificates.append(
                Certification(
                    enterprise=row,
                    site=sites[site_index[(i, 0)]],
                    standard=c.standard,
                    certificate_number=c.number,
                    valid_from=c.valid_from,
                    valid_until=c.valid_until,
                )
            )
    bulk_insert(Capability, capabilities)
    bulk_insert(Certification, certificates)

    def resolve(party: Party) -> tuple[Enterprise, Site | None]:
        if party.real is not None:
            return real[party.real], real_sites.get(party.real)
        return enterprises[party.synthetic], sites[site_index[(party.synthetic, party.site)]]

    links = []
    for link in population.links:
        supplier, supplier_site = resolve(link.supplier)
        customer, customer_site = resolve(link.customer)
        links.append(
            SupplyLink(
                supplier=supplier,
                supplier_site=supplier_site,
                customer=customer,
                customer_site=customer_site,
                chain_node=nodes[link.node],
                year=link.year,
                annual_value=Decimal(_money(link.value)),
                source=LINK_SOURCE,
                confidentiality=Confidentiality.INTERNAL,
                is_synthetic=True,
            )
        )
    bulk_insert(SupplyLink, links, batch_size=2000)


# Used by tests and the loader's summary: the figure the generator is calibrated to.
def local_sourcing_rates() -> dict[int, float]:
    """Local share of the value FAW's Changchun plants buy, per year, as stored."""
    from django.db.models import Sum

    # The plants first (a handful of ids): one grouped pass over the links, no subquery.
    plant_ids = list(
        Site.objects.filter(
            enterprise__group__public_id=real_public_id("faw"),
            enterprise__kind="oem",
            kind="plant",
            region__path__startswith="220000/220100/",
        ).values_list("id", flat=True)
    )
    totals = (
        SupplyLink.objects.filter(customer_site_id__in=plant_ids, year__in=YEARS)
        .values("year")
        .annotate(
            total=Sum("annual_value"),
            local=Sum("annual_value", filter=Q(supplier_site__region__path__startswith="220000/")),
        )
    )
    by_year = {row["year"]: row for row in totals}
    rates = {}
    for year in YEARS:
        row = by_year.get(year)
        total = row["total"] if row else 0
        rates[year] = float((row["local"] or 0) / total) if total else 0.0
    return rates
