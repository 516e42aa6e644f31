"""Filters shared by the chain pages, exports and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clusterhub.core.filters import path_of

from .models import ChainNode


def filter_chain_nodes(
    queryset: QuerySet,
    *,
    q: str | None = None,
    segment: str | None = None,
    parent: str | None = None,
    under: str | None = None,
    code_system: str | None = None,
    industry_code: str | None = None,
) -> QuerySet:
    """`under`: the node with this code and everything below it; `industry_code`: nodes mapped to a
    GB/T 4754, HS or NAICS code (optionally of `code_system`)."""
    if q:
        q = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(keywords__icontains=q)
            | Q(code__iexact=q)
        )
    if segment:
        queryset = queryset.filter(segment=segment)
    if parent:
        queryset = queryset.filter(parent__code=parent)
    if under:
        queryset = queryset.filter(path__startswith=path_of(ChainNode, under))
    if industry_code:
        codes = Q(codes__code=industry_code)
        if code_system:
            codes &= Q(codes__system=code_system)
        queryset = queryset.filter(codes).distinct()
    return queryset


def filter_supply_links(
    queryset: QuerySet,
    *,
    supplier: str | None = None,
    customer: str | None = None,
    chain_node: str | None = None,
    year: int | None = None,
    supplier_region: str | None = None,
    customer_region: str | None = None,
) -> QuerySet:
    """Enterprises by public id; regions by code (everything below included); nodes include
    their descendants."""
    if supplier:
        queryset = queryset.filter(supplier__public_id=supplier)
    if customer:
        queryset = queryset.filter(customer__public_id=customer)
    if chain_node:
        queryset = queryset.filter(chain_node__path__startswith=path_of(ChainNode, chain_node))
    if year:
        queryset = queryset.filter(year=year)
    if supplier_region:
        queryset = queryset.filter(
            Q(supplier_site__region__path__contains=f"{supplier_region}/")
            | Q(
                supplier_site__isnull=True,
                supplier__home_region__path__contains=f"{supplier_region}/",
            )
        )
    if customer_region:
        queryset = queryset.filter(
            Q(customer_site__region__path__contains=f"{customer_region}/")
            | Q(
                customer_site__isnull=True,
                customer__home_region__path__contains=f"{customer_region}/",
            )
        )
    return queryset
