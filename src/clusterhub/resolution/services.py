"""Entity resolution services: resolve list rows against the registry, commit the outcome, review
pairs, merge records with provenance and undo merges. Views, API, CLI and importers call these.

The list importer calls, for the rows of one file (canonical keys, see normalise.FIELD_SYNONYMS):

    resolutions = resolve_rows(rows=rows, source="长春市投资促进局 2026-11 list")
    commit_resolutions(rows=rows, resolutions=resolutions, source=..., user=user,
                       create_enterprise=build_from_row)     # inside the import's transaction

resolve_rows writes nothing; commit_resolutions creates the new companies, fills blanks and aliases
of matched ones, records the provenance of every field and queues the uncertain pairs.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core.changelog import change_context, current_context
from clusterhub.core.choices import ChangeSource
from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
from clusterhub.geo.models import Region

from . import engine
from .choices import Decision, DecisionChoice, ReviewKind, ReviewStatus
from .models import FieldProvenance, Merge, MergedId, PairDecision, ReviewItem
from .normalise import (
    canonical_row,
    city_of_place,
    has_chinese,
    nfkc,
    normalise_credit_code,
    normalise_record,
    normalise_stock_code,
    normalise_website,
)

DEFAULT_AUTO_MERGE = engine.DEFAULT_AUTO_MERGE
DEFAULT_REVIEW = engine.DEFAULT_REVIEW


def thresholds() -> tuple[float, float]:
    """(auto-merge, review) match probabilities: settings CLUSTERHUB_RESOLUTION_AUTO_MERGE and
    CLUSTERHUB_RESOLUTION_REVIEW (environment variables of the same names), else the measured
    defaults. Both are kept within 0..1 and the review threshold at most the auto-merge one."""
    auto = float(getattr(settings, "CLUSTERHUB_RESOLUTION_AUTO_MERGE", DEFAULT_AUTO_MERGE))
    review = float(getattr(settings, "CLUSTERHUB_RESOLUTION_REVIEW", DEFAULT_REVIEW))
    auto = min(max(auto, 0.0), 1.0)
    review = min(max(review, 0.0), 1.0)
    return auto, min(review, auto)


def measured_at(auto: float, review: float) -> dict:
    """What the benchmark measured at these thresholds (calibration.json): precision and recall
    of the automatic merges, recall once the queue is reviewed. `exact` is False when the
    thresholds are not on the measured grid (the nearest measured auto-merge threshold is shown)."""
    measured = calibration()
    grid = measured.get("grid") or []
    if not grid:
        return {}
    best = min(grid, key=lambda g: (abs(g["auto"] - auto), abs(g["review"] - review)))
    return {
        "records": measured.get("records"),
        "auto": best["auto"],
        "review": best["review"],
        "precision": best.get("precision"),
        "recall": best.get("recall"),
        "recall_with_review": best.get("recall_with_review"),
        "exact": abs(best["auto"] - auto) < 1e-9 and abs(best["review"] - review) < 1e-9,
    }


def calibration() -> dict:
    """The precision and recall measured at each threshold (written by ./run bench resolve)."""
    import json

    path = engine.MODEL_PATH.parent / "calibration.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Keys


def record_key(record: dict) -> str:
    """A stable key for an incoming record, the same on every re-import of the same company."""
    if record.get("credit_code"):
        return "cc:" + record["credit_code"]
    if record.get("stock_code"):
        return "sc:" + record["stock_code"]
    if record.get("name_norm"):
        return "n:" + record["name_norm"] + "|" + (record.get("city") or "")
    return ""


def enterprise_key(enterprise: Enterprise) -> str:
    return "E:" + enterprise.public_id


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def resolve_public_id(public_id: str) -> Enterprise | None:
    """The enterprise a public id names today: itself, or the record it was merged into."""
    enterprise = Enterprise.objects.filter(public_id=public_id).first()
    if enterprise is not None:
        return enterprise
    alias = MergedId.objects.filter(old_public_id=public_id).select_related("enterprise").first()
    return alias.enterprise if alias else None


def visible_record_for(user, public_id: str) -> Enterprise | None:
    """The record a public id names today (itself, or the record it was merged into), if `user`
    may see it: pages, API and links of merged-away ids all answer through this."""
    enterprise = resolve_public_id(public_id)
    if enterprise is None:
        return None
    if not Enterprise.objects.restrict(user, "view").filter(pk=enterprise.pk).exists():
        return None
    return enterprise


# ---------------------------------------------------------------------------------------------
# Registry records


def city_of_region(region: Region | None) -> str:
    while region is not None:
        city = city_of_place(region.name)
        if city:
            return city
        region = region.parent
    return ""


def enterprise_row(enterprise: Enterprise) -> dict:
    """A registry record in the canonical row shape, with every name it is known by."""
    sites = list(enterprise.sites.all())
    return {
        "name": enterprise.name,
        "name_en": enterprise.name_en,
        "short_name": enterprise.short_name,
        "aliases": [alias.name for alias in enterprise.aliases.all()],
        "credit_code": enterprise.credit_code or "",
        "stock_code": enterprise.stock_code,
        "city": city_of_region(enterprise.home_region),
        "address": next((s.address for s in sites if s.address), ""),
        "website": enterprise.website,
    }


def _registry() -> list[tuple[Enterprise, dict]]:
    queryset = Enterprise.objects.select_related("home_region__parent").prefetch_related(
        "aliases", "sites"
    )
    return [(e, enterprise_row(e)) for e in queryset.order_by("pk")]


# The columns Splink blocks on besides the name keys (engine.settings_creator): a registry record
# that shares none of them, and no usable name key, with an incoming row is never compared with it.
BLOCKING_COLUMNS = ("phone", "address_norm", "domain", "credit_code", "stock_code")


class RegistryRecords(list):
    """(enterprise, normalised record) pairs, with an index of the values Splink blocks on.

    An importer loads it once per file, passes it to every resolve_rows call and appends the
    records it creates (plain list.append); the index catches up with new entries on the next
    call. resolve_rows then scores a batch against the registry records that share a blocking
    value with it, not against the whole registry."""

    def __init__(self, items=()):
        super().__init__(items)
        self._indexed = 0
        self._by_value: dict[tuple[str, str], list[int]] = {}
        self._key_counts: dict[str, int] = {}

    def sync(self) -> None:
        by_value, counts = self._by_value, self._key_counts
        for position in range(self._indexed, len(self)):
            record = self[position][1]
            for key in record.get("name_keys") or ():
                counts[key] = counts.get(key, 0) + 1
                by_value.setdefault(("name_keys", key), []).append(position)
            for column in BLOCKING_COLUMNS:
                value = record.get(column)
                if value is not None:
                    by_value.setdefault((column, value), []).append(position)
        self._indexed = len(self)

    def key_count(self, key: str) -> int:
        return self._key_counts.get(key, 0)

    def frequent_keys(self, extra: dict[str, int]) -> set[str]:
        """Name keys held more than BLOCK_KEY_MAX_FREQUENCY times by the registry and the
        records of `extra` (key -> count) together: Splink does not block on them."""
        limit = engine.BLOCK_KEY_MAX_FREQUENCY
        frequent = {k for k, c in self._key_counts.items() if c + extra.get(k, 0) > limit}
        frequent.update(k for k, c in extra.items() if c + self._key_counts.get(k, 0) > limit)
        return frequent

    def sharing_block_values(self, records: list[dict], frequent: set[str]) -> set[int]:
        """Positions of the registry records that share a blocking value with any of `records`:
        a name key that is not frequent, a phone, an address, a website, a credit or stock code."""
        positions: set[int] = set()
        by_value = self._by_value
        for record in records:
            for key in record.get("name_keys") or ():
                if key not in frequent:
                    positions.update(by_value.get(("name_keys", key), ()))
            for column in BLOCKING_COLUMNS:
                value = record.get(column)
                if value is not None:
                    positions.update(by_value.get((column, value), ()))
        return positions


def registry_records() -> RegistryRecords:
    """(enterprise, normalised record) for every registry record. An importer loads it once per
    file, passes it to every resolve_rows call (registry=) and appends the records it creates."""
    return RegistryRecords((e, normalise_record(row)) for e, row in _registry())


# ---------------------------------------------------------------------------------------------
# Resolving


@dataclass
class Resolution:
    """What resolution decides for one incoming row."""

    row: int
    cluster: str
    decision: str
    score: float
    enterprise: Enterprise | None = None  # the registry record it is merged into
    candidate: Enterprise | None = None  # the registry record a reviewer is asked about
    candidate_cluster: str = ""  # the cluster a reviewer is asked about (registry or new)
    key: str = ""
    record: dict = field(default_factory=dict, repr=False)
    # The row's normalised record as normalise_record gives it (before a credit code the list
    # shares between companies is set aside): what a later batch meets as a registry record.
    normalised: dict = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "cluster": self.cluster,
            "decision": self.decision,
            "score": round(self.score, 6),
            "enterprise": self.enterprise.public_id if self.enterprise else None,
            "candidate": self.candidate_cluster or None,
            "notes": self.notes,
        }


def _unreliable_codes(records: list[dict]) -> set[str]:
    """Credit codes that a list gives to clearly different companies (a bureau that filled its own
    code into every row): used as keys they would merge everything, so they are not used."""
    by_code: dict[str, list[dict]] = {}
    for record in records:
        if record.get("credit_code"):
            by_code.setdefault(record["credit_code"], []).append(record)
    bad = set()
    for code, group in by_code.items():
        if len(group) < 3:
            continue
        # Names that share no key with each other are different companies.
        groups: list[set[str]] = []
        for record in group:
            keys = set(record.get("name_keys") or [])
            if not keys:
                continue
            joined = [g for g in groups if g & keys]
            for g in joined:
                keys |= g
                groups.remove(g)
            groups.append(keys)
        if len(groups) >= 3:
            bad.add(code)
    return bad


def resolve_rows(
    *,
    rows: list[dict],
    source: str = "",
    backend: str = "duckdb",
    spark=None,
    registry: list[tuple[Enterprise, dict]] | None = None,
    restrict: bool = True,
):
    """Resolve list rows against the registry and each other; writes nothing.

    `registry` (from registry_records(), possibly with records an import created since) saves
    loading and normalising the registry again for every batch of one file.

    With `restrict` (the default) only the registry records that share a blocking value with the
    rows are scored, under the prior and the frequent-key cut of the whole registry: Splink scores
    each pair on its own two records, so the decisions are those of scoring the whole registry
    (restrict=False, kept to prove it in tests/resolution/test_import.py), at a cost that follows
    the rows and their candidates instead of the registry's size.

    Returns one Resolution per row, in order: its row number (the row's `_row` if given, else its
    1-based position), the cluster (an existing enterprise's public id, or new-<row> for a new
    company; rows of one new company share it), the decision (auto, review, new) and the score.
    """
    auto, review = thresholds()
    canonical = [canonical_row(row) for row in rows]
    records = [normalise_record(row) for row in canonical]
    pristine = [dict(record) for record in records]
    numbers = [int(row.get("_row") or i + 1) for i, row in enumerate(canonical)]
    notes: dict[int, list[str]] = {i: [] for i in range(len(rows))}
    for code in _unreliable_codes(records):
        for i, record in enumerate(records):
            if record.get("credit_code") == code:
                record["credit_code_unverified"] = code
                record["credit_code"] = None
                notes[i].append(_("credit code shared by different companies in this list"))
    for i, record in enumerate(records):
        if record.get("credit_code_unverified") and not notes[i]:
            notes[i].append(_("credit code fails its check character: kept as unverified"))
        if not record.get("name_keys"):
            notes[i].append(_("no name"))

    if registry is None:
        registry = registry_records()
    elif restrict and not isinstance(registry, RegistryRecords):
        registry = RegistryRecords(registry)
    n = len(records)
    keys = [record_key(r) for r in records]
    registry_ids: dict[int, str] = {}
    by_uid: dict[int, Enterprise] = {}
    for j, (enterprise, _normalised) in enumerate(registry):
        registry_ids[n + j] = enterprise.public_id
        by_uid[n + j] = enterprise

    # Remembered decisions: accepted pairs merge, rejected pairs never do.
    public_to_uid = {pid: uid for uid, pid in registry_ids.items()}
    for merged in MergedId.objects.filter(enterprise__isnull=False).values_list(
        "old_public_id", "enterprise__public_id"
    ):
        if merged[1] in public_to_uid:
            public_to_uid[merged[0]] = public_to_uid[merged[1]]
    uid_of_key: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            uid_of_key.setdefault(key, []).append(i)
    for pid, uid in public_to_uid.items():
        uid_of_key.setdefault("E:" + pid, []).append(uid)
    wanted = [k for k in uid_of_key if not k.startswith("E:")]
    remembered = PairDecision.objects.filter(left_key__in=wanted) | PairDecision.objects.filter(
        right_key__in=wanted
    )
    extra_edges = []
    cannot_link: set[frozenset] = set()
    for decision in remembered:
        for a in uid_of_key.get(decision.left_key, []):
            for b in uid_of_key.get(decision.right_key, []):
                if a == b:
                    continue
                if decision.decision == DecisionChoice.ACCEPT:
                    extra_edges.append((a, b, 1.0, True))
                else:
                    cannot_link.add(frozenset((a, b)))

    if restrict:
        # The registry records Splink's blocking would pair with a row, and those a remembered
        # decision names; registry records keep their unique ids (n + position), so ties break
        # as when the whole registry is scored.
        registry.sync()
        batch_counts: dict[str, int] = {}
        for record in records:
            for key in record.get("name_keys") or ():
                batch_counts[key] = batch_counts.get(key, 0) + 1
        frequent = registry.frequent_keys(batch_counts)
        positions = registry.sharing_block_values(records, frequent)
        remembered_uids = {u for a, b, _s, _f in extra_edges for u in (a, b)}
        remembered_uids.update(u for pair in cannot_link for u in pair)
        positions.update(u - n for u in remembered_uids if u >= n)
        ids = list(range(n)) + [n + j for j in sorted(positions)]
        all_records = [{**record, "unique_id": i} for i, record in enumerate(records)]
        all_records += [{**registry[j][1], "unique_id": n + j} for j in sorted(positions)]
        table = engine.records_to_arrow(all_records, frequent=frequent)
        dialect = "spark" if backend == "spark" else "duckdb"
        settings_dict = engine.trained_settings(dialect, n + len(registry))
    else:
        ids = list(range(n + len(registry)))
        all_records = [{**record, "unique_id": i} for i, record in enumerate(records)]
        all_records += [{**rec, "unique_id": n + j} for j, (_e, rec) in enumerate(registry)]
        table = engine.records_to_arrow(all_records)
        settings_dict = None
    edges = engine.score_records(
        table, review=review, backend=backend, spark=spark, settings=settings_dict
    )
    # Registry records are not compared with each other here (that is the registry check's job).
    edges = [e for e in edges if e[0] < n or e[1] < n]
    edges = [e for e in edges if frozenset((e[0], e[1])) not in cannot_link] + extra_edges
    credit_codes = {r["unique_id"]: r.get("credit_code") for r in all_records}
    result = engine.cluster(
        ids,
        edges,
        auto=auto,
        review=review,
        credit_codes=credit_codes,
        registry=registry_ids,
        cannot_link=cannot_link,
    )

    members: dict[int, list[int]] = {}
    for uid in ids:
        members.setdefault(result.root[uid], []).append(uid)

    def cluster_id(root: int) -> str:
        holders = [m for m in members[root] if m >= n]
        if holders:
            return registry_ids[holders[0]]
        return f"new-{numbers[min(m for m in members[root] if m < n)]}"

    # The strongest review candidate of each cluster that holds incoming rows.
    best_candidate: dict[int, tuple[float, int, int]] = {}
    for a, b, score in result.candidates:
        ra, rb = result.root[a], result.root[b]
        if ra == rb:
            continue
        for mine, other, row_side in ((ra, rb, a), (rb, ra, b)):
            if row_side >= n:
                continue
            # A cluster already in the registry is not asked about a second registry record.
            if any(m >= n for m in members[mine]):
                continue
            if score > best_candidate.get(mine, (-1.0, 0, 0))[0]:
                best_candidate[mine] = (score, other, row_side)

    resolutions = []
    for i in range(n):
        root = result.root[i]
        cid = cluster_id(root)
        in_registry = not cid.startswith("new-")
        head = min(m for m in members[root] if m < n)
        resolution = Resolution(row=numbers[i], cluster=cid, decision=Decision.NEW, score=0.0)
        resolution.key = keys[i]
        resolution.record = records[i]
        resolution.normalised = pristine[i]
        resolution.notes = notes[i]
        if in_registry:
            resolution.decision = Decision.AUTO
            resolution.score = result.link_score.get(i, 1.0)
            resolution.enterprise = next(by_uid[m] for m in members[root] if m >= n)
        elif i != head:
            resolution.decision = Decision.AUTO
            resolution.score = result.link_score.get(i, 1.0)
        elif root in best_candidate:
            score, other, _row = best_candidate[root]
            resolution.decision = Decision.REVIEW
            resolution.score = score
            resolution.candidate_cluster = cluster_id(other)
            holders = [m for m in members[other] if m >= n]
            resolution.candidate = by_uid[holders[0]] if holders else None
        resolutions.append(resolution)
    return resolutions


# ---------------------------------------------------------------------------------------------
# Field comparison (what the reviewer sees)

COMPARED_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "credit_code",
    "stock_code",
    "city",
    "address",
    "phone",
    "website",
)


def compare_rows(left: dict, right: dict) -> list[dict]:
    """Field by field: both values and whether they agree (None: one side is empty)."""
    a, b = normalise_record(canonical_row(left)), normalise_record(canonical_row(right))
    names_agree = bool(set(a.get("name_keys") or []) & set(b.get("name_keys") or []))
    checks = {
        "name": names_agree,
        "short_name": names_agree,
        "name_en": names_agree,
        "credit_code": a.get("credit_code") == b.get("credit_code"),
        "stock_code": a.get("stock_code") == b.get("stock_code"),
        "city": a.get("city") == b.get("city"),
        "address": a.get("address_norm") == b.get("address_norm"),
        "phone": a.get("phone") == b.get("phone"),
        "website": a.get("domain") == b.get("domain"),
    }
    out = []
    for name in COMPARED_FIELDS:
        lv, rv = left.get(name) or "", right.get(name) or ""
        if isinstance(lv, list):
            lv = "; ".join(lv)
        if isinstance(rv, list):
            rv = "; ".join(rv)
        agree = checks[name] if lv and rv else None
        out.append({"field": name, "left": str(lv), "right": str(rv), "agree": agree})
    return out


def _enterprise_compare_row(enterprise: Enterprise) -> dict:
    row = enterprise_row(enterprise)
    row["aliases"] = ""
    return row


# ---------------------------------------------------------------------------------------------
# Committing an import's resolutions


def _region_for_city(city: str) -> Region | None:
    if not city:
        return None
    return Region.objects.filter(name__startswith=city, level="prefecture").order_by("code").first()


def default_create_enterprise(row: dict) -> Enterprise:
    """A new registry record from a canonical row (used when the caller gives no builder)."""
    record = normalise_record(row)
    name = nfkc(row.get("name")) or nfkc(row.get("name_en")) or nfkc(row.get("short_name"))
    if not name or normalise_stock_code(name):
        name = nfkc(row.get("short_name")) or nfkc(row.get("name_en")) or name
    enterprise = Enterprise(
        name=name[:200],
        kind=row.get("kind") or "tier1",
        home_region=_region_for_city(record.get("city") or ""),
        source=str(row.get("source") or "")[:300],
    )
    return enterprise


def _alias_kind(name: str) -> str:
    if not has_chinese(name):
        return "english"
    if not any(s in name for s in ("公司", "集团", "厂")):
        return "short"
    return "other"


def _known_names(enterprise: Enterprise) -> set[str]:
    names = {enterprise.name, enterprise.name_en, enterprise.short_name}
    names |= set(enterprise.aliases.values_list("name", flat=True))
    return {nfkc(n) for n in names if n}


PROVENANCE_FIELDS = ("name", "name_en", "short_name", "credit_code", "stock_code", "city")
PROVENANCE_FIELDS += ("address", "phone", "website")


def apply_row(*, enterprise: Enterprise, row: dict, source: str, user=None) -> Enterprise:
    """Fold one list row into a registry record: blank fields filled, other names kept as aliases,
    and the provenance of every value the row gives (which source said what, when)."""
    row = canonical_row(row)
    changed = False
    code, unverified = normalise_credit_code(row.get("credit_code"))
    if code and not enterprise.credit_code:
        if not Enterprise.objects.filter(credit_code=code).exclude(pk=enterprise.pk).exists():
            enterprise.credit_code = code
            changed = True
    stock = normalise_stock_code(row.get("stock_code"))
    if stock and not enterprise.stock_code:
        enterprise.stock_code = stock
        changed = True
    for name in ("name_en", "short_name"):
        value = nfkc(row.get(name))
        if value and not getattr(enterprise, name):
            setattr(enterprise, name, value[: enterprise._meta.get_field(name).max_length])
            changed = True
    website = normalise_website(row.get("website"))
    if website and not enterprise.website:
        enterprise.website = "https://" + website
        changed = True
    if enterprise.home_region_id is None:
        record = normalise_record(row)
        region = _region_for_city(record.get("city") or "")
        if region is not None:
            enterprise.home_region = region
            changed = True
    if changed or enterprise.pk is None:
        enterprise.save()
    known = _known_names(enterprise)
    for name in (row.get("name"), row.get("name_en"), row.get("short_name")):
        name = nfkc(name)
        if name and name not in known and not normalise_stock_code(name):
            EnterpriseAlias.objects.create(
                enterprise=enterprise, name=name[:200], kind=_alias_kind(name)
            )
            known.add(name)
    provenance = []
    for name in PROVENANCE_FIELDS:
        value = row.get(name)
        if value in (None, ""):
            continue
        label = "credit_code_unverified" if name == "credit_code" and unverified else name
        provenance.append(
            FieldProvenance(
                enterprise=enterprise, field=label, value=str(value)[:500], source=source[:300],
                user=user if getattr(user, "is_authenticated", False) else None,
            )
        )  # fmt: skip
    FieldProvenance.objects.bulk_create(provenance)
    return enterprise


@dataclass
class CommitResult:
    created: list[Enterprise]
    updated: list[Enterprise]
    queued: list[ReviewItem]
    enterprises: list[Enterprise]  # the registry record of every row, in order


@transaction.atomic
def commit_resolutions(
    *,
    rows: list[dict],
    resolutions: list[Resolution],
    source: str,
    user=None,
    create_enterprise: Callable[[dict], Enterprise] | None = None,
) -> CommitResult:
    """Write what resolve_rows decided: one new record per new cluster (made by
    create_enterprise(row), unsaved, from the cluster's first row), every row folded into its
    record, and a review item for each cluster sent to review."""
    create_enterprise = create_enterprise or default_create_enterprise
    context = nullcontext_or_change_context(user)
    with context:
        by_cluster: dict[str, Enterprise] = {}
        created, updated = [], []
        enterprises: list[Enterprise] = []
        for row, resolution in zip(rows, resolutions, strict=True):
            row = canonical_row(row)
            enterprise = by_cluster.get(resolution.cluster)
            if enterprise is None:
                if resolution.enterprise is not None:
                    enterprise = resolution.enterprise
                    updated.append(enterprise)
                else:
                    enterprise = create_enterprise({**row, "source": source})
                    if not enterprise.source:
                        enterprise.source = source[:300]
                    created.append(enterprise)
                by_cluster[resolution.cluster] = enterprise
            apply_row(enterprise=enterprise, row=row, source=source, user=user)
            enterprises.append(enterprise)
        queued = []
        for row, resolution in zip(rows, resolutions, strict=True):
            if resolution.decision != Decision.REVIEW:
                continue
            mine = by_cluster[resolution.cluster]
            other = resolution.candidate or by_cluster.get(resolution.candidate_cluster)
            if other is None or other.pk == mine.pk:
                continue
            item = queue_review(
                enterprise=mine,
                candidate=other,
                score=resolution.score,
                kind=ReviewKind.IMPORT,
                source=source,
                incoming_key=resolution.key,
                incoming={k: v for k, v in canonical_row(row).items() if _jsonable(v)},
            )
            if item is not None:
                queued.append(item)
    return CommitResult(created=created, updated=updated, queued=queued, enterprises=enterprises)


def _jsonable(value) -> bool:
    return isinstance(value, str | int | float | bool | list) and value not in ("", [])


class nullcontext_or_change_context:
    """Use the caller's change context if there is one, else open one for this import."""

    def __init__(self, user):
        self.user = user
        self._inner = None

    def __enter__(self):
        if current_context().request_id:
            return None
        self._inner = change_context(user=self.user, source=ChangeSource.IMPORT)
        return self._inner.__enter__()

    def __exit__(self, *exc):
        if self._inner is not None:
            return self._inner.__exit__(*exc)
        return False


# ---------------------------------------------------------------------------------------------
# The review queue


def common_region(*regions: Region | None) -> Region | None:
    """The smallest region holding every given region (None if any is unknown)."""
    if not regions or any(r is None for r in regions):
        return None
    parts = [r.path.strip("/").split("/") for r in regions]
    common = []
    for codes in zip(*parts, strict=False):
        if len(set(codes)) != 1:
            break
        common.append(codes[0])
    if not common:
        return None
    return Region.objects.filter(path="/".join(common) + "/").first()


def queue_review(
    *,
    enterprise: Enterprise,
    candidate: Enterprise,
    score: float,
    kind: str,
    source: str = "",
    incoming_key: str = "",
    incoming: dict | None = None,
    flagged_by=None,
    note: str = "",
) -> ReviewItem | None:
    """Queue a pair for review unless it is already queued or a person already decided it."""
    keys = [_pair(enterprise_key(enterprise), enterprise_key(candidate))]
    if incoming_key:
        keys.append(_pair(incoming_key, enterprise_key(candidate)))
    for left, right in keys:
        if PairDecision.objects.filter(left_key=left, right_key=right).exists():
            return None
    existing = ReviewItem.objects.filter(
        enterprise__in=[enterprise, candidate], candidate__in=[enterprise, candidate]
    ).exclude(status=ReviewStatus.UNDONE)
    if existing.exists():
        return None
    left = {**_enterprise_compare_row(enterprise), **(incoming or {})}
    return ReviewItem.objects.create(
        kind=kind,
        enterprise=enterprise,
        candidate=candidate,
        score=score,
        comparison=compare_rows(left, _enterprise_compare_row(candidate)),
        source=source[:300],
        incoming_key=incoming_key[:300],
        incoming=incoming or {},
        region=common_region(enterprise.home_region, candidate.home_region),
        flagged_by=flagged_by if getattr(flagged_by, "is_authenticated", False) else None,
        note=note[:500],
    )


def reviewable_items(user):
    """The review items `user` may decide: government officers whose scope covers both records
    (restricted in core.access through the item's region)."""
    return ReviewItem.objects.restrict(user, "change").select_related(
        "enterprise__home_region", "candidate__home_region"
    )


def flag_same_company(*, user, enterprise: Enterprise, other: Enterprise, note: str = ""):
    """A user says two registry records are one company: queued for an officer to confirm."""
    if enterprise.pk == other.pk:
        raise ValidationError(_("Choose two different records."))
    first, second = sorted([enterprise, other], key=lambda e: e.pk)
    item = queue_review(
        enterprise=second,
        candidate=first,
        score=1.0,
        kind=ReviewKind.FLAG,
        flagged_by=user,
        note=note,
    )
    if item is None:
        raise ValidationError(_("This pair is already in the queue or was already decided."))
    return item


def _remember(item: ReviewItem, decision: str, user) -> None:
    keys = {_pair(enterprise_key(item.enterprise), enterprise_key(item.candidate))}
    if item.incoming_key:
        keys.add(_pair(item.incoming_key, enterprise_key(item.candidate)))
    for left, right in keys:
        PairDecision.objects.update_or_create(
            left_key=left,
            right_key=right,
            defaults={
                "decision": decision,
                "decided_by": user if getattr(user, "is_authenticated", False) else None,
                "review_item": item,
            },
        )


@transaction.atomic
def accept_review(*, item: ReviewItem, user) -> Merge:
    """Same company: the record is merged into the candidate (the registry record)."""
    if item.status != ReviewStatus.PENDING:
        raise ValidationError(_("This pair has already been decided."))
    merge = merge_enterprises(
        survivor=item.candidate,
        absorbed=item.enterprise,
        user=user,
        source=item.source or _("review"),
    )
    _remember(item, DecisionChoice.ACCEPT, user)
    ReviewItem.objects.filter(pk=item.pk).update(merge=merge)
    item.refresh_from_db()
    item.status = ReviewStatus.ACCEPTED
    item.decided_by = user if getattr(user, "is_authenticated", False) else None
    item.decided_at = timezone.now()
    item.merge = merge
    item.save()
    return merge


@transaction.atomic
def reject_review(*, item: ReviewItem, user) -> ReviewItem:
    """Different companies: remembered, so the pair is never asked again."""
    if item.status != ReviewStatus.PENDING:
        raise ValidationError(_("This pair has already been decided."))
    _remember(item, DecisionChoice.REJECT, user)
    item.status = ReviewStatus.REJECTED
    item.decided_by = user if getattr(user, "is_authenticated", False) else None
    item.decided_at = timezone.now()
    item.save()
    return item


def decide_many(*, items, user, accept: bool) -> tuple[int, list[str]]:
    """Bulk accept or reject; each pair in its own transaction. Returns (done, problems)."""
    done, problems = 0, []
    for item in items:
        try:
            if accept:
                accept_review(item=item, user=user)
            else:
                reject_review(item=item, user=user)
            done += 1
        except ValidationError as error:
            problems.append(f"{item.enterprise.name} / {item.candidate.name}: {error.messages[0]}")
    return done, problems


# ---------------------------------------------------------------------------------------------
# Merging and undoing


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _fields_of(instance) -> dict:
    return {
        f.attname: _json_value(getattr(instance, f.attname)) for f in instance._meta.concrete_fields
    }


def _instance_from(model, data: dict):
    values = {}
    for f in model._meta.concrete_fields:
        if f.attname in data:
            raw = data[f.attname]
            values[f.attname] = f.to_python(raw) if raw is not None else None
    return model(**values)


def _reverse_relations():
    """Every foreign key that points at Enterprise, in any app (hidden m2m tables too)."""
    relations = []
    for rel in Enterprise._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        if not (rel.one_to_many or rel.one_to_one):
            continue
        if rel.related_model is MergedId:
            continue  # moved explicitly
        relations.append((rel.related_model, rel.field))
    return relations


FILLED_FIELDS = ("name_en", "short_name", "credit_code", "stock_code", "website", "home_region_id")
FILLED_FIELDS += ("founded", "employees", "annual_revenue", "description", "ownership", "size")
FILLED_FIELDS += ("group_id",)


@transaction.atomic
def merge_enterprises(
    *, survivor: Enterprise, absorbed: Enterprise, user=None, source: str = ""
) -> Merge:
    """Merge `absorbed` into `survivor`: every row pointing at it moves over, its names become
    aliases, blank fields of the survivor are filled, its public id keeps answering (MergedId),
    and all of it is logged and can be undone (undo_merge)."""
    if survivor.pk == absorbed.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    survivor = Enterprise.objects.select_for_update().get(pk=survivor.pk)
    absorbed = Enterprise.objects.select_for_update().get(pk=absorbed.pk)
    if (
        survivor.credit_code
        and absorbed.credit_code
        and survivor.credit_code != absorbed.credit_code
    ):
        raise ValidationError(
            _("Both records have valid and different credit codes: they are different companies.")
        )
    with nullcontext_or_change_context(user):
        merge = Merge.objects.create(
            survivor=survivor,
            survivor_public_id=survivor.public_id,
            absorbed_public_id=absorbed.public_id,
            absorbed_name=absorbed.name,
            absorbed=_fields_of(absorbed),
            source=str(source)[:300],
            merged_by=user if getattr(user, "is_authenticated", False) else None,
        )
        moved, removed = [], []
        for model, fk in _reverse_relations():
            for obj in list(model._base_manager.filter(**{fk.name: absorbed.pk})):
                if model is Enterprise and obj.pk == survivor.pk:
                    continue
                try:
                    with transaction.atomic():
                        setattr(obj, fk.attname, survivor.pk)
                        obj.save(update_fields=[fk.name])
                    moved.append([model._meta.label, obj.pk, fk.attname])
                except IntegrityError:
                    # The survivor already has the same row (an alias, a membership): keep one.
                    setattr(obj, fk.attname, absorbed.pk)
                    removed.append([model._meta.label, _fields_of(obj)])
                    obj.delete()
        for old in MergedId.objects.filter(enterprise=absorbed):
            moved.append([MergedId._meta.label, old.pk, "enterprise_id"])
            old.enterprise = survivor
            old.save(update_fields=["enterprise"])
        names = [absorbed.name, absorbed.name_en, absorbed.short_name]
        before = {}
        if survivor.group_id == absorbed.pk:
            # A record cannot be its own group: the survivor leaves the absorbed group.
            before["group_id"] = absorbed.pk
            survivor.group_id = None
        absorbed_values = _fields_of(absorbed)
        absorbed.delete()
        for name in FILLED_FIELDS:
            if name in before:
                continue
            if getattr(survivor, name) in (None, "") and absorbed_values.get(name) not in (
                None,
                "",
            ):
                before[name] = _json_value(getattr(survivor, name))
                value = absorbed_values[name]
                model_field = next(f for f in Enterprise._meta.concrete_fields if f.attname == name)
                setattr(survivor, name, model_field.to_python(value))
        survivor.save()
        known = _known_names(survivor)
        added = []
        for name in names:
            name = nfkc(name)
            if name and name not in known:
                alias = EnterpriseAlias.objects.create(
                    enterprise=survivor, name=name[:200], kind=_alias_kind(name)
                )
                added.append(alias.pk)
                known.add(name)
        MergedId.objects.create(
            old_public_id=absorbed_values["public_id"], enterprise=survivor, merge=merge
        )
        merge.moved, merge.removed = moved, removed
        merge.survivor_before, merge.added_aliases = before, added
        merge.save()
    return merge


@transaction.atomic
def undo_merge(*, merge: Merge, user=None) -> Enterprise:
    """Restore the absorbed record with its id, its rows and its fields; the survivor gets back
    the values it had. Returns the restored record."""
    if merge.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    if merge.survivor_id is None:
        raise ValidationError(_("The kept record no longer exists: the merge cannot be undone."))
    if Enterprise.objects.filter(public_id=merge.absorbed_public_id).exists():
        raise ValidationError(_("A record with the absorbed id exists again."))
    if Enterprise.objects.get(pk=merge.survivor_id).public_id != merge.survivor_public_id:
        raise ValidationError(
            _("The kept record was merged into another since: undo that merge first.")
        )
    with nullcontext_or_change_context(user):
        survivor = Enterprise.objects.select_for_update().get(pk=merge.survivor_id)
        MergedId.objects.filter(merge=merge).delete()
        EnterpriseAlias.objects.filter(pk__in=merge.added_aliases).delete()
        data = dict(merge.absorbed)
        # The restored record takes back its credit code: clear it on the survivor first.
        if "credit_code" in merge.survivor_before:
            survivor.credit_code = None
            Enterprise.objects.filter(pk=survivor.pk).update(credit_code=None)
        restored = _instance_from(Enterprise, data)
        restored._state.adding = True
        restored.save(force_insert=True)
        from django.apps import apps

        for label, pk, attname in merge.moved:
            model = apps.get_model(label)
            obj = model._base_manager.filter(pk=pk).first()
            if obj is None:
                continue
            setattr(obj, attname, restored.pk)
            name = next(f.name for f in model._meta.concrete_fields if f.attname == attname)
            obj.save(update_fields=[name])
        for label, fields in merge.removed:
            model = apps.get_model(label)
            obj = _instance_from(model, fields)
            obj._state.adding = True
            obj.save(force_insert=True)
        for name, value in merge.survivor_before.items():
            model_field = next(f for f in Enterprise._meta.concrete_fields if f.attname == name)
            setattr(survivor, name, model_field.to_python(value) if value is not None else None)
        survivor.save()
        merge.undone_at = timezone.now()
        merge.undone_by = user if getattr(user, "is_authenticated", False) else None
        merge.save()
        for item in merge.review_items.all():
            item.status = ReviewStatus.UNDONE
            item.save()
            # The accept is withdrawn: the pair may be asked again.
            PairDecision.objects.filter(review_item=item, decision=DecisionChoice.ACCEPT).delete()
    return restored


# ---------------------------------------------------------------------------------------------
# Registry check


def check_registry(*, source: str = "") -> list[ReviewItem]:
    """Compare the registry's records with each other and queue the likely duplicates for
    review. Records already in the registry are never merged without a person."""
    _auto, review = thresholds()
    registry = _registry()
    records = []
    for uid, (_enterprise, row) in enumerate(registry):
        records.append({**normalise_record(row), "unique_id": uid})
    if len(records) < 2:
        return []
    table = engine.records_to_arrow(records)
    edges = engine.score_records(table, review=review)
    queued = []
    with nullcontext_or_change_context(None):
        for a, b, score, _may_auto in sorted(edges, key=lambda e: -e[2]):
            first, second = registry[a][0], registry[b][0]
            if first.credit_code and second.credit_code and first.credit_code != second.credit_code:
                continue
            older, newer = sorted([first, second], key=lambda e: e.pk)
            item = queue_review(
                enterprise=newer,
                candidate=older,
                score=score,
                kind=ReviewKind.REGISTRY,
                source=source or _("registry check"),
            )
            if item is not None:
                queued.append(item)
    return queued
