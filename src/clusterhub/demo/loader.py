"""`load_demo()`: the reference data, the real companies, the synthetic population and the users.

Idempotent: a second run finds everything as wanted and writes nothing. `reset=True` deletes the
demo's own records first (synthetic population, real demo companies, demo users and their
organisations), then loads them again; reference data is kept and refreshed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from clusterhub.chain.models import SupplyLink
from clusterhub.core.bulk import analyze
from clusterhub.core.choices import Datum
from clusterhub.enterprises.models import Capability, Enterprise, Site
from clusterhub.geo.models import Region

from .people import delete_people, load_people
from .real import load_real_companies, real_public_ids
from .records import Tally, upsert
from .reference import load_reference, read_csv
from .synthetic import (
    DEFAULT_SEED,
    FIXTURES_DIR,
    delete_synthetic,
    generate_population,
    local_sourcing_rates,
    sync_population,
)

OUTSIDE_COORDINATE_SOURCE = "approximate city centre, not from a bundled source"


@dataclass
class DemoSummary:
    tally: Tally
    population: str  # "created", "replaced" or "unchanged"
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    local_sourcing: dict[int, float] = field(default_factory=dict)


def load_outside_regions(*, tally: Tally) -> None:
    """Cities outside Jilin where synthetic suppliers sit, with their real division codes."""
    loaded: dict[str, Region] = {}
    for row in read_csv(FIXTURES_DIR / "outside_regions.csv"):
        has_coordinates = bool(row["lon"])
        loaded[row["code"]] = upsert(
            Region,
            lookup={"code": row["code"]},
            values={
                "name": row["name"],
                "name_en": row["name_en"],
                "pinyin": row["pinyin"],
                "level": row["level"],
                "parent": loaded.get(row["parent"]) if row["parent"] else None,
                "longitude": Decimal(row["lon"]) if has_coordinates else None,
                "latitude": Decimal(row["lat"]) if has_coordinates else None,
                "datum": Datum.GCJ02 if has_coordinates else "",
                "coordinate_source": OUTSIDE_COORDINATE_SOURCE if has_coordinates else "",
            },
            tally=tally,
        )


def reset_demo() -> None:
    """Delete the demo's own records (logged, like any delete). Reference data stays."""
    delete_synthetic()
    real_ids = list(real_public_ids().values())
    SupplyLink.objects.filter(
        Q(supplier__public_id__in=real_ids) | Q(customer__public_id__in=real_ids)
    ).delete()
    delete_people()
    # Subsidiaries before their group: the group link is SET_NULL, but keep the log tidy.
    Enterprise.objects.filter(public_id__in=real_ids, group__isnull=False).delete()
    Enterprise.objects.filter(public_id__in=real_ids).delete()


def demo_counts() -> dict[str, int]:
    from clusterhub.accounts.models import Organisation
    from clusterhub.chain.models import ChainNode, IndustryCode
    from clusterhub.enterprises.models import Capability, Certification, Site
    from clusterhub.geo.models import Park

    return {
        _("regions"): Region.objects.count(),
        _("parks"): Park.objects.count(),
        _("industry codes"): IndustryCode.objects.count(),
        _("chain nodes"): ChainNode.objects.count(),
        _("enterprises"): Enterprise.objects.count(),
        _("synthetic enterprises"): Enterprise.objects.filter(is_synthetic=True).count(),
        _("sites"): Site.objects.count(),
        _("capabilities"): Capability.objects.count(),
        _("certifications"): Certification.objects.count(),
        _("supply links"): SupplyLink.objects.count(),
        _("organisations"): Organisation.objects.count(),
    }


@transaction.atomic
def load_demo(*, reset: bool = False, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Load the whole demo. Call inside change_context() to attribute the changes."""
    started = time.perf_counter()
    tally = load_reference()
    if reset:
        reset_demo()
    load_outside_regions(tally=tally)
    real = load_real_companies(tally=tally)
    population = sync_population(
        generate_population(seed=seed), real=real.enterprises, real_sites=real.plants
    )
    load_people(tally=tally)
    # The tables were just filled in bulk: give PostgreSQL's planner their real sizes.
    analyze(Enterprise, Site, SupplyLink, Capability, Region)
    return DemoSummary(
        tally=tally,
        population=population,
        seconds=time.perf_counter() - started,
        counts=demo_counts(),
        local_sourcing=local_sourcing_rates(),
    )


# The apps' own demos, loaded after the base demo in this order and reset in the reverse order:
# conference signings point at the demo projects, demands at the demo companies.
APP_DEMOS = (
    ("projects", "clusterhub.projects.demo", "load_project_demo", "reset_project_demo"),
    ("events", "clusterhub.events.demo", "load_event_demo", "reset_event_demo"),
    ("matching", "clusterhub.matching.demo", "load_matching_demo", "reset_matching_demo"),
    ("resolution", "clusterhub.resolution.demo", "load_resolution_demo", "reset_resolution_demo"),
)


def reset_app_demos() -> None:
    from importlib import import_module

    for _label, module, _load, reset in reversed(APP_DEMOS):
        getattr(import_module(module), reset)()


def load_app_demos() -> dict[str, dict]:
    """Load each app's demo (each is idempotent) and refresh the chain analytics cache."""
    from importlib import import_module

    from clusterhub.chain.services import refresh_analytics

    results = {}
    for label, module, load, _reset in APP_DEMOS:
        started = time.perf_counter()
        result = getattr(import_module(module), load)()
        results[label] = {"seconds": round(time.perf_counter() - started, 1), **result}
    started = time.perf_counter()
    refresh_analytics()
    results["chain analytics"] = {"seconds": round(time.perf_counter() - started, 1)}
    return results
