"""One search box across the registry: enterprises by any of their names, projects, demands.

The query is normalised like the documents (text.py), then asked in every way a name can be
typed: Chinese bigrams (one of three may be wrong), Latin words with typo tolerance (fuzzy terms,
the last word as a prefix), pinyin and initials as prefixes, codes exactly. The answer is filtered
by the user's access inside the index (the same rule as restrict(user, "view")), counted and
faceted there, and the page of hits is read back through restrict() from the database.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache

import tantivy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusterhub.core.access import get_access
from clusterhub.core.choices import Confidentiality

from . import index as ix
from . import text
from .compiled import SLOTS, access_key, compiled

MAX_PAGE_SIZE = 50
PAGE_SLOTS = SLOTS["page"]  # stand-ins for a page's ids in the compiled read-back
MAX_OFFSET = 2_000
FACETS = ("city", "kind", "node", "cert")
FACET_SIZE = 15


@dataclass
class SearchHit:
    doc_type: str
    object_id: int
    score: float
    obj: object = None
    title: str = ""
    subtitle: str = ""
    url: str = ""


@dataclass
class SearchAnswer:
    query: str
    normalised: str
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    page: int = 1
    page_size: int = 20
    state: str = "ok"  # ok | empty | index_building
    # False when the search stopped at a strict step that filled the page: count is then the
    # matches of that step, and more names match with typos (facets=False only).
    count_complete: bool = True


# ---------------------------------------------------------------------------------------------
# Queries


def _term(schema, field_name: str, value) -> tantivy.Query:
    return tantivy.Query.term_query(schema, field_name, value)


def one_of(schema, field_name: str, values) -> tantivy.Query:
    """Any of a few terms (tantivy's term_set_query costs a millisecond even on small indexes)."""
    values = sorted({str(v) for v in values})
    if not values:
        return tantivy.Query.empty_query()
    if len(values) == 1:
        return _term(schema, field_name, values[0])
    return _any([_term(schema, field_name, v) for v in values])


def _boost(query: tantivy.Query, boost: float) -> tantivy.Query:
    return tantivy.Query.boost_query(query, boost)


def _any(queries: list[tantivy.Query], minimum: int = 1) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, q) for q in queries], minimum_number_should_match=minimum
    )


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A filter does not change the score."""
    return tantivy.Query.const_score_query(query, 0.0)


def typo_distance(word: str) -> int:
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def allowed_misses(count: int) -> int:
    """How many query words may be missing: none of 1-2, one of 3-7, two of 8-11..."""
    return 0 if count < 3 else max(1, count // 4)


def allowed_gram_misses(count: int) -> int:
    """How many bigrams of a Chinese query may be missing: a wrong character breaks two, so one
    typo passes from four characters on (三 bigrams: one may miss; four or more: two)."""
    return 0 if count < 3 else min(2, count // 2)


def _describer(schema, descriptions_of):
    if descriptions_of is None:
        return lambda q: q
    only = _filter(one_of(schema, "doc_type", descriptions_of))
    return lambda q: tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, q), (tantivy.Occur.Must, only)]
    )


def _gram_clauses(schema, grams, described, include_descriptions=True):
    clauses = []
    for gram in grams:
        alternatives = [_boost(_term(schema, "names_zh", gram), 2.0)]
        if include_descriptions:
            alternatives.append(described(_boost(_term(schema, "text_zh", gram), 0.3)))
        clauses.append(tantivy.Query.disjunction_max_query(alternatives))
    return clauses


def _word_groups(schema, words, described, *, fuzzy: bool, include_descriptions=True):
    groups = []
    for position, word in enumerate(words):
        alternatives = [_boost(_term(schema, "names_latin", word), 3.0)]
        distance = typo_distance(word) if fuzzy else 0
        if distance:
            alternatives.append(
                tantivy.Query.fuzzy_term_query(schema, "names_latin", word, distance)
            )
        if position == len(words) - 1 and len(word) >= 2:
            alternatives.append(
                _boost(
                    tantivy.Query.fuzzy_term_query(schema, "names_latin", word, 0, True, True),
                    1.5,
                )
            )
        if len(word) >= 2 and word.isalpha():
            alternatives.append(_term(schema, "pinyin", word[: text.PREFIX_MAX]))
        if include_descriptions:
            for stem in text.stems(word):
                alternatives.append(described(_boost(_term(schema, "text_en", stem), 0.3)))
        groups.append(tantivy.Query.disjunction_max_query(alternatives))
    return groups


def _codes_or(schema, latin, words):
    compact = "".join(words)
    alternatives = [latin, _boost(_term(schema, "codes", compact), 20.0)]
    if len(words) > 1 and compact.isalpha():
        # Pinyin typed with spaces: "fu ao" is fuao.
        alternatives.append(_boost(_term(schema, "pinyin", compact[: text.PREFIX_MAX]), 2.0))
    return _any(alternatives)


def text_query(
    schema,
    normalised: str,
    *,
    include_descriptions: bool = True,
    descriptions_of=None,
    strict: bool = False,
    relaxed: bool = False,
):
    """The query for what the user typed, or None when there is nothing to look for.
    descriptions_of: the document types whose description fields are searched (default: all).
    strict: every bigram and every Latin word as typed (no typos).
    relaxed: any bigram or word is enough; only with a filter that holds the real condition
    (see candidates()): a document then scores as under the tolerant query."""
    described = _describer(schema, descriptions_of)
    grams = text.cjk_query_grams(normalised)
    words = text.latin_words(normalised)[: text.MAX_QUERY_TERMS]
    parts = []
    if grams:
        clauses = _gram_clauses(schema, grams, described, include_descriptions)
        misses = 0 if strict else allowed_gram_misses(len(grams))
        if relaxed:
            parts.append(_any(clauses))
        elif misses == 0:
            parts.append(_all(clauses))
        else:
            parts.append(_any(clauses, len(grams) - misses))
    if words:
        groups = _word_groups(
            schema, words, described, fuzzy=not strict, include_descriptions=include_descriptions
        )
        misses = 0 if strict else allowed_misses(len(words))
        if relaxed:
            latin = _any(groups)
        elif misses == 0:
            latin = _all(groups)
        else:
            latin = _any(groups, len(words) - misses)
        parts.append(_codes_or(schema, latin, words))
    if not parts:
        return None
    main = parts[0] if len(parts) == 1 else _all(parts)
    exact = "".join(text.cjk_runs(normalised)) + "".join(words)
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, main),
            (tantivy.Occur.Should, _boost(_term(schema, "name_exact", exact), 10.0)),
        ]
    )


def candidates(schema, normalised: str, step: str, descriptions_of=None) -> tantivy.Query:
    """The documents of a middle step, as intersections (each led by its rarest posting list):
    "gram": at most one bigram missing (any all-but-one of them), with the Latin words as typed;
    "word": Chinese-free queries of one or two words where one word may carry a typo."""
    described = _describer(schema, descriptions_of)
    grams = text.cjk_query_grams(normalised)
    words = text.latin_words(normalised)[: text.MAX_QUERY_TERMS]
    if step == "gram":

        def all_but_one(clauses):
            return _any([_all(clauses[:i] + clauses[i + 1 :]) for i in range(len(clauses))])

        # Names alone first: the description alternatives are for a few hundred documents, and
        # asked of them only (led by their types' postings), not beside every name's bigram.
        found = all_but_one([_term(schema, "names_zh", g) for g in grams])
        if descriptions_of:
            found = _any(
                [
                    found,
                    _all(
                        [
                            _filter(one_of(schema, "doc_type", descriptions_of)),
                            all_but_one(_gram_clauses(schema, grams, described)),
                        ]
                    ),
                ]
            )
        if words:
            exact = _word_groups(schema, words, described, fuzzy=False)
            found = _all([found, _codes_or(schema, _all(exact), words)])
        return found
    exact = _word_groups(schema, words, described, fuzzy=False)
    typos = _word_groups(schema, words, described, fuzzy=True)
    one_typo = [
        _all([*exact[:i], typos[i], *exact[i + 1 :]])
        for i in range(len(words))
        if typo_distance(words[i])
    ]
    return _codes_or(schema, _any(one_typo), words)


def levels(normalised: str) -> list[str]:
    """The steps of a search that asks strictly first: "strict", then the middle steps that
    apply ("gram", "word"; see candidates()), then "tolerant" (what text_query() finds). Each
    step finds what the one before it finds and more."""
    grams = text.cjk_query_grams(normalised)
    words = text.latin_words(normalised)[: text.MAX_QUERY_TERMS]
    steps = ["strict"]
    if allowed_gram_misses(len(grams)):
        steps.append("gram")
    typos = any(typo_distance(w) for w in words)
    if not grams and typos and allowed_misses(len(words)) == 0 and len(words) > 1:
        steps.append("word")  # (one word with a typo: that is the tolerant step)
    if allowed_gram_misses(len(grams)) > 1 or typos or allowed_misses(len(words)):
        steps.append("tolerant")
    return steps


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    """Every one of the queries: an intersection, led by the rarest (a minimum-match disjunction
    of all its clauses walks every posting of every clause)."""
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def access_query(schema, user) -> tantivy.Query | None:
    """Documents `user` may view, by the rule of core.access (None: everything). user=None is
    the system (the command line), which sees everything.

    Written as "every document except the hidden ones": a document is hidden when its level is
    one the user may not see by level (confidential, restricted; internal outside government)
    and none of its region paths, organisations or named people grants it. The same set as the
    union of the grants, but the index then skips the few hidden documents instead of walking
    the public ones (nine in ten documents) for every query."""
    if user is None:
        return None
    access = get_access(user)
    if not access.is_authenticated:
        return tantivy.Query.empty_query()
    if access.is_superuser:
        return None
    visible_levels = {Confidentiality.PUBLIC}
    if access.is_government:
        visible_levels.add(Confidentiality.INTERNAL)
    hidden_levels = [
        level for level in (*Confidentiality.values, ix.RESTRICTED) if level not in visible_levels
    ]
    grants = []
    paths = access.region_paths()
    if paths:
        grants.append(one_of(schema, "acl_path", paths))
    organisations = access.organisation_ids()
    if organisations:
        grants.append(one_of(schema, "acl_org", organisations))
    if access.user_id:
        grants.append(_term(schema, "acl_user", str(access.user_id)))
    hidden = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, one_of(schema, "acl_conf", hidden_levels))]
        + [(tantivy.Occur.MustNot, grant) for grant in grants]
    )
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, hidden)]
    )


def _types(schema, searchable) -> tantivy.Query:
    """The documents of these types; every searchable type is "not a site document" (skipping the
    site postings is cheaper than walking the union of the enterprises' and the others')."""
    if set(searchable) == set(ix.SEARCHABLE):
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.all_query()),
                (tantivy.Occur.MustNot, _term(schema, "doc_type", ix.SITE)),
            ]
        )
    return one_of(schema, "doc_type", searchable)


def combine(must: list, filters: list) -> tantivy.Query:
    subqueries = [(tantivy.Occur.Must, q) for q in must if q is not None]
    subqueries += [(tantivy.Occur.Must, _filter(q)) for q in filters if q is not None]
    if not subqueries:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query(subqueries)


# ---------------------------------------------------------------------------------------------
# The search service


def clean_query(query: str | None) -> tuple[str, list[str]]:
    """The normalised query and notes for the user (shortened, nothing to search for)."""
    raw = query or ""
    notes = []
    normalised = text.normalise(raw, limit=text.MAX_QUERY_CHARS)
    if len(raw.strip()) > text.MAX_QUERY_CHARS:
        notes.append(
            _("Only the first %(n)d characters of the query were searched.")
            % {"n": text.MAX_QUERY_CHARS}
        )
    return normalised, notes


def search(
    *,
    user,
    query: str,
    types: list[str] | tuple[str, ...] | None = None,
    city: str | None = None,
    kind: str | None = None,
    node: str | None = None,
    cert: str | None = None,
    page: int = 1,
    page_size: int = 20,
    facets: bool = True,
) -> SearchAnswer:
    """Search enterprises, projects and demands by any name or code, with facets.

    facets=False answers the page and the count in one pass over the matches, without the
    facets and the counts by type (a second pass over every match): for a search box that shows
    the hits, and asks for the facets when it shows them."""
    normalised, notes = clean_query(query)
    page_size = max(1, min(int(page_size or 20), MAX_PAGE_SIZE))
    page = max(1, int(page or 1))
    answer = SearchAnswer(
        query=query or "", normalised=normalised, notes=notes, page=page, page_size=page_size
    )
    if not text.has_meaning(normalised):
        answer.state = "empty"
        answer.notes.append(
            _("Type a name, part of a name, pinyin, initials or a code.")
            if not normalised
            else _("The query has no letters, digits or Chinese characters to look for.")
        )
        return answer
    words = text.latin_words(normalised)
    if not text.cjk_runs(normalised) and len("".join(words)) < 2:
        answer.state = "empty"
        answer.notes.append(_("Type at least two letters or digits, or one Chinese character."))
        return answer

    index = ix.ensure_index()
    if index is None:
        answer.state = "index_building"
        answer.notes.append(_("The search index is being built; try again in a few minutes."))
        return answer
    ix.catch_up_inline()
    schema = index.schema
    searchable = [t for t in (types or ix.SEARCHABLE) if t in ix.SEARCHABLE]
    type_filter = _types(schema, searchable)
    facet_filters = []
    for name, value in (("city", city), ("kind", kind), ("node_path", node), ("cert", cert)):
        if value:
            facet_filters.append(_term(schema, name, str(value)))
    acl = access_query(schema, user)
    filters = [acl, type_filter, *facet_filters]
    if facets:
        main = text_query(schema, normalised, descriptions_of=DESCRIBED)
        query_all_types = combine(
            [main], [acl, *facet_filters, one_of(schema, "doc_type", ix.SEARCHABLE)]
        )
        final = combine([main], filters)

    searcher = index.searcher()
    offset = min((page - 1) * page_size, MAX_OFFSET)
    if not facets:
        result = _strict_first(answer, searcher, schema, normalised, page_size, offset, filters)
    else:
        # The page without counting: the count comes from the facet pass, which walks every
        # match anyway (each document has one doc_type: the buckets of doc_type add up to it).
        result = searcher.search(final, page_size, count=False, offset=offset)
        _facet_pass(answer, searcher, final, query_all_types, searchable, city, kind, node, cert)
    hits = []
    for score, address in result.hits:
        doc = searcher.doc(address)
        hits.append(SearchHit(doc["doc_type"][0], int(doc["object_id"][0]), float(score)))
    answer.hits = _read_back(user, hits)
    if not answer.count:
        answer.notes.append(
            _("Nothing found. Try fewer words, pinyin initials or part of the name.")
        )
    return answer


# Enterprise documents have names but no descriptions: the description clauses are asked of the
# other types only (a few documents) and the index does not walk the description postings of a
# million site documents (卡钳 in every caliper maker's products) that the type filter would drop.
DESCRIBED = tuple(t for t in ix.SEARCHABLE if t != ix.ENTERPRISE)


def _strict_first(answer, searcher, schema, normalised, page_size, offset, filters):
    """The page and the count without facets, asking strictly first: every bigram and the Latin
    words as typed; then one bigram missing or one word with a typo; then fully tolerant, until
    a step finds the page. A short name such as 华信制动卡钳 matches a few names strictly, a few
    hundred with one bigram missing, but ~23,000 (every maker of 制动卡钳) with two missing, all
    of which the tolerant query would score. A step that fills the page stops there and its
    count is a lower bound (answer.count_complete=False). Every step scores a document as the
    tolerant query does, and the last one is the tolerant query: what it finds is found."""
    steps = levels(normalised)
    for n, step in enumerate(steps):
        if step in ("strict", "tolerant"):
            main = text_query(
                schema, normalised, descriptions_of=DESCRIBED, strict=step == "strict"
            )
            query = combine([main], filters)
        else:
            relaxed = text_query(schema, normalised, descriptions_of=DESCRIBED, relaxed=True)
            found = candidates(schema, normalised, step, descriptions_of=DESCRIBED)
            query = combine([relaxed], [found, *filters])
        result = searcher.search(query, page_size, count=True, offset=offset)
        last = n == len(steps) - 1
        if last or result.count >= offset + page_size:
            answer.count = result.count
            answer.count_complete = last
            return result
    raise AssertionError("unreachable")


def _facet_pass(answer, searcher, final, query_all_types, searchable, city, kind, node, cert):
    """The count, the counts by type and the facets of every match, in one aggregation."""
    aggregations = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
    by_type_aggregation = {"doc_type": {"terms": {"field": "doc_type", "size": 10}}}
    facets = searcher.aggregate(final, {**aggregations, **by_type_aggregation})
    if set(searchable) == set(ix.SEARCHABLE):
        # Every type asked for: the counts by type come from the same pass as the facets.
        by_type = facets
    else:
        by_type = searcher.aggregate(query_all_types, by_type_aggregation)
    answer.count = sum(int(b["doc_count"]) for b in facets.get("doc_type", {}).get("buckets", []))
    answer.by_type = {
        b["key"]: int(b["doc_count"]) for b in by_type.get("doc_type", {}).get("buckets", [])
    }
    answer.facets = _facet_labels(
        {
            name: [(b["key"], int(b["doc_count"])) for b in facets.get(name, {}).get("buckets", [])]
            for name in FACETS
        },
        selected={"city": city, "kind": kind, "node": node, "cert": cert},
    )


def _read_back(user, hits: list[SearchHit]) -> list[SearchHit]:
    """The records of a page of hits, through restrict(user, "view"); stale ones drop out."""
    from clusterhub.projects.models import Project

    from .models import SourcingDemand

    wanted: dict[str, list[int]] = {}
    for hit in hits:
        wanted.setdefault(hit.doc_type, []).append(hit.object_id)
    found: dict[tuple[str, int], object] = {}
    regions: dict[int, tuple[str, str]] = {}
    if ix.ENTERPRISE in wanted:
        for e, region in _visible_enterprises(user, wanted[ix.ENTERPRISE]):
            found[(ix.ENTERPRISE, e.pk)] = e
            regions[e.pk] = region
    if ix.PROJECT in wanted:
        for p in (
            Project.objects.restrict(user, "view")
            .filter(pk__in=wanted[ix.PROJECT])
            .select_related("investor", "city")
        ):
            found[(ix.PROJECT, p.pk)] = p
    if ix.DEMAND in wanted:
        for d in (
            SourcingDemand.objects.restrict(user, "view")
            .filter(pk__in=wanted[ix.DEMAND])
            .select_related("buyer", "chain_node")
        ):
            found[(ix.DEMAND, d.pk)] = d
    if ix.EVENT in wanted:
        from clusterhub.events.models import Event

        for e in (
            Event.objects.restrict(user, "view")
            .filter(pk__in=wanted[ix.EVENT])
            .select_related("city")
        ):
            found[(ix.EVENT, e.pk)] = e
    english = (get_language() or "").startswith("en")  # as display_name
    shown = []
    for hit in hits:
        obj = found.get((hit.doc_type, hit.object_id))
        if obj is None:
            continue
        hit.obj = obj
        hit.title = obj.display_name if hasattr(obj, "display_name") else str(obj)
        if hit.doc_type == ix.ENTERPRISE:
            name, name_en = regions[obj.pk]
            region = (name_en if english and name_en else name) or ""  # no region: None
            names = [n for n in (obj.short_name, obj.name_en) if n and n != hit.title]
            kind = _kind_labels(get_language() or "").get(obj.kind, obj.kind)
            hit.subtitle = " · ".join([kind, region, *names][:4])
            # One reverse() a process, not one a hit (it costs half a millisecond).
            hit.url = _url_pattern("enterprises:detail").replace(PLACEHOLDER, obj.public_id)
        elif hit.doc_type == ix.PROJECT:
            hit.subtitle = " · ".join(
                x for x in (obj.code, obj.get_stage_display(), obj.investor.name) if x
            )
            hit.url = obj.get_absolute_url()
        elif hit.doc_type == ix.DEMAND:
            hit.title = obj.title
            hit.subtitle = " · ".join(
                [
                    obj.code,
                    obj.buyer.display_name,
                    obj.chain_node.display_name,
                    obj.get_status_display(),
                ]
            )
            hit.url = obj.get_absolute_url()
        elif hit.doc_type == ix.EVENT:
            hit.subtitle = " · ".join(
                [obj.starts_on.isoformat(), obj.city.display_name, obj.get_status_display()]
            )
            hit.url = obj.get_absolute_url()
        shown.append(hit)
    return shown


# What a hit of an enterprise shows, and its region's names.
ENTERPRISE_FIELDS = ("id", "public_id", "name", "name_en", "short_name", "kind")
REGION_NAMES = ("home_region__name", "home_region__name_en")


def _visible_enterprises(user, ids: list[int]):
    """(enterprise, (region name, English region name)) of those of `ids` that `user` may view.

    The rule is restrict(user, "view"), as everywhere; but building and compiling that query cost
    more than running it (~2.5 ms a page), so it is compiled once per access (the SQL depends on
    nothing else; see compiled.py) and run with the page's ids in the stand-ins' places."""
    from django.db import router

    from clusterhub.enterprises.models import Enterprise

    alias = router.db_for_read(Enterprise)
    query = compiled(
        ("search-page", alias, access_key(user)),
        lambda: (
            Enterprise.objects.restrict(user, "view")
            .filter(pk__in=PAGE_SLOTS)
            .order_by()
            .values_list(*ENTERPRISE_FIELDS, *REGION_NAMES)
        ),
    )
    rows = query.rows(alias, page=list(dict.fromkeys(ids))[: len(PAGE_SLOTS)]) if ids else []
    width = len(ENTERPRISE_FIELDS)
    return [
        (Enterprise.from_db(alias, ENTERPRISE_FIELDS, row[:width]), tuple(row[width:]))
        for row in rows
    ]


PLACEHOLDER = "PLACEHOLDER0"


@lru_cache(maxsize=16)
def _url_pattern(name: str) -> str:
    from django.urls import reverse

    return reverse(name, args=[PLACEHOLDER])


@lru_cache(maxsize=4)
def _kind_labels(language: str) -> dict[str, str]:
    from clusterhub.enterprises.choices import EnterpriseKind

    return {value: str(label) for value, label in EnterpriseKind.choices}


@lru_cache(maxsize=8)
def _names(model_label: str, language: str, period: int) -> dict[str, str]:
    """code -> display name of every region or chain node, cached a few minutes a process."""
    from django.apps import apps

    model = apps.get_model(model_label)
    return {o.code: o.display_name for o in model._base_manager.only("code", "name", "name_en")}


def _facet_labels(buckets: dict[str, list[tuple[str, int]]], selected: dict) -> dict:
    from django.utils.translation import get_language

    from clusterhub.enterprises.choices import EnterpriseKind

    period = int(time.time() // 300)
    language = get_language() or ""
    kinds = dict(EnterpriseKind.choices)
    labels = {
        "city": _names("geo.Region", language, period),
        "node": _names("chain.ChainNode", language, period),
        "kind": kinds,
        "cert": {},
    }
    facets = {}
    for name, rows in buckets.items():
        facets[name] = [
            {
                "value": value,
                "label": str(labels[name].get(value, value)),
                "count": count,
                "selected": selected.get(name) == value,
            }
            for value, count in rows
            if not (name == "kind" and value not in kinds)
        ]
    return facets


def page_count(answer: SearchAnswer) -> int:
    reachable = min(answer.count, MAX_OFFSET + answer.page_size)
    return max(1, math.ceil(reachable / answer.page_size))
