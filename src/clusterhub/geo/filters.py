"""Filters shared by the region and park pages, exports and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clusterhub.core.filters import path_of

from .models import Region


def filter_regions(
    queryset: QuerySet,
    *,
    q: str | None = None,
    level: str | None = None,
    parent: str | None = None,
    within: str | None = None,
) -> QuerySet:
    """`parent`: direct children of a code; `within`: everything below a code."""
    if q:
        q = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(pinyin__icontains=q.replace(" ", "").lower())
            | Q(code__startswith=q)
        )
    if level:
        queryset = queryset.filter(level=level)
    if parent:
        queryset = queryset.filter(parent__code=parent)
    if within:
        queryset = queryset.filter(path__startswith=path_of(Region, within)).exclude(code=within)
    return queryset


def filter_parks(
    queryset: QuerySet,
    *,
    q: str | None = None,
    kind: str | None = None,
    region: str | None = None,
) -> QuerySet:
    if q:
        q = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(short_name__icontains=q)
            | Q(code__iexact=q)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    path = path_of(Region, region)
    if path:
        queryset = queryset.filter(
            Q(region__path__startswith=path) | Q(spans__path__startswith=path)
        ).distinct()
    return queryset
