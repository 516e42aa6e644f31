"""The local sourcing rate and the gap list in plain Django ORM queries.

Slow and obvious on purpose: it states the definitions of engine.py a second time, in another
language, so the tests and the benchmark's 1/100 sample can check the DuckDB engine against it.
It reads the database, not a snapshot, and sees exactly what a snapshot export would see.
Amounts are added up in Python as Decimal: SQLite adds decimals as floats (measured: off by
0.0001 on sums of tens of billions of yuan), and an oracle must be exact.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce

from clusterhub.chain.models import ChainNode, SupplyLink
from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.choices import EnterpriseKind

from .engine import DEFAULT_SINGLE_SOURCE_THRESHOLD, DEFAULT_WEAK_THRESHOLD, classify

ZERO = Decimal("0.00")


def valid_links(*, year: int, audience: str = "all", links=None):
    """Links every metric counts: a value >= 0 and not a supplier selling to itself."""
    links = (
        (SupplyLink.objects.all() if links is None else links)
        .filter(year=year, annual_value__isnull=False, annual_value__gte=0)
        .exclude(supplier=F("customer"))
    )
    if audience == "public":
        links = links.filter(confidentiality=Confidentiality.PUBLIC)
    return links


def _customers(links, oem_ids):
    if oem_ids is None:
        return links.filter(customer__kind=EnterpriseKind.OEM)
    return links.filter(customer_id__in=list(oem_ids))


def scope_links(*, region, year: int, oem_ids=None, audience: str = "all", links=None):
    """Valid links bought by the OEMs (or the given customers) at a site inside `region`,
    annotated with the buying and producing regions' paths (`local_q(region)` tells local)."""
    links = valid_links(year=year, audience=audience, links=links)
    links = _customers(links, oem_ids).annotate(
        buy_path=Coalesce("customer_site__region__path", "customer__home_region__path"),
        sup_path=Coalesce("supplier_site__region__path", "supplier__home_region__path"),
    )
    return links.filter(buy_path__startswith=region.path)


def local_q(region) -> Q:
    return Q(sup_path__startswith=region.path)


def _rows(scope, region, *fields):
    """(fields..., value, local) for every link in scope."""
    local = Case(When(local_q(region), then=Value(True)), default=Value(False))
    return scope.annotate(is_local=local).values_list(*fields, "annual_value", "is_local")


def local_sourcing_rate(*, region, year: int, oem_ids=None, audience: str = "all") -> dict:
    """Value and count of links in scope, and of the local ones (Decimal yuan, ints)."""
    scope = scope_links(region=region, year=year, oem_ids=oem_ids, audience=audience)
    totals = {"value_total": ZERO, "value_local": ZERO, "count_total": 0, "count_local": 0}
    for value, is_local in _rows(scope, region).iterator():
        totals["value_total"] += value
        totals["count_total"] += 1
        if is_local:
            totals["value_local"] += value
            totals["count_local"] += 1
    return totals


def _ancestors(nodes: dict[int, ChainNode], node_id: int) -> list[int]:
    chain = []
    node = nodes.get(node_id)
    while node is not None:
        chain.append(node.pk)
        node = nodes.get(node.parent_id)
    return chain


def gap_list(
    *,
    region,
    year: int,
    oem_ids=None,
    audience: str = "all",
    weak_threshold: Decimal = DEFAULT_WEAK_THRESHOLD,
    single_threshold: Decimal = DEFAULT_SINGLE_SOURCE_THRESHOLD,
) -> list[dict]:
    """Every node bought in the region: rolled-up values, the most concentrated OEM buying and
    the gap class; ranked by unmet value (value bought from outside), largest first."""
    nodes = {n.pk: n for n in ChainNode.objects.all()}
    scope = scope_links(region=region, year=year, oem_ids=oem_ids, audience=audience)
    totals = defaultdict(lambda: {"value_total": ZERO, "value_local": ZERO})
    for node_id, value, is_local in _rows(scope, region, "chain_node_id").iterator():
        for ancestor in _ancestors(nodes, node_id):
            totals[ancestor]["value_total"] += value
            if is_local:
                totals[ancestor]["value_local"] += value

    # Single source: each OEM of the region (buying there this year), all of its purchases.
    region_oems = set(scope.values_list("customer_id", flat=True).distinct())
    purchases = _customers(valid_links(year=year, audience=audience), oem_ids).filter(
        customer_id__in=region_oems
    )
    by_supplier = defaultdict(lambda: defaultdict(lambda: ZERO))  # (oem, node) -> supplier -> v
    rows = purchases.values_list("customer_id", "chain_node_id", "supplier_id", "annual_value")
    for customer, node_id, supplier, value in rows.iterator():
        for ancestor in _ancestors(nodes, node_id):
            by_supplier[(customer, ancestor)][supplier] += value
    best = {}  # node -> (share, oem, supplier, top, total) of the largest single-sourced buying
    for (oem, node_id), suppliers in by_supplier.items():
        total = sum(suppliers.values(), ZERO)
        if total <= 0:
            continue
        supplier, top = max(suppliers.items(), key=lambda item: item[1])
        if top <= total * single_threshold:
            continue
        if node_id not in best or top > best[node_id][3]:
            best[node_id] = (top / total, oem, supplier, top, total)

    rows = []
    for node_id, values in totals.items():
        if values["value_total"] <= 0:
            continue
        share, oem, supplier, top, oem_total = best.get(node_id, (None, None, None, None, None))
        cls = classify(
            value_total=int(values["value_total"] * 100),
            value_local=int(values["value_local"] * 100),
            top=int(top * 100) if top is not None else None,
            oem_total=int(oem_total * 100) if oem_total is not None else None,
            weak_threshold=weak_threshold,
            single_threshold=single_threshold,
        )
        rows.append(
            {
                "node_id": node_id,
                "code": nodes[node_id].code,
                "class": cls,
                "value_total": values["value_total"],
                "value_local": values["value_local"],
                "unmet": values["value_total"] - values["value_local"],
                "top_share": share,
                "oem_id": oem,
                "supplier_id": supplier,
            }
        )
    rows.sort(key=lambda r: (-r["unmet"], r["code"]))
    return rows
