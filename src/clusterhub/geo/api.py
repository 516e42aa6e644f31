"""Regions (with lookup by code, including retired codes) and parks: read-only over the API."""

from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from clusterhub.core.api_auth import get_visible
from clusterhub.core.api_common import (
    READ_ERRORS,
    Pagination,
    field_error,
    filter_params,
    ordered,
)

from .filters import filter_parks, filter_regions
from .models import Park, Region
from .schemas import ParkFilters, ParkOut, RegionDetail, RegionFilters, RegionOut
from .services import find_region

regions = Router(tags=["regions"])
parks = Router(tags=["parks"])


def region_from_code(code: str | None, field: str, warnings: list[str], *, required=False):
    """The region a payload names (code, retired code or exact name) for `field`; a retired code
    adds a warning; an unknown one is a 422 on that field."""
    if code is None or not code.strip():
        if required:
            raise field_error(field, _("a region is required"), "required")
        return None
    lookup = find_region(code_or_name=code)
    if lookup.region is None:
        raise field_error(field, lookup.error, "unknown")
    if lookup.warning:
        warnings.append(lookup.warning)
    return lookup.region


def park_from_code(code: str | None, field: str):
    """Parks are visible to every user, so an unknown code reveals nothing."""
    if code is None or not code.strip():
        return None
    park = Park.objects.filter(code=code.strip()).first()
    if park is None:
        raise field_error(field, _("unknown park “%(code)s”") % {"code": code}, "unknown")
    return park


@regions.get("", response=list[RegionOut], summary="List regions")
@paginate(Pagination)
def list_regions(request, filters: Query[RegionFilters]):
    queryset = filter_regions(
        Region.objects.restrict(request.auth, "view"), **filter_params(filters, "ordering")
    )
    return ordered(queryset, filters.ordering, ("code",))


@regions.get("/{code}", response={200: RegionDetail, **READ_ERRORS}, summary="Look up a region")
def get_region(request, code: str):
    """By current code, by retired code (answered with the region that carries it now and a
    `warning`), or by exact Chinese or English name."""
    lookup = find_region(code_or_name=code)
    if lookup.region is None:
        raise HttpError(404, lookup.error or _("Not found."))
    region = get_visible(request, Region.objects.all(), pk=lookup.region.pk)
    region.requested = code
    region.warning = lookup.warning or None
    return region


@parks.get("", response=list[ParkOut], summary="List parks and zones")
@paginate(Pagination)
def list_parks(request, filters: Query[ParkFilters]):
    queryset = Park.objects.restrict(request.auth, "view").select_related(
        "region", "statistical_region", "parent"
    )
    queryset = filter_parks(queryset, **filter_params(filters, "ordering")).prefetch_related(
        "spans"
    )
    return ordered(queryset, filters.ordering, ("code",))


@parks.get("/{code}", response={200: ParkOut, **READ_ERRORS}, summary="Get a park")
def get_park(request, code: str):
    queryset = Park.objects.select_related("region", "statistical_region", "parent")
    return get_visible(request, queryset.prefetch_related("spans"), code=code)
