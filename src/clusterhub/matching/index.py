"""The search index: tantivy, embedded, under settings.DATA_DIR/search/, in step with the database.

One index holds five kinds of documents:
- enterprise: every name (registered, short, English, aliases), pinyin and initials, the credit
  code, stock code and public id; facets city, kind, chain node and certification;
- site: a producing site with its capabilities (chain nodes, products), certificates with their
  validity, coordinates on WGS-84, size and past supply; the supplier ranking narrows with it;
- project, demand (and event, once the events app has a model): name, code, description.

Every document carries the access fields of its record (confidentiality, region paths, owning
organisations, named people) so that a query is filtered through the same rule as
`restrict(user, "view")` (core/access.py) before anything is counted or returned; the results are
then read back through restrict() from the database, so a stale document never shows a record.

Keeping in step: signal handlers (signals.py) write (kind, id) rows to SearchIndexQueue in the
transaction of the change and schedule the `apply_search_updates` task; `apply_pending()` drains
the queue (the task calls it, and so does a search when it finds changes waiting: a cheap inline
update, so what was just saved is found at once). `rebuild()` writes a fresh index into a new
folder and switches to it atomically (`clusterhub search_index --rebuild`).
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tantivy
from django.conf import settings

from clusterhub.core.choices import Confidentiality, Datum

from . import text

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
WRITER_HEAP = 64_000_000
REBUILD_HEAP = 256_000_000
CHUNK = 20_000
# Beyond this many enterprises a missing index is not built inside a request.
INLINE_BUILD_LIMIT = 25_000
INLINE_APPLY_LIMIT = 500

ENTERPRISE, SITE, PROJECT, DEMAND, EVENT = "enterprise", "site", "project", "demand", "event"
SEARCHABLE = (ENTERPRISE, PROJECT, DEMAND, EVENT)

# A demand open to invited suppliers only is "restricted": only its organisations see it.
RESTRICTED = "restricted"
OPEN_UNTIL = 10**7  # ordinal day far in the future: a certificate without an end date
SIZE_RANK = {"large": 4, "medium": 3, "small": 2, "micro": 1}


def cert_slug(standard: str) -> str:
    return "".join(c for c in standard.lower() if c.isalnum())


def _standards() -> list[str]:
    from clusterhub.enterprises.choices import CertificationStandard

    return list(CertificationStandard.values)


# ---------------------------------------------------------------------------------------------
# Schema


def build_schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    raw = {"tokenizer_name": "raw"}
    b.add_text_field("key", stored=True, **raw)
    b.add_text_field("owner", **raw)
    b.add_text_field("doc_type", stored=True, fast=True, **raw)
    b.add_integer_field("object_id", stored=True, indexed=True, fast=True)
    b.add_integer_field("enterprise_id", stored=True, indexed=True, fast=True)
    b.add_text_field("title", stored=True, **raw)
    # Searched text
    b.add_text_field("names_zh", tokenizer_name=text.CJK_ANALYZER_NAME)
    b.add_text_field("names_latin", tokenizer_name=text.LATIN_ANALYZER_NAME)
    b.add_text_field("name_exact", **raw)
    b.add_text_field("pinyin", tokenizer_name=text.PREFIX_ANALYZER_NAME, index_option="freq")
    b.add_text_field("codes", **raw)
    b.add_text_field("text_zh", tokenizer_name=text.CJK_ANALYZER_NAME)
    b.add_text_field("text_en", tokenizer_name=text.STEMMED_ANALYZER_NAME)
    # Facets and filters (multi-valued raw terms, fast for aggregation)
    for name in ("city", "kind", "node", "node_path", "cert", "place", "supplied"):
        b.add_text_field(name, fast=True, **raw)
    # Access
    for name in ("acl_conf", "acl_path", "acl_org", "acl_user"):
        b.add_text_field(name, **raw)
    # Ranking (site documents)
    b.add_float_field("lon", indexed=True, fast=True)
    b.add_float_field("lat", indexed=True, fast=True)
    b.add_integer_field("size_rank", indexed=True, fast=True)
    for standard in _standards():
        slug = cert_slug(standard)
        b.add_integer_field(f"cert_from_{slug}", indexed=True, fast=True)
        b.add_integer_field(f"cert_until_{slug}", indexed=True, fast=True)
    return b.build()


# ---------------------------------------------------------------------------------------------
# Where the index lives, and the open Index objects of this process


def root_dir() -> Path:
    return Path(settings.DATA_DIR) / "search"


def _current_file() -> Path:
    return root_dir() / "CURRENT"


_current_seen: tuple[str, int, Path | None] | None = None  # (CURRENT's path, its mtime, folder)


def forget_current() -> None:
    global _current_seen
    _current_seen = None


def current_dir() -> Path | None:
    """The folder CURRENT names. CURRENT is read again only when it changed (one stat a call,
    not an open and a read: searches ask this every time)."""
    global _current_seen
    current = _current_file()
    try:
        stamp = os.stat(current).st_mtime_ns
    except FileNotFoundError:
        return None
    seen = _current_seen
    if seen is not None and seen[0] == str(current) and seen[1] == stamp and seen[2] is not None:
        return seen[2]
    try:
        name = current.read_text().strip()
    except FileNotFoundError:
        return None
    folder = root_dir() / name
    if not (folder / "meta.json").exists():
        return None
    _current_seen = (str(current), stamp, folder)
    return folder


_open: dict[str, tantivy.Index] = {}
_open_lock = threading.Lock()
_thread_lock = threading.RLock()  # one writer per process at a time


def open_index(folder: Path) -> tantivy.Index:
    key = str(folder)
    index = _open.get(key)
    if index is None:
        with _open_lock:
            index = _open.get(key)
            if index is None:
                index = tantivy.Index.open(key)
                text.register_analyzers(index)  # analysers are not stored in the index
                _open.clear()  # an older folder of this process is no longer wanted
                _open[key] = index
    return index


def current_index() -> tantivy.Index | None:
    folder = current_dir()
    return open_index(folder) if folder is not None else None


@contextlib.contextmanager
def writer_lock(*, blocking: bool):
    """One writer at a time across processes (web workers and the task worker)."""
    root_dir().mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(root_dir() / ".write.lock", "w") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------
# Documents


def _prefixes(path: str | None) -> list[str]:
    parts = [p for p in (path or "").split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def city_of(path: str | None) -> str:
    """The prefecture-level code of a region path ("220000/220100/220104/" -> "220100"); a
    province-level city such as Shanghai is its own city."""
    parts = [p for p in (path or "").split("/") if p]
    if not parts:
        return ""
    return parts[1] if len(parts) > 1 else parts[0]


@dataclass
class Names:
    """Every name of a record, cut the way the fields want them."""

    zh: list[str] = field(default_factory=list)
    latin: list[str] = field(default_factory=list)
    exact: set[str] = field(default_factory=set)
    pinyin: set[str] = field(default_factory=set)

    def add(self, name: str | None, *, pinyin: tuple[str, str] | None = None) -> None:
        normalised = text.normalise(name, limit=300)
        if not text.has_meaning(normalised):
            return
        runs = text.cjk_runs(normalised)
        self.zh.extend(runs)
        words = text.latin_words(normalised)
        if words:
            self.latin.append(" ".join(words))
        self.exact.add("".join(runs) + "".join(words))
        if runs:
            if pinyin is None:
                pinyin = text.fast_pinyin("".join(runs))
            self.pinyin.update(p for p in pinyin if p)
        elif words:
            self.pinyin.add("".join(words))


def _add_names(doc: tantivy.Document, names: Names) -> None:
    for run in names.zh:
        doc.add_text("names_zh", run)
    for words in names.latin:
        doc.add_text("names_latin", words)
    for exact in names.exact:
        if exact:
            doc.add_text("name_exact", exact)
    for value in names.pinyin:
        doc.add_text("pinyin", value)


def _add_text(doc: tantivy.Document, *texts: str) -> None:
    for value in texts:
        normalised = text.normalise(value, limit=4000)
        for run in text.cjk_runs(normalised):
            doc.add_text("text_zh", run)
        words = text.latin_words(normalised)
        if words:
            doc.add_text("text_en", " ".join(words))


def _add_codes(doc: tantivy.Document, *codes: str | None) -> None:
    """Codes as their letters and digits in lower case: "P2026-AB12CD" is p2026ab12cd."""
    _add_terms(doc, "codes", [text.code_key(c) for c in codes if c])


def _add_terms(doc: tantivy.Document, field_name: str, values: Iterable) -> None:
    for value in sorted({str(v) for v in values if v not in (None, "")}):
        doc.add_text(field_name, value)


@dataclass
class Acl:
    conf: str = Confidentiality.PUBLIC
    paths: list[str] = field(default_factory=list)
    orgs: Iterable = ()
    users: Iterable = ()

    def add_to(self, doc: tantivy.Document) -> None:
        doc.add_text("acl_conf", self.conf or Confidentiality.PUBLIC)
        _add_terms(doc, "acl_path", self.paths)
        _add_terms(doc, "acl_org", self.orgs)
        _add_terms(doc, "acl_user", self.users)


def _base(doc_type: str, object_id: int, owner: str, title: str) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("key", f"{doc_type}:{object_id}")
    doc.add_text("owner", owner)
    doc.add_text("doc_type", doc_type)
    doc.add_integer("object_id", int(object_id))
    doc.add_text("title", title or "")
    return doc


class Nodes:
    """The chain taxonomy in memory: codes, ancestors, names (about a hundred rows)."""

    def __init__(self):
        from clusterhub.chain.models import ChainNode

        rows = list(ChainNode.objects.values("id", "code", "parent_id", "name", "name_en"))
        self.by_id = {r["id"]: r for r in rows}

    def ancestors(self, node_id: int) -> list[dict]:
        chain = []
        row = self.by_id.get(node_id)
        while row is not None:
            chain.append(row)
            row = self.by_id.get(row["parent_id"])
        return chain


def _ids_lookup(ids: list[int]):
    """Filter keywords for a batch of ids: a range when they are every id between the first and
    the last (a rebuild reads the registry in runs of consecutive ids; sending 20,000 ids seven
    times a batch cost more than the queries), else the list."""
    ordered = sorted(set(ids))
    if ordered and ordered[-1] - ordered[0] + 1 == len(ordered):
        low, high = ordered[0], ordered[-1]
        return lambda lookup: {f"{lookup}__gte": low, f"{lookup}__lte": high}
    return lambda lookup: {f"{lookup}__in": ordered}


class EnterpriseBatch:
    """Everything the documents of a set of enterprises need, in a handful of queries."""

    def __init__(self, enterprise_ids: list[int], nodes: Nodes, today: datetime.date):
        from clusterhub.accounts.models import Organisation
        from clusterhub.chain.models import SupplyLink
        from clusterhub.enterprises.models import (
            Capability,
            Certification,
            Enterprise,
            EnterpriseAlias,
            Site,
        )

        self.nodes = nodes
        self.today = today
        ids = list(enterprise_ids)
        of = _ids_lookup(ids)
        self.enterprises = list(
            Enterprise.objects.filter(**of("pk"))
            .order_by("pk")
            .values(
                "id",
                "public_id",
                "name",
                "name_en",
                "short_name",
                "pinyin",
                "pinyin_initials",
                "credit_code",
                "stock_code",
                "kind",
                "size",
                "confidentiality",
                "home_region__path",
            )
        )
        self.aliases = defaultdict(list)
        for row in EnterpriseAlias.objects.filter(**of("enterprise_id")).values(
            "enterprise_id", "name"
        ):
            self.aliases[row["enterprise_id"]].append(row["name"])
        self.orgs = defaultdict(list)
        for row in Organisation.objects.filter(**of("enterprise_id")).values("enterprise_id", "id"):
            self.orgs[row["enterprise_id"]].append(row["id"])
        self.sites = defaultdict(list)
        for row in (
            Site.objects.filter(**of("enterprise_id"))
            .order_by("pk")
            .values("id", "enterprise_id", "name", "region__path", "longitude", "latitude", "datum")
        ):
            self.sites[row["enterprise_id"]].append(row)
        self.capabilities = defaultdict(list)
        for row in Capability.objects.filter(**of("site__enterprise_id")).values(
            "site_id", "chain_node_id", "products"
        ):
            self.capabilities[row["site_id"]].append(row)
        self.certs = defaultdict(list)
        for row in Certification.objects.filter(**of("enterprise_id")).values(
            "enterprise_id", "site_id", "standard", "valid_from", "valid_until"
        ):
            self.certs[row["enterprise_id"]].append(row)
        self.supplied = defaultdict(set)
        for row in (
            SupplyLink.objects.filter(**of("supplier_id"), customer__kind="oem")
            .values("supplier_id", "chain_node_id")
            .distinct()
        ):
            self.supplied[row["supplier_id"]].add(row["chain_node_id"])

    def documents(self) -> Iterator[tantivy.Document]:
        for enterprise in self.enterprises:
            yield self.enterprise_document(enterprise)
            for site in self.sites[enterprise["id"]]:
                if self.capabilities[site["id"]]:
                    yield self.site_document(enterprise, site)

    def _node_codes(self, node_ids) -> tuple[set[str], set[str]]:
        exact, paths = set(), set()
        for node_id in node_ids:
            chain = self.nodes.ancestors(node_id)
            if chain:
                exact.add(chain[0]["code"])
                paths.update(r["code"] for r in chain)
        return exact, paths

    def _valid_standards(self, certs) -> set[str]:
        return {
            c["standard"]
            for c in certs
            if (c["valid_from"] is None or c["valid_from"] <= self.today)
            and (c["valid_until"] is None or self.today <= c["valid_until"])
        }

    def _acl(self, enterprise, path) -> Acl:
        return Acl(
            conf=enterprise["confidentiality"],
            paths=_prefixes(path),
            orgs=self.orgs[enterprise["id"]],
        )

    def enterprise_document(self, e: dict) -> tantivy.Document:
        eid = e["id"]
        doc = _base(ENTERPRISE, eid, f"{ENTERPRISE}:{eid}", e["name"])
        names = Names()
        names.add(e["name"], pinyin=(e["pinyin"], e["pinyin_initials"]))
        names.add(e["short_name"])
        names.add(e["name_en"])
        for alias in self.aliases[eid]:
            names.add(alias)
        _add_names(doc, names)
        _add_codes(doc, e["credit_code"], e["stock_code"], e["public_id"])
        sites = self.sites[eid]
        places = [e["home_region__path"], *(s["region__path"] for s in sites)]
        _add_terms(doc, "city", [city_of(p) for p in places])
        _add_terms(doc, "place", [p for path in places for p in _prefixes(path)])
        _add_terms(doc, "kind", [e["kind"]])
        node_ids = [c["chain_node_id"] for s in sites for c in self.capabilities[s["id"]]]
        exact, paths = self._node_codes(node_ids)
        _add_terms(doc, "node", exact)
        _add_terms(doc, "node_path", paths)
        _add_terms(doc, "cert", self._valid_standards(self.certs[eid]))
        self._acl(e, e["home_region__path"]).add_to(doc)
        return doc

    def site_document(self, e: dict, site: dict) -> tantivy.Document:
        eid = e["id"]
        doc = _base(SITE, site["id"], f"{ENTERPRISE}:{eid}", site["name"])
        doc.add_integer("enterprise_id", eid)
        capabilities = self.capabilities[site["id"]]
        exact, paths = self._node_codes(c["chain_node_id"] for c in capabilities)
        _add_terms(doc, "node", exact)
        _add_terms(doc, "node_path", paths)
        texts = []
        for c in capabilities:
            node = self.nodes.by_id.get(c["chain_node_id"], {})
            texts.extend([c["products"], node.get("name", ""), node.get("name_en", "")])
        _add_text(doc, *texts)
        _add_terms(doc, "place", _prefixes(site["region__path"]))
        _add_terms(doc, "city", [city_of(site["region__path"])])
        _add_terms(doc, "kind", [e["kind"]])
        supplied = set()
        for node_id in self.supplied[eid]:
            supplied.update(r["code"] for r in self.nodes.ancestors(node_id))
        _add_terms(doc, "supplied", supplied)
        doc.add_integer("size_rank", SIZE_RANK.get(e["size"], 0))
        if site["longitude"] is not None and site["latitude"] is not None and site["datum"]:
            lon, lat = wgs84(site["longitude"], site["latitude"], site["datum"])
            doc.add_float("lon", lon)
            doc.add_float("lat", lat)
        certs = [c for c in self.certs[eid] if c["site_id"] in (None, site["id"])]
        by_standard = defaultdict(list)
        for c in certs:
            by_standard[c["standard"]].append(c)
        for standard, rows in by_standard.items():
            slug = cert_slug(standard)
            if slug not in _cert_slugs():
                continue
            # The widest span of this standard's certificates: the ranking checks the exact
            # dates again in the database, so a gap between two certificates is caught there.
            start = min((r["valid_from"].toordinal() if r["valid_from"] else 0) for r in rows)
            end = max(
                (r["valid_until"].toordinal() if r["valid_until"] else OPEN_UNTIL) for r in rows
            )
            doc.add_integer(f"cert_from_{slug}", start)
            doc.add_integer(f"cert_until_{slug}", end)
        _add_terms(doc, "cert", self._valid_standards(certs))
        self._acl(e, site["region__path"]).add_to(doc)
        return doc


@lru_cache(maxsize=1)
def _cert_slugs() -> frozenset[str]:
    return frozenset(cert_slug(s) for s in _standards())


def wgs84(lon, lat, datum: str) -> tuple[float, float]:
    """Coordinates on WGS-84, converted explicitly from the datum they were recorded in."""
    from clusterhub.geo.services import convert_coordinates

    return convert_coordinates(float(lon), float(lat), source=datum, target=Datum.WGS84)


def project_documents(project_ids: list[int]) -> Iterator[tantivy.Document]:
    from clusterhub.projects.models import Project

    projects = (
        Project.objects.filter(pk__in=project_ids)
        .select_related("investor", "city")
        .prefetch_related("chain_nodes", "named_people")
    )
    nodes = None
    for p in projects:
        doc = _base(PROJECT, p.pk, f"{PROJECT}:{p.pk}", p.name)
        names = Names()
        names.add(p.name)
        names.add(p.name_en)
        _add_names(doc, names)
        _add_text(doc, p.description, p.investor.name, p.investor.short_name, p.investor.name_en)
        _add_codes(doc, p.code)
        _add_terms(doc, "city", [city_of(p.region_path)])
        _add_terms(doc, "place", _prefixes(p.region_path))
        _add_terms(doc, "kind", [p.stage])
        nodes = nodes or Nodes()
        node_ids = [n.pk for n in p.chain_nodes.all()]
        _add_terms(doc, "node", [nodes.by_id[i]["code"] for i in node_ids if i in nodes.by_id])
        _add_terms(doc, "node_path", [r["code"] for i in node_ids for r in nodes.ancestors(i)])
        Acl(
            conf=p.confidentiality,
            paths=_prefixes(p.region_path),
            users=[u.pk for u in p.named_people.all()],
        ).add_to(doc)
        yield doc


def demand_acl(demand, candidate_org_ids: Iterable[int], buyer_org_ids: Iterable[int]) -> Acl:
    from .choices import DemandStatus, DemandVisibility

    if demand.visibility == DemandVisibility.EVERYONE and demand.status != DemandStatus.DRAFT:
        return Acl(conf=Confidentiality.PUBLIC)
    return Acl(conf=RESTRICTED, orgs=[*buyer_org_ids, *candidate_org_ids])


def demand_documents(demand_ids: list[int]) -> Iterator[tantivy.Document]:
    from clusterhub.accounts.models import Organisation

    from .choices import INVITED_STATUSES
    from .models import DemandCandidate, SourcingDemand

    demands = SourcingDemand.objects.filter(pk__in=demand_ids).select_related(
        "buyer", "chain_node", "buyer_site__region"
    )
    nodes = None
    for d in demands:
        doc = _base(DEMAND, d.pk, f"{DEMAND}:{d.pk}", d.title)
        names = Names()
        names.add(d.title)
        _add_names(doc, names)
        _add_text(
            doc,
            d.description,
            d.chain_node.name,
            d.chain_node.name_en,
            d.buyer.name,
            d.buyer.name_en,
        )
        _add_codes(doc, d.code)
        path = d.buyer_site.region.path if d.buyer_site else ""
        _add_terms(doc, "city", [city_of(path)])
        _add_terms(doc, "place", _prefixes(path))
        _add_terms(doc, "kind", [d.status])
        nodes = nodes or Nodes()
        _add_terms(doc, "node", [d.chain_node.code])
        _add_terms(doc, "node_path", [r["code"] for r in nodes.ancestors(d.chain_node_id)])
        _add_terms(doc, "cert", d.required_certifications or [])
        buyers = [d.buyer_id, d.buyer.group_id]
        buyer_orgs = Organisation.objects.filter(enterprise_id__in=[b for b in buyers if b])
        invited = DemandCandidate.objects.filter(demand=d, status__in=INVITED_STATUSES)
        invited_orgs = Organisation.objects.filter(enterprise_id__in=invited.values("supplier_id"))
        demand_acl(
            d,
            invited_orgs.values_list("pk", flat=True),
            buyer_orgs.values_list("pk", flat=True),
        ).add_to(doc)
        yield doc


def event_documents(event_ids: list[int]) -> Iterator[tantivy.Document]:
    """Promotion events: seen by everyone signed in (events.models.EVENT_POLICY)."""
    from clusterhub.events.models import Event

    for e in Event.objects.filter(pk__in=event_ids).select_related("city"):
        doc = _base(EVENT, e.pk, f"{EVENT}:{e.pk}", e.name)
        names = Names()
        names.add(e.name)
        names.add(e.name_en)
        _add_names(doc, names)
        _add_text(doc, e.description, e.venue)
        _add_codes(doc, e.slug)
        _add_terms(doc, "city", [city_of(e.city.path)])
        _add_terms(doc, "place", _prefixes(e.city.path))
        _add_terms(doc, "kind", [e.status])
        Acl(conf=Confidentiality.PUBLIC).add_to(doc)
        yield doc


DOCUMENT_BUILDERS = {PROJECT: project_documents, DEMAND: demand_documents, EVENT: event_documents}


def enterprise_documents(
    enterprise_ids: list[int], nodes: Nodes | None = None
) -> Iterator[tantivy.Document]:
    nodes = nodes or Nodes()
    today = datetime.date.today()
    for start in range(0, len(enterprise_ids), CHUNK):
        yield from EnterpriseBatch(enterprise_ids[start : start + CHUNK], nodes, today).documents()


# ---------------------------------------------------------------------------------------------
# Building and keeping in step


def _all_ids(kind: str) -> list[int]:
    from clusterhub.enterprises.models import Enterprise
    from clusterhub.events.models import Event
    from clusterhub.projects.models import Project

    from .models import SourcingDemand

    model = {ENTERPRISE: Enterprise, PROJECT: Project, DEMAND: SourcingDemand, EVENT: Event}[kind]
    return list(model._base_manager.order_by("pk").values_list("pk", flat=True))


def documents_for(kind: str, ids: list[int], nodes: Nodes | None = None):
    if kind == ENTERPRISE:
        return enterprise_documents(ids, nodes)
    return DOCUMENT_BUILDERS[kind](ids)


@dataclass
class BuildSummary:
    folder: str
    documents: int
    seconds: float
    bytes: int
    by_kind: dict[str, int]


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def rebuild(*, progress=None, threads: int = 0) -> BuildSummary:
    """Write a fresh index from the database into a new folder and switch to it atomically.
    Queue rows older than the start are dropped (the new index has them); newer ones stay."""
    from .models import SearchIndexQueue

    started = time.perf_counter()
    root_dir().mkdir(parents=True, exist_ok=True)
    # Changes queued before the build are in the database it reads; later ones stay queued.
    queued_before = list(SearchIndexQueue.objects.values_list("pk", flat=True))
    name = f"index-{datetime.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    folder = root_dir() / name
    folder.mkdir()
    index = tantivy.Index(build_schema(), path=str(folder))
    text.register_analyzers(index)
    writer = index.writer(REBUILD_HEAP, threads)
    nodes = Nodes()
    by_kind: dict[str, int] = defaultdict(int)
    for kind in (ENTERPRISE, PROJECT, DEMAND, EVENT):
        ids = _all_ids(kind)
        for doc in documents_for(kind, ids, nodes):
            writer.add_document(doc)
            by_kind[doc.get_first("doc_type")] += 1
            if progress and sum(by_kind.values()) % 100_000 == 0:
                progress(dict(by_kind))
    writer.commit()
    writer.wait_merging_threads()
    with writer_lock(blocking=True):
        tmp = root_dir() / f"CURRENT.{uuid.uuid4().hex[:6]}"
        tmp.write_text(name)
        os.replace(tmp, _current_file())
        forget_current()
        for start in range(0, len(queued_before), 10_000):
            SearchIndexQueue.objects.filter(pk__in=queued_before[start : start + 10_000]).delete()
    _remove_old_folders(keep=name)
    return BuildSummary(
        folder=str(folder),
        documents=sum(by_kind.values()),
        seconds=time.perf_counter() - started,
        bytes=folder_size(folder),
        by_kind=dict(by_kind),
    )


def _remove_old_folders(*, keep: str) -> None:
    for folder in root_dir().glob("index-*"):
        if folder.name != keep:
            # Other processes may still read it: open files stay readable after unlinking.
            shutil.rmtree(folder, ignore_errors=True)


def ensure_index() -> tantivy.Index | None:
    """The current index; built now if there is none and the registry is small, else None (a
    rebuild is then scheduled in the background)."""
    index = current_index()
    if index is not None:
        return index
    from clusterhub.enterprises.models import Enterprise

    if Enterprise.objects.count() > INLINE_BUILD_LIMIT:
        schedule_rebuild()
        return None
    root_dir().mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(root_dir() / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # two first searches build it once
        if current_index() is None:
            rebuild()
    return current_index()


def schedule_rebuild() -> None:
    from .tasks import rebuild_search_index

    with contextlib.suppress(Exception):
        rebuild_search_index.enqueue()


def pending_count() -> int:
    from .models import SearchIndexQueue

    return SearchIndexQueue.objects.count()


def apply_pending(*, limit: int | None = None, blocking: bool = True) -> int:
    """Bring the index up to date with the queued changes; returns how many were applied.
    With blocking=False it gives up at once when another process is writing."""
    from .models import SearchIndexQueue

    folder = current_dir()
    if folder is None:
        return 0
    rows = SearchIndexQueue.objects.order_by("pk")
    if limit is not None:
        rows = rows[:limit]
    rows = list(rows.values_list("pk", "kind", "object_id"))
    if not rows:
        return 0
    with writer_lock(blocking=blocking) as locked:
        if not locked:
            return 0
        index = open_index(folder)
        wanted: dict[str, set[int]] = defaultdict(set)
        for _pk, kind, object_id in rows:
            wanted[kind].add(object_id)
        writer = index.writer(WRITER_HEAP, 1)
        try:
            for kind, ids in wanted.items():
                if kind not in (ENTERPRISE, *DOCUMENT_BUILDERS):
                    continue
                for object_id in ids:
                    # The enterprise's owner term also removes its site documents.
                    writer.delete_documents_by_term("owner", f"{kind}:{object_id}")
                for doc in documents_for(kind, sorted(ids)):
                    writer.add_document(doc)
            writer.commit()
        except Exception:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        SearchIndexQueue.objects.filter(pk__in=[r[0] for r in rows]).delete()
        index.reload()
    return len(rows)


_last_look = 0.0
_dirty = False
LOOK_EVERY = 1.0  # seconds: changes made by other processes are seen within this


def mark_dirty() -> None:
    """This process queued a change: the next search applies it first (read your writes)."""
    global _dirty
    _dirty = True


def catch_up_inline() -> None:
    """Before a search: apply waiting changes if there are few and nobody else is writing. The
    queue is looked at when this process changed something, else at most once a second (other
    processes schedule the update task themselves)."""
    global _dirty, _last_look
    from .models import SearchIndexQueue

    now = time.monotonic()
    if not _dirty and now - _last_look < LOOK_EVERY:
        return
    _dirty, _last_look = False, now
    waiting = SearchIndexQueue.objects.values_list("pk", flat=True)[: INLINE_APPLY_LIMIT + 1]
    count = len(waiting)
    if count == 0:
        return
    if count > INLINE_APPLY_LIMIT:
        schedule_apply()
        return
    try:
        apply_pending(limit=INLINE_APPLY_LIMIT, blocking=False)
    except Exception:  # the search still answers from the index as it is
        logger.exception("inline search index update failed")


def schedule_apply() -> None:
    from .tasks import apply_search_updates

    with contextlib.suppress(Exception):
        apply_search_updates.enqueue()
