"""Supplier ranking for a sourcing demand, with the reasons, factor by factor.

Hard filters first, in this order, each counted so the buyer sees why the list is short:
1. capability for the demand's chain node (or a part under it), its part family (the parent, if
   it is not a whole segment) or a neighbouring part (a sibling);
2. every required certification valid on the start of production (SOP; today if none is set);
3. the location preference: inside the buyer plant's province, or within N km of the plant;
4. not the buyer itself, and a record the user may view.

Then a score out of 100 from six factors (WEIGHTS): the chain-node match, the text similarity
between the demand and what the site makes (Chinese grams and English stems), the distance to the
buyer's plant (great-circle on WGS-84, after converting each point explicitly from its recorded
datum), capacity against the annual volume, past supply of the part to any OEM, and size.

The search index narrows a large registry to the best CANDIDATES sites under the hard filters
(index.py keeps their nodes, certificate spans, coordinates and access fields); the exact checks
and every factor are then computed from the database for those sites.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import tantivy
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core.units import (
    canonical_unit,
    format_quantity,
    format_yuan,
    join_names,
    unit_label,
)

from . import index as ix
from . import text
from .choices import LocationPreference, NodeMatch
from .compiled import (
    BUYER_SLOT,
    ENTERPRISE_SLOTS,
    NODE_SLOTS,
    SITE_SLOTS,
    access_key,
    compiled,
)
from .searching import access_query, one_of

# The part itself weighs most: a maker of exactly this part comes before a neighbour unless the
# neighbour is much closer, larger and proven.
WEIGHTS = {"node": 30, "text": 20, "distance": 20, "supply": 15, "capacity": 5, "size": 10}
NODE_SCORE = {NodeMatch.EXACT: 1.0, NodeMatch.PARENT: 0.5, NodeMatch.SIBLING: 0.3}
SIZE_SCORE = {"large": 1.0, "medium": 0.7, "small": 0.45, "micro": 0.2}
UNKNOWN_SIZE = 0.3
UNKNOWN_CAPACITY = 0.3
DISTANCE_SCALE_KM = 250.0  # points halve about every 170 km
SUPPLY_FULL_YUAN = 1_000_000_000  # a billion yuan a year of this part earns every supply point
SUPPLY_YEARS = 3
CANDIDATES = 200
TEXT_FULL = 0.5  # a similarity of 0.5 or more earns every text point
PROVINCE_DEPTH = 1


@dataclass
class Factor:
    key: str
    label: str
    points: float | None  # None: a hard filter, passed
    max_points: int | None
    value: str
    detail: str

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "points": None if self.points is None else round(self.points, 1),
            "max_points": self.max_points,
            "value": str(self.value),
            "detail": str(self.detail),
        }


@dataclass
class Candidate:
    enterprise: object
    site: object
    score: float
    node_match: str
    factors: list[Factor]
    distance_km: float | None = None
    rank: int = 0

    def as_dict(self) -> dict:
        e = self.enterprise
        return {
            "rank": self.rank,
            "score": round(self.score, 1),
            "enterprise": {
                "public_id": e.public_id,
                "name": e.name,
                "name_en": e.name_en,
                "kind": e.kind,
                "size": e.size,
            },
            "site": {
                "id": self.site.pk,
                "name": self.site.name,
                "region": self.site.region.code if self.site.region_id else None,
                "region_name": self.site.region.name if self.site.region_id else None,
            },
            "node_match": self.node_match,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "factors": [f.as_dict() for f in self.factors],
        }


@dataclass
class Ranking:
    demand: object
    candidates: list[Candidate] = field(default_factory=list)
    state: str = "ok"  # ok | no_supplier | filtered_out | index_building
    message: str = ""
    funnel: list[dict] = field(default_factory=list)
    sop: datetime.date | None = None

    def as_dict(self) -> dict:
        d = self.demand
        return {
            "demand": {
                "code": d.code,
                "title": d.title,
                "chain_node": d.chain_node.code,
                "chain_node_name": d.chain_node.name,
                "buyer": d.buyer.public_id,
                "buyer_name": d.buyer.name,
                "sop": self.sop.isoformat() if self.sop else None,
                "required_certifications": list(d.required_certifications or []),
                "location": d.location,
                "max_distance_km": d.max_distance_km,
            },
            "state": self.state,
            "message": self.message,
            "funnel": self.funnel,
            "weights": WEIGHTS,
            "candidates": [c.as_dict() for c in self.candidates],
        }


# ---------------------------------------------------------------------------------------------
# The chain neighbourhood of a demand's node


@dataclass
class Neighbourhood:
    node: object
    relation: dict[int, str]  # chain node id -> NodeMatch
    codes: dict[str, str]  # chain node code -> NodeMatch
    names: dict[int, object]  # chain node id -> ChainNode
    # The node whose subtree is the whole neighbourhood (the parent, or the node itself), when
    # the tree by parent links agrees with the paths: one term of the index then finds it.
    root_code: str | None = None


_cache: dict[str, tuple[float, object]] = {}
CACHE_SECONDS = 60.0


def _cached(key: str, compute):
    """Small tables read at most once a minute a process (the taxonomy, the latest link year)."""
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        hit = (now, compute())
        _cache[key] = hit
    return hit[1]


def forget_cached() -> None:
    """Called when the taxonomy or the supply links change in this process (signals.py)."""
    _cache.clear()


def chain_nodes() -> dict:
    from clusterhub.chain.models import ChainNode

    return _cached("nodes", lambda: {n.pk: n for n in ChainNode._base_manager.all()})


def latest_link_year() -> int | None:
    from clusterhub.chain.models import SupplyLink

    return _cached("year", lambda: SupplyLink.objects.aggregate(year=Max("year"))["year"])


def neighbourhood(node) -> Neighbourhood:
    """The node and everything under it (exact), its part family (the parent, unless that is a
    whole segment) and the parent's other branches (neighbouring parts)."""
    nodes = chain_nodes()
    relation: dict[int, str] = {}
    for n in nodes.values():
        if n.path.startswith(node.path):
            relation[n.pk] = NodeMatch.EXACT
    parent = nodes.get(node.parent_id)
    if parent is not None and parent.depth > 0:
        relation[parent.pk] = NodeMatch.PARENT
        for n in nodes.values():
            if n.path.startswith(parent.path) and n.pk not in relation:
                relation[n.pk] = NodeMatch.SIBLING
    root = parent if parent is not None and parent.depth > 0 else node

    def under_root(n) -> bool:  # by parent links, as the index writes node_path
        seen = 0
        while n is not None and seen < 64:
            if n.pk == root.pk:
                return True
            n, seen = nodes.get(n.parent_id), seen + 1
        return False

    subtree = {pk for pk, n in nodes.items() if under_root(n)}
    return Neighbourhood(
        node=node,
        relation=relation,
        codes={nodes[i].code: m for i, m in relation.items()},
        names=nodes,
        root_code=root.code if subtree == set(relation) else None,
    )


# ---------------------------------------------------------------------------------------------
# Small helpers


def sop_of(demand) -> datetime.date:
    return demand.sop or timezone.localdate()


def plant_point(demand) -> tuple[float, float] | None:
    """The buyer plant on WGS-84 (converted explicitly from its recorded datum)."""
    site = demand.buyer_site
    if site is None or site.longitude is None or site.latitude is None or not site.datum:
        return None
    return ix.wgs84(site.longitude, site.latitude, site.datum)


def site_point(site) -> tuple[float, float] | None:
    if site.longitude is None or site.latitude is None or not site.datum:
        return None
    return ix.wgs84(site.longitude, site.latitude, site.datum)


def province_path(demand) -> str | None:
    site = demand.buyer_site
    region = site.region if site is not None else demand.buyer.home_region
    if region is None:
        return None
    parts = [p for p in region.path.split("/") if p]
    return parts[0] + "/" if parts else None


def bounding_box(lon: float, lat: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    return lon - dlon, lon + dlon, lat - dlat, lat + dlat


def visible(queryset, user):
    return queryset if user is None else queryset.restrict(user, "view")


def visible_links(user):
    """Supply links the user may view, and the purchases of the user's own companies (and of
    their subsidiaries): a buyer knows what it bought, whatever the link's confidentiality.

    One condition on each link (the access rule OR a purchase of the user's companies), not a
    union of two subqueries over every link; the companies are a subquery, not a list of ids, so
    the SQL depends on the user's access only (the scoring compiles it once per access)."""
    from django.db.models import Q

    from clusterhub.accounts.models import Organisation
    from clusterhub.chain.models import SupplyLink
    from clusterhub.core.access import get_access

    if user is None:
        return SupplyLink.objects.all()
    access = get_access(user)
    organisations = access.organisation_ids()
    if not access.is_authenticated or not organisations:
        return SupplyLink.objects.restrict(user, "view")
    rule = SupplyLink.access_policy.visibility(access, SupplyLink)
    if rule is None:
        return SupplyLink.objects.all()
    own = (
        Organisation.objects.filter(pk__in=sorted(organisations), enterprise__isnull=False)
        .order_by()
        .values("enterprise_id")
    )
    return SupplyLink.objects.filter(rule | Q(customer_id__in=own) | Q(customer__group_id__in=own))


def _node_name(node) -> str:
    return node.display_name


# ---------------------------------------------------------------------------------------------
# Candidate generation in the index


def _cert_filters(schema, standards, day: datetime.date) -> list[tantivy.Query]:
    filters = []
    ordinal = day.toordinal()
    for standard in standards:
        slug = ix.cert_slug(standard)
        filters.append(
            tantivy.Query.range_query(
                schema, f"cert_from_{slug}", tantivy.FieldType.Integer, None, ordinal
            )
        )
        filters.append(
            tantivy.Query.range_query(
                schema, f"cert_until_{slug}", tantivy.FieldType.Integer, ordinal, None
            )
        )
    return filters


def _location_filters(schema, demand, plant) -> list[tantivy.Query]:
    if demand.location == LocationPreference.PROVINCE:
        path = province_path(demand)
        return [ix_term(schema, "place", path or "//")]
    if demand.location == LocationPreference.RADIUS and demand.max_distance_km is not None:
        if plant is None:
            return [tantivy.Query.empty_query()]
        lon0, lon1, lat0, lat1 = bounding_box(*plant, float(demand.max_distance_km))
        return [
            tantivy.Query.range_query(schema, "lon", tantivy.FieldType.Float, lon0, lon1),
            tantivy.Query.range_query(schema, "lat", tantivy.FieldType.Float, lat0, lat1),
        ]
    return []


def ix_term(schema, field_name, value) -> tantivy.Query:
    return tantivy.Query.term_query(schema, field_name, value)


def demand_text(demand) -> str:
    return f"{demand.title}\n{demand.description}"


def _text_should(schema, normalised: str) -> list[tantivy.Query]:
    clauses = [ix_term(schema, "text_zh", g) for g in text.cjk_query_grams(normalised)]
    clauses += [ix_term(schema, "text_en", s) for s in dict.fromkeys(text.stems(normalised))][
        : text.MAX_QUERY_TERMS
    ]
    return clauses


def _must(*queries) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in queries]
    )


def candidate_sites(
    index, demand, hood: Neighbourhood, *, user, limit: int = CANDIDATES
) -> tuple[list[int], list[dict]]:
    """The ids of the best `limit` sites under the hard filters, and the funnel of counts."""
    schema = index.schema
    searcher = index.searcher()
    sop = sop_of(demand)
    plant = plant_point(demand)
    # A site document carries the codes of its nodes and of their ancestors (node_path): the
    # neighbourhood's root is one posting list instead of a union of a dozen (~2 ms a pass at a
    # million sites, and the first count walks every site of the neighbourhood).
    nodes = (
        ix_term(schema, "node_path", hood.root_code)
        if hood.root_code
        else one_of(schema, "node", hood.codes)
    )
    base = [ix_term(schema, "doc_type", ix.SITE), nodes]
    acl = access_query(schema, user)
    if acl is not None:
        base.append(acl)
    buyer = tantivy.Query.term_query(schema, "enterprise_id", demand.buyer_id)
    certs = _cert_filters(schema, demand.required_certifications or [], sop)
    location = _location_filters(schema, demand, plant)

    def count(*filters) -> int:
        """Enterprises (not sites) passing the filters so far."""
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, _must(*base, *filters)), (tantivy.Occur.MustNot, buyer)]
        )
        # One pass: the cardinality of nothing is 0 (no separate count of the sites first).
        estimate = searcher.cardinality(query, "enterprise_id")
        return 0 if estimate <= 0 else max(1, round(estimate))

    funnel = [
        {
            "step": "node",
            "label": _("enterprises make this part or a neighbouring one"),
            "count": count(),
        }
    ]
    if certs:
        funnel.append(
            {
                "step": "certifications",
                "label": _("hold the certifications on the SOP"),
                "count": count(*certs),
            }
        )
    if location:
        funnel.append(
            {
                "step": "location",
                "label": _("meet the location preference"),
                "count": count(*certs, *location),
            }
        )
    if funnel[-1]["count"] == 0:
        return [], funnel

    normalised = text.normalise(demand_text(demand), limit=2000)
    exact_codes = [c for c, m in hood.codes.items() if m == NodeMatch.EXACT]
    should = [
        tantivy.Query.boost_query(one_of(schema, "node", exact_codes), 3.0),
        tantivy.Query.boost_query(one_of(schema, "supplied", exact_codes), 1.5),
    ]
    text_clauses = _text_should(schema, normalised)
    if text_clauses:
        should.append(
            tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in text_clauses])
        )
    path = province_path(demand)
    if path:
        should.append(tantivy.Query.boost_query(ix_term(schema, "place", path), 0.5))
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, _must(*base, *certs, *location)), (tantivy.Occur.MustNot, buyer)]
        + [(tantivy.Occur.Should, q) for q in should]
    )
    result = searcher.search(query, limit, count=False)
    ids = [int(v) for v in searcher.fast_field_values("object_id", [a for _s, a in result.hits])]
    return ids, funnel


# ---------------------------------------------------------------------------------------------
# Scoring from the database


# What the scoring and the reasons read of a candidate site, its enterprise and its region: one
# row a site, the scoring reads it as it is and the shown candidates become model objects.
SITE_COLUMNS = (
    "pk",
    "enterprise_id",
    "region_id",
    "name",
    "name_en",
    "longitude",
    "latitude",
    "datum",
    "capacity",
    "capacity_unit",
    "enterprise__public_id",
    "enterprise__name",
    "enterprise__name_en",
    "enterprise__kind",
    "enterprise__size",
    "enterprise__employees",
    "region__code",
    "region__name",
    "region__name_en",
    "region__path",
)


class SiteRow:
    """What the scoring reads of a candidate site (a plain row: cheaper than three models)."""

    __slots__ = (
        "capacity",
        "capacity_unit",
        "datum",
        "enterprise_id",
        "enterprise_name",
        "enterprise_size",
        "latitude",
        "longitude",
        "pk",
        "region_path",
        "row",
    )

    def __init__(self, row: tuple):
        (self.pk, self.enterprise_id, _region, _name, _name_en) = row[:5]
        self.longitude, self.latitude, self.datum = row[5], row[6], row[7]
        self.capacity, self.capacity_unit = row[8], row[9]
        self.enterprise_name, self.enterprise_size = row[11], row[14]
        self.region_path = row[19] or ""
        self.row = row

    def instance(self, alias: str):
        """The Site model object with its enterprise and region, as select_related() builds
        them (only these columns loaded; the others load on access)."""
        from clusterhub.enterprises.models import Enterprise, Site
        from clusterhub.geo.models import Region

        r = self.row
        site = _from_db(
            Site,
            alias,
            {
                "id": r[0],
                "enterprise_id": r[1],
                "region_id": r[2],
                "name": r[3],
                "name_en": r[4],
                "longitude": r[5],
                "latitude": r[6],
                "datum": r[7],
                "capacity": r[8],
                "capacity_unit": r[9],
            },
        )
        enterprise = _from_db(
            Enterprise,
            alias,
            {
                "id": r[1],
                "public_id": r[10],
                "name": r[11],
                "name_en": r[12],
                "kind": r[13],
                "size": r[14],
                "employees": r[15],
            },
        )
        site._state.fields_cache["enterprise"] = enterprise
        if r[2] is not None:
            region = _from_db(
                Region,
                alias,
                {"id": r[2], "code": r[16], "name": r[17], "name_en": r[18], "path": r[19]},
            )
            site._state.fields_cache["region"] = region
        return site


def _from_db(model, alias: str, values: dict):
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[n] for n in names])


class CapabilityRow:
    """What the scoring reads of a capability (plain rows: a few hundred a ranking)."""

    FIELDS = ("site_id", "chain_node_id", "products")
    __slots__ = ("chain_node_id", "products", "site_id")

    def __init__(self, site_id, chain_node_id, products):
        self.site_id, self.chain_node_id, self.products = site_id, chain_node_id, products


class CertificateRow:
    """What the certification filter and its reason read of a certificate."""

    FIELDS = ("enterprise_id", "site_id", "standard", "valid_from", "valid_until")
    __slots__ = FIELDS

    def __init__(self, enterprise_id, site_id, standard, valid_from, valid_until):
        self.enterprise_id, self.site_id, self.standard = enterprise_id, site_id, standard
        self.valid_from, self.valid_until = valid_from, valid_until

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


# ---------------------------------------------------------------------------------------------
# The scoring's queries, compiled once per shape (see compiled.py): the user's access, the
# demand's nodes, standards and years, with stand-ins for the candidates' ids and the buyer.


def _sites_query(user):
    """Candidate sites the user may view (and whose enterprise the user may view), not the
    buyer's."""
    from clusterhub.enterprises.models import Enterprise, Site

    rows = (
        visible(Site.objects.all(), user)
        .filter(pk__in=SITE_SLOTS)
        .exclude(enterprise_id=BUYER_SLOT)
        .order_by()
    )
    if user is not None:
        # The enterprise must be visible too (a confidential company's site in your region
        # does not name the company): in the same query, over the candidates' enterprises
        # only (the subquery starts from the site ids, not from every enterprise).
        rows = rows.filter(
            enterprise_id__in=Enterprise.objects.restrict(user, "view")
            .filter(sites__pk__in=SITE_SLOTS)
            .order_by()
            .values("pk")
        )
    return rows.values_list(*SITE_COLUMNS)


def _capabilities_query():
    """Every capability of the candidate sites (a site has a few; the scorer keeps those in
    the neighbourhood): one statement for every demand, whatever its node."""
    from clusterhub.enterprises.models import Capability

    return (
        Capability.objects.filter(site_id__in=SITE_SLOTS)
        .order_by()
        .values_list(*CapabilityRow.FIELDS)
    )


def _certificates_query(standards):
    from clusterhub.enterprises.models import Certification

    return (
        Certification.objects.filter(enterprise_id__in=ENTERPRISE_SLOTS, standard__in=standards)
        .order_by()
        .values_list(*CertificateRow.FIELDS)
    )


SUPPLY_FIELDS = ("supplier_id", "value", "oems", "years", "first", "last")


def _oems_query():
    from clusterhub.enterprises.models import Enterprise

    return Enterprise._base_manager.filter(kind="oem").order_by("pk").values_list("pk")


def _supply_query(user, exact_node_ids, first_year, oems):
    """Past supply of the part to OEMs by the candidates' enterprises, per supplier. The OEMs
    by id, not by a join on their kind or a subquery: the planner takes "kind = oem" for one
    row and walks every OEM's purchases (7 ms at a million enterprises) instead of the
    candidates' few supplies through the supplier index."""
    return (
        visible_links(user)
        .filter(
            supplier_id__in=ENTERPRISE_SLOTS,
            chain_node_id__in=exact_node_ids,
            customer_id__in=oems,
            annual_value__isnull=False,
            year__gte=first_year,
        )
        .order_by()
        .values("supplier_id")
        .annotate(
            value=Sum("annual_value"),
            oems=Count("customer_id", distinct=True),
            years=Count("year", distinct=True),
            first=Min("year"),
            last=Max("year"),
        )
        .values_list(*SUPPLY_FIELDS)
    )


class Scorer:
    """Scores sites against one demand; loads what it needs for a batch of sites at once."""

    def __init__(self, demand, hood: Neighbourhood, *, user, weight=None):
        self.demand = demand
        self.hood = hood
        self.user = user
        self.sop = sop_of(demand)
        self.plant = plant_point(demand)
        self.required = list(demand.required_certifications or [])
        # The title says what the part is; the description adds detail. The better of the two
        # counts, so a long description does not dilute a precise title.
        self.demand_terms = text.terms_of(demand_text(demand))
        self.title_terms = text.terms_of(demand.title)
        self.stem_words = _stem_words(demand_text(demand))
        self.weight = weight
        # The demand's side of text.similarity, summed once for all the candidates.
        w = self._weight
        self._sides = [
            (terms, sum(w(t) for t in terms))
            for terms in (self.demand_terms, self.title_terms)
            if terms
        ]

    def _weight(self, term: str) -> float:
        return 1.0 if self.weight is None else self.weight(term)

    def score_sites(
        self, site_ids: list[int], *, check_location: bool = True, explain: int | None = None
    ) -> list[Candidate]:
        """The enterprises of these sites that pass the hard filters, best first, each with its
        best site; only the first `explain` (all by default) are returned, with their reasons."""
        from django.db import router

        from clusterhub.enterprises.models import Site

        if not site_ids:
            return []
        alias = router.db_for_read(Site)
        access = access_key(self.user)
        user = self.user
        relation = self.hood.relation
        exact = sorted(i for i, m in relation.items() if m == NodeMatch.EXACT)
        # The node ids go in slots too (a statement for every node would be compiled and
        # prepared again for each new node); a node with more parts than slots gets its own.
        exact_key = None if len(exact) <= len(NODE_SLOTS) else tuple(exact)
        latest = latest_link_year()
        sites_q = compiled(("sites", alias, access), lambda: _sites_query(user))
        caps_q = compiled(("capabilities", alias), _capabilities_query)
        certs_q = (
            compiled(
                ("certificates", alias, tuple(self.required)),
                lambda: _certificates_query(self.required),
            )
            if self.required
            else None
        )
        supply_q = None
        if latest is not None:
            oems = tuple(r[0] for r in compiled(("oems", alias), _oems_query).rows(alias))
            supply_q = compiled(
                ("supply", alias, access, exact_key, latest, oems),
                lambda: _supply_query(
                    user, exact_key or NODE_SLOTS, latest - SUPPLY_YEARS + 1, oems
                ),
            )
        sites: list[SiteRow] = []
        capabilities = defaultdict(list)
        certificates = defaultdict(list)
        supply: dict[int, dict] = {}
        ids = list(dict.fromkeys(site_ids))
        buyer = [self.demand.buyer_id]
        for start in range(0, len(ids), len(SITE_SLOTS)):
            chunk = ids[start : start + len(SITE_SLOTS)]
            rows = [SiteRow(row) for row in sites_q.rows(alias, sites=chunk, buyer=buyer)]
            sites += rows
            if not rows:
                continue
            for row in caps_q.rows(alias, sites=[s.pk for s in rows]):
                if row[1] in relation:
                    capabilities[row[0]].append(CapabilityRow(*row))
            enterprises = list(dict.fromkeys(s.enterprise_id for s in rows))
            if certs_q is not None:
                for row in certs_q.rows(alias, enterprises=enterprises):
                    certificates[row[0]].append(CertificateRow(*row))
            if supply_q is not None:
                for row in supply_q.rows(alias, enterprises=enterprises, nodes=exact):
                    supply[row[0]] = dict(zip(SUPPLY_FIELDS, row, strict=True))
        province = province_path(self.demand)
        candidates = []
        for site in sites:
            caps = capabilities.get(site.pk)
            if not caps:
                continue
            certs = self._valid_certificates(site, certificates[site.enterprise_id])
            if certs is None:
                continue
            distance = None
            point = site_point(site)
            if self.plant is not None and point is not None:
                from clusterhub.geo.services import distance_km

                distance = distance_km(*self.plant, *point)
            if check_location and not self._location_ok(site, distance, province):
                continue
            points = self._points(site, caps, distance, supply)
            candidates.append((sum(points.values()), site, caps, certs, distance, points))
        # The best site of each enterprise, best first; reasons are written for the shown ones.
        best: dict[int, tuple] = {}
        for entry in candidates:
            current = best.get(entry[1].enterprise_id)
            if current is None or entry[0] > current[0]:
                best[entry[1].enterprise_id] = entry
        ordered = sorted(best.values(), key=lambda e: (-e[0], e[1].enterprise_name))
        shown = ordered[: explain if explain is not None else len(ordered)]
        ranked = []
        for position, (_score, row, caps, certs, distance, points) in enumerate(shown, start=1):
            candidate = self._candidate(row.instance(alias), caps, certs, distance, supply, points)
            candidate.rank = position
            ranked.append(candidate)
        return ranked

    # Hard filters ---------------------------------------------------------------------------

    def _valid_certificates(self, site, certs) -> list | None:
        """One valid certificate per required standard (enterprise-wide or for this site), or
        None when a standard has none valid on the SOP."""
        chosen = []
        for standard in self.required:
            valid = [
                c
                for c in certs
                if c.standard == standard
                and c.site_id in (None, site.pk)
                and c.is_valid_on(self.sop)
            ]
            if not valid:
                return None
            chosen.append(max(valid, key=lambda c: c.valid_until or datetime.date.max))
        return chosen

    def _location_ok(self, site, distance, province) -> bool:
        location = self.demand.location
        if location == LocationPreference.PROVINCE:
            return bool(province) and site.region_path.startswith(province)
        if location == LocationPreference.RADIUS:
            return distance is not None and distance <= float(self.demand.max_distance_km or 0)
        return True

    # Factors --------------------------------------------------------------------------------

    def _match(self, caps):
        """The closest relation among the site's capabilities, and that capability."""
        order = [NodeMatch.EXACT, NodeMatch.PARENT, NodeMatch.SIBLING]
        best_cap = min(caps, key=lambda c: order.index(self.hood.relation[c.chain_node_id]))
        return self.hood.relation[best_cap.chain_node_id], best_cap

    def _supplier_terms(self, caps) -> set[str]:
        return text.terms_of(
            " ".join(
                [
                    *(c.products for c in caps),
                    *(self.hood.names[c.chain_node_id].name for c in caps),
                    *(self.hood.names[c.chain_node_id].name_en for c in caps),
                ]
            )
        )

    def _similarity(self, supplier_terms) -> float:
        """The better of text.similarity(demand, supplier) and text.similarity(title,
        supplier), the same number computed with the demand's sums done once (the ranking asks
        this for every candidate; tests hold the two equal)."""
        if not supplier_terms:
            return 0.0
        w = self._weight
        best, supplier_total = 0.0, None
        for terms, total in self._sides:
            common = terms & supplier_terms
            if not common:
                continue
            if supplier_total is None:
                supplier_total = sum(w(t) for t in supplier_terms)
            shared = sum(w(t) for t in common)
            best = max(best, (shared / total) ** 0.35 * (shared / supplier_total) ** 0.65)
        return best

    def _points(self, site, caps, distance, supply) -> dict[str, float]:
        """Each factor's points (the numbers only; _candidate writes the reasons)."""
        match, _cap = self._match(caps)
        points = {
            "node": WEIGHTS["node"] * NODE_SCORE[match],
            "text": WEIGHTS["text"]
            * min(1.0, self._similarity(self._supplier_terms(caps)) / TEXT_FULL),
            "distance": 0.0
            if distance is None
            else WEIGHTS["distance"] * math.exp(-distance / DISTANCE_SCALE_KM),
            "capacity": WEIGHTS["capacity"] * self._capacity_share(site),
            "supply": WEIGHTS["supply"] * self._supply_share(supply.get(site.enterprise_id)),
            "size": WEIGHTS["size"] * SIZE_SCORE.get(site.enterprise_size, UNKNOWN_SIZE),
        }
        return points

    def _capacity_share(self, site) -> float:
        volume = self.demand.annual_volume
        unit = canonical_unit(self.demand.volume_unit)
        capacity_unit = canonical_unit(site.capacity_unit)
        if (
            site.capacity is None
            or not volume
            or (unit and capacity_unit and unit != capacity_unit)
        ):
            return UNKNOWN_CAPACITY
        return min(1.0, float(site.capacity) / float(volume))

    @staticmethod
    def _supply_share(row) -> float:
        if not row or not row["value"]:
            return 0.0
        yearly = float(row["value"]) / max(1, row["years"])
        return min(1.0, math.log10(1 + yearly / 1e5) / math.log10(1 + SUPPLY_FULL_YUAN / 1e5))

    def _candidate(self, site, caps, certs, distance, supply, points) -> Candidate:
        """The candidate with every factor's reason; `points` come from _points()."""
        e = site.enterprise
        factors = []
        # Node match: the closest relation among the site's capabilities.
        match, best_cap = self._match(caps)
        made = self.hood.names[best_cap.chain_node_id]
        asked = _node_name(self.hood.node)
        if match == NodeMatch.EXACT:
            detail = _("Makes %(node)s, the part asked for.") % {"node": _node_name(made)}
        elif match == NodeMatch.PARENT:
            detail = _("Makes %(node)s, the part family of %(asked)s.") % {
                "node": _node_name(made),
                "asked": asked,
            }
        else:
            detail = _("Makes %(node)s, next to %(asked)s in the chain.") % {
                "node": _node_name(made),
                "asked": asked,
            }
        factors.append(
            Factor(
                "node",
                _("Chain node"),
                points["node"],
                WEIGHTS["node"],
                NodeMatch(match).label,
                detail,
            )
        )
        # Certifications: a hard filter, shown with the certificate that passes it.
        if certs:
            parts = [
                _("%(standard)s valid until %(until)s")
                % {
                    "standard": c.standard,
                    "until": c.valid_until.isoformat() if c.valid_until else _("no end date"),
                }
                for c in certs
            ]
            factors.append(
                Factor(
                    "certifications",
                    _("Certifications"),
                    None,
                    None,
                    _("valid on SOP"),
                    _("%(certs)s; the SOP is %(sop)s.")
                    % {"certs": "; ".join(parts), "sop": self.sop.isoformat()},
                )
            )
        # Text similarity between the demand and what the site makes.
        supplier_terms = self._supplier_terms(caps)
        similarity = self._similarity(supplier_terms)
        shared = sorted(self.demand_terms & supplier_terms, key=lambda t: (t.startswith("en:"), t))
        shown = list(dict.fromkeys(self.stem_words.get(t, t) for t in shared))[:6]
        factors.append(
            Factor(
                "text",
                _("Text similarity"),
                points["text"],
                WEIGHTS["text"],
                f"{similarity:.2f}",
                (
                    _("Shares %(terms)s with the demand.") % {"terms": join_names(shown)}
                    if shown
                    else _("Its products share no words with the demand.")
                ),
            )
        )
        # Distance to the buyer's plant, on one datum.
        if distance is None:
            value = "—"
            detail = _("No coordinates to measure the distance from the plant.")
        else:
            value = _("%(km).0f km") % {"km": distance}
            plant = self.demand.buyer_site
            detail = _(
                "%(km).1f km from %(plant)s, great-circle on WGS-84 (plant recorded on %(a)s, "
                "site on %(b)s, both converted explicitly)."
            ) % {
                "km": distance,
                "plant": plant.display_name if plant else "",
                "a": plant.datum if plant else "",
                "b": site.datum,
            }
        factors.append(
            Factor(
                "distance", _("Distance"), points["distance"], WEIGHTS["distance"], value, detail
            )
        )
        # Capacity against the annual volume.
        factors.append(self._capacity_factor(site))
        # Past supply of this part to any OEM.
        row = supply.get(e.pk)
        if row and row["value"]:
            value_yuan = Decimal(row["value"])
            yearly = value_yuan / max(1, row["years"])
            years = (
                str(row["last"]) if row["first"] == row["last"] else f"{row['first']}–{row['last']}"
            )
            detail = _("Supplied %(node)s worth %(value)s to %(oems)d OEM(s) in %(years)s.") % {
                "node": asked,
                "value": format_yuan(value_yuan),
                "oems": row["oems"],
                "years": years,
            }
            factors.append(
                Factor(
                    "supply",
                    _("Past supply"),
                    points["supply"],
                    WEIGHTS["supply"],
                    format_yuan(yearly),
                    detail,
                )
            )
        else:
            factors.append(
                Factor(
                    "supply",
                    _("Past supply"),
                    0.0,
                    WEIGHTS["supply"],
                    "—",
                    _("No recorded supply of this part to an OEM in the last %(n)d years.")
                    % {"n": SUPPLY_YEARS},
                )
            )
        # Size.
        size_detail = (
            _("%(size)s enterprise with %(n)s employees.")
            % {"size": e.get_size_display(), "n": f"{e.employees:,}"}
            if e.size and e.employees
            else (
                _("%(size)s enterprise.") % {"size": e.get_size_display()}
                if e.size
                else _("Size not recorded.")
            )
        )
        factors.append(
            Factor(
                "size",
                _("Size"),
                points["size"],
                WEIGHTS["size"],
                e.get_size_display() or "—",
                size_detail,
            )
        )
        score = sum(f.points for f in factors if f.points is not None)
        return Candidate(e, site, score, match, factors, distance)

    def _capacity_factor(self, site) -> Factor:
        """The capacity factor with its reason (points from _capacity_share)."""
        volume = self.demand.annual_volume
        unit = canonical_unit(self.demand.volume_unit)
        capacity = site.capacity
        capacity_unit = canonical_unit(site.capacity_unit)
        if capacity is None or not volume:
            return Factor(
                "capacity",
                _("Capacity"),
                WEIGHTS["capacity"] * self._capacity_share(site),
                WEIGHTS["capacity"],
                "—",
                _("Capacity not recorded for this site."),
            )
        if unit and capacity_unit and unit != capacity_unit:
            return Factor(
                "capacity",
                _("Capacity"),
                WEIGHTS["capacity"] * self._capacity_share(site),
                WEIGHTS["capacity"],
                format_quantity(capacity, site.capacity_unit),
                _("Capacity is recorded in %(unit)s, the demand in %(asked)s: not compared.")
                % {
                    "unit": unit_label(site.capacity_unit),
                    "asked": unit_label(self.demand.volume_unit),
                },
            )
        share = min(1.0, float(capacity) / float(volume))
        return Factor(
            "capacity",
            _("Capacity"),
            WEIGHTS["capacity"] * self._capacity_share(site),
            WEIGHTS["capacity"],
            format_quantity(capacity, site.capacity_unit),
            _("Annual capacity %(capacity)s against %(volume)s asked (%(share).0f%% covered).")
            % {
                "capacity": format_quantity(capacity, site.capacity_unit),
                "volume": format_quantity(volume, self.demand.volume_unit),
                "share": share * 100,
            },
        )


def _stem_words(value: str) -> dict[str, str]:
    """ "en:calip" -> "calipers": shared English stems are shown as the demand wrote them."""
    words = {}
    for word in text.latin_words(text.normalise(value, limit=4000)):
        for stem in text.stems(word):
            words.setdefault(f"en:{stem}", word)
    return words


def idf_weight(index):
    """Rare terms weigh more in the similarity (document frequencies from the index)."""
    if index is None:
        return None
    searcher = index.searcher()
    total = max(1, searcher.num_docs)
    cache: dict[str, float] = {}

    def weight(term: str) -> float:
        if term not in cache:
            if term.startswith("en:"):
                df = searcher.doc_freq("text_en", term[3:])
            else:
                df = searcher.doc_freq("text_zh", term)
            cache[term] = math.log(1 + total / (1 + df))
        return cache[term]

    return weight


# ---------------------------------------------------------------------------------------------
# The services' entry points


def rank(demand, *, user, limit: int = 50) -> Ranking:
    """Rank suppliers for a demand the caller may see (the caller checks that)."""
    from django.urls import reverse

    hood = neighbourhood(demand.chain_node)
    ranking = Ranking(demand=demand, sop=sop_of(demand))
    index = ix.ensure_index()
    if index is None:
        ranking.state = "index_building"
        ranking.message = _("The search index is being built; try again in a few minutes.")
        return ranking
    ix.catch_up_inline()
    site_ids, ranking.funnel = candidate_sites(index, demand, hood, user=user)
    scorer = Scorer(demand, hood, user=user, weight=idf_weight(index))
    ranking.candidates = scorer.score_sites(site_ids, explain=limit)
    if not ranking.candidates:
        targets = reverse("matching:targets") + f"?node={demand.chain_node.code}"
        if ranking.funnel and ranking.funnel[0]["count"] == 0:
            ranking.state = "no_supplier"
            ranking.message = _(
                "No enterprise in the registry makes %(node)s or a neighbouring part. This is a "
                "gap in the chain: the target list shows who could fill it (%(url)s)."
            ) % {"node": _node_name(demand.chain_node), "url": targets}
        else:
            ranking.state = "filtered_out"
            ranking.message = _(
                "Some enterprises make this part, but none passes the certification and location "
                "requirements. Relax them, or see the target list (%(url)s)."
            ) % {"url": targets}
    return ranking


def fits_for_enterprise(enterprise, demands, *, user) -> list[tuple[object, Candidate]]:
    """Open demands that an enterprise's sites fit (same hard filters and factors)."""
    from clusterhub.enterprises.models import Capability

    own_sites = list(
        Capability.objects.filter(site__enterprise=enterprise).values_list(
            "site_id", "chain_node_id"
        )
    )
    if not own_sites:
        return []
    index = ix.current_index()
    weight = idf_weight(index)
    fits = []
    for demand in demands:
        if demand.buyer_id == enterprise.pk:
            continue
        hood = neighbourhood(demand.chain_node)
        site_ids = sorted({s for s, n in own_sites if n in hood.relation})
        if not site_ids:
            continue
        scored = Scorer(demand, hood, user=user, weight=weight).score_sites(site_ids, explain=1)
        if scored:
            fits.append((demand, scored[0]))
    fits.sort(key=lambda pair: -pair[1].score)
    return fits
