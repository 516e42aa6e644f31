"""Filters shared by the list pages, the exports and the API: one function per list."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from clusterhub.chain.models import ChainNode
from clusterhub.core.filters import path_of
from clusterhub.geo.models import Region

from .services import search_enterprises


def filter_enterprises(
    queryset: QuerySet,
    *,
    q: str | None = None,
    kind: str | None = None,
    ownership: str | None = None,
    size: str | None = None,
    region: str | None = None,
    park: str | None = None,
    chain_node: str | None = None,
    certification: str | None = None,
    group: str | None = None,
    synthetic: bool | None = None,
) -> QuerySet:
    """`region` is a region code and includes everything below it; `chain_node` a node code and
    includes its descendants; `certification` a standard held with a valid certificate today."""
    if q:
        queryset = search_enterprises(queryset, q)
    if kind:
        queryset = queryset.filter(kind=kind)
    if ownership:
        queryset = queryset.filter(ownership=ownership)
    if size:
        queryset = queryset.filter(size=size)
    path = path_of(Region, region)
    if path:
        from .models import Site

        site_owners = Site.objects.filter(region__path__startswith=path).values("enterprise_id")
        queryset = queryset.filter(home_region__path__startswith=path) | queryset.filter(
            pk__in=site_owners
        )
    if park:
        from .models import Site

        queryset = queryset.filter(
            pk__in=Site.objects.filter(park__code=park).values("enterprise_id")
        )
    if chain_node:
        from .models import Capability

        node_path = path_of(ChainNode, chain_node)
        queryset = queryset.filter(
            pk__in=Capability.objects.filter(chain_node__path__startswith=node_path).values(
                "site__enterprise_id"
            )
        )
    if certification:
        from django.db.models import Q

        from .models import Certification

        today = timezone.localdate()
        valid = Certification.objects.filter(standard=certification).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
        queryset = queryset.filter(pk__in=valid.values("enterprise_id"))
    if group:
        queryset = queryset.filter(group__public_id=group)
    if synthetic is not None:
        queryset = queryset.filter(is_synthetic=synthetic)
    return queryset


def filter_sites(
    queryset: QuerySet,
    *,
    q: str | None = None,
    kind: str | None = None,
    region: str | None = None,
    park: str | None = None,
    enterprise: str | None = None,
    chain_node: str | None = None,
) -> QuerySet:
    if q:
        from django.db.models import Q

        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(address__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__short_name__icontains=q)
            | Q(code__iexact=q)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    path = path_of(Region, region)
    if path:
        queryset = queryset.filter(region__path__startswith=path)
    if park:
        queryset = queryset.filter(park__code=park)
    if enterprise:
        queryset = queryset.filter(enterprise__public_id=enterprise)
    if chain_node:
        queryset = queryset.filter(
            capabilities__chain_node__path__startswith=path_of(ChainNode, chain_node)
        ).distinct()
    return queryset
