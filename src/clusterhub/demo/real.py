"""The real companies of the demo (fixtures/demo/real_enterprises.toml): FAW Group, its subsidiaries
and plants, and the suppliers FACTS.md confirms in or near Changchun. Loaded idempotently by their
stable public ids; no credit codes (the sources do not give them), nothing invented.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from decimal import Decimal

from clusterhub.chain.models import ChainNode
from clusterhub.core.choices import Confidentiality, Datum
from clusterhub.enterprises.models import Capability, Enterprise, EnterpriseAlias, Site
from clusterhub.geo.models import Park, Region
from clusterhub.resolution.models import FieldProvenance

from .records import Tally, upsert
from .synthetic import FIXTURES_DIR, real_public_id

# The group whose Changchun plants the local sourcing rate is about.
FAW_KEY = "faw"


def real_entries() -> list[dict]:
    return tomllib.loads((FIXTURES_DIR / "real_enterprises.toml").read_text("utf-8"))["enterprise"]


@dataclass
class RealCompanies:
    enterprises: dict[str, Enterprise]
    # key -> the company's vehicle plant in Changchun (OEMs only): where FAW's buying lands
    plants: dict[str, Site]


def _enterprise_values(entry: dict, regions: dict[str, Region]) -> dict:
    founded = entry.get("founded")
    return {
        "name": entry["name"],
        "name_en": entry.get("name_en", ""),
        "short_name": entry.get("short_name", ""),
        "kind": entry["kind"],
        "ownership": entry.get("ownership", ""),
        "stock_code": entry.get("stock_code", ""),
        "home_region": regions.get(entry.get("region", "")),
        "home_country": entry.get("home_country", "CN"),
        "founded": datetime.date.fromisoformat(founded) if founded else None,
        "employees": entry.get("employees"),
        "description": entry.get("description", ""),
        "source": entry["source"][:300],
        "confidentiality": Confidentiality.PUBLIC,
        "is_synthetic": False,
        "credit_code": None,
    }


def _site_values(site: dict, regions: dict, parks: dict) -> dict:
    anchor = regions.get(site.get("coords", ""))
    has_coordinates = anchor is not None and anchor.longitude is not None
    return {
        "name_en": site.get("name_en", ""),
        "kind": site["kind"],
        "region": regions[site["region"]],
        "park": parks.get(site.get("park", "")),
        "longitude": anchor.longitude if has_coordinates else None,
        "latitude": anchor.latitude if has_coordinates else None,
        "datum": Datum.GCJ02 if has_coordinates else "",
        "capacity": Decimal(site["capacity"]) if site.get("capacity") else None,
        "capacity_unit": site.get("capacity_unit", ""),
        "is_synthetic": False,
    }


def load_real_companies(*, tally: Tally) -> RealCompanies:
    regions = {r.code: r for r in Region.objects.all()}
    parks = {p.code: p for p in Park.objects.all()}
    nodes = {n.code: n for n in ChainNode.objects.all()}
    entries = real_entries()
    enterprises: dict[str, Enterprise] = {}
    plants: dict[str, Site] = {}
    for entry in entries:
        enterprise = upsert(
            Enterprise,
            lookup={"public_id": real_public_id(entry["key"])},
            values=_enterprise_values(entry, regions),
            tally=tally,
        )
        enterprises[entry["key"]] = enterprise
        aliases = [(name, kind) for name, kind in entry.get("aliases", [])]
        for name, kind in aliases:
            upsert(
                EnterpriseAlias,
                lookup={"enterprise": enterprise, "name": name},
                values={"kind": kind},
                tally=tally,
            )
        # Names lists taught the registry (entity resolution keeps their provenance) stay.
        learnt = FieldProvenance.objects.filter(enterprise=enterprise).values("value")
        stale = enterprise.aliases.exclude(name__in=[name for name, _ in aliases])
        for alias in stale.exclude(name__in=learnt):
            alias.delete()
        for site_entry in entry.get("sites", []):
            site = upsert(
                Site,
                lookup={"enterprise": enterprise, "name": site_entry["name"]},
                values=_site_values(site_entry, regions, parks),
                tally=tally,
            )
            if entry["kind"] == "oem" and site.kind == "plant" and entry["key"] not in plants:
                plants[entry["key"]] = site
            wanted = []
            for capability in site_entry.get("capabilities", []):
                node_code, products, *capacity = capability
                wanted.append(node_code)
                upsert(
                    Capability,
                    lookup={"site": site, "chain_node": nodes[node_code]},
                    values={"products": products, "annual_capacity": "".join(capacity)},
                    tally=tally,
                )
            for stale in site.capabilities.exclude(chain_node__code__in=wanted):
                stale.delete()
    # Groups last: a subsidiary may come before its group in the file.
    for entry in entries:
        group = enterprises[entry["group"]] if entry.get("group") else None
        upsert(
            Enterprise,
            lookup={"pk": enterprises[entry["key"]].pk},
            values={"group": group},
            tally=None,
        )
    return RealCompanies(enterprises, plants)


def real_public_ids() -> dict[str, str]:
    return {entry["key"]: real_public_id(entry["key"]) for entry in real_entries()}
