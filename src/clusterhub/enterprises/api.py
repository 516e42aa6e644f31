"""Enterprises and sites over the API: list with filters, detail, create, update (PATCH), delete.

Reads go through `restrict(user, "view")`; writes through the services, which validate the model,
so a bad credit code or an unknown region is a 422 naming the field.
"""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from clusterhub.core.api_auth import can_view, ensure_may_create, get_for, get_visible
from clusterhub.core.api_common import (
    READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
    assign,
    field_error,
    filter_params,
    ordered,
)
from clusterhub.geo.api import park_from_code, region_from_code

from .filters import filter_enterprises, filter_sites
from .models import Enterprise, Site
from .schemas import (
    EnterpriseCreate,
    EnterpriseDetail,
    EnterpriseFilters,
    EnterpriseOut,
    EnterprisePatch,
    SiteCreate,
    SiteDetail,
    SiteFilters,
    SiteOut,
    SitePatch,
)
from .services import delete_enterprise, delete_site, save_enterprise, save_site
from .validators import normalise_uscc

enterprises = Router(tags=["enterprises"])
sites = Router(tags=["sites"])


def enterprise_from_public_id(request, public_id: str, field: str) -> Enterprise:
    """An enterprise named in a payload; one the caller may not see is reported as unknown."""
    visible = Enterprise.objects.restrict(request.auth, "view")
    enterprise = visible.filter(public_id=(public_id or "").strip()).first()
    if enterprise is None:
        raise field_error(field, _("unknown enterprise “%(id)s”") % {"id": public_id}, "unknown")
    return enterprise


# Enterprises -------------------------------------------------------------------------------


def _enterprise_queryset(request):
    return Enterprise.objects.select_related("home_region", "group").annotate(
        group_visible=can_view(request, Enterprise, "group_id")
    )


def _enterprise_detail(request, enterprise: Enterprise, warnings=()) -> Enterprise:
    enterprise = (
        _enterprise_queryset(request)
        .prefetch_related("aliases", "certifications")
        .get(pk=enterprise.pk)
    )
    enterprise.visible_sites = list(
        Site.objects.restrict(request.auth, "view")
        .filter(enterprise=enterprise)
        .select_related("region")
        .order_by("name", "pk")
    )
    enterprise.warnings = list(warnings)
    return enterprise


def _apply_enterprise(request, enterprise: Enterprise, data: dict) -> tuple[list, list[str]]:
    """Put payload values on the instance; returns (aliases or None, warnings)."""
    warnings: list[str] = []
    aliases = data.pop("aliases", None)
    if "home_region" in data:
        enterprise.home_region = region_from_code(data.pop("home_region"), "home_region", warnings)
    if "group" in data:
        public_id = data.pop("group")
        group = public_id and enterprise_from_public_id(request, public_id, "group")
        if group and group.pk == enterprise.pk:
            raise field_error("group", _("an enterprise cannot be its own group"))
        enterprise.group = group or None
    if data.get("credit_code"):
        data["credit_code"] = normalise_uscc(data["credit_code"])
    assign(enterprise, data)
    if aliases is not None:
        aliases = [(alias["name"], alias["kind"]) for alias in aliases]
        aliases = [(name, getattr(kind, "value", kind)) for name, kind in aliases]
    return aliases, warnings


@enterprises.get("", response=list[EnterpriseOut], summary="List enterprises")
@paginate(Pagination)
def list_enterprises(request, filters: Query[EnterpriseFilters]):
    queryset = _enterprise_queryset(request).restrict(request.auth, "view")
    queryset = filter_enterprises(queryset, **filter_params(filters, "ordering"))
    return ordered(queryset, filters.ordering, ("name",))


@enterprises.get(
    "/{public_id}", response={200: EnterpriseDetail, **READ_ERRORS}, summary="Get an enterprise"
)
def get_enterprise(request, public_id: str):
    """The id of a record merged into another answers with a redirect (302) to the kept one."""
    if not Enterprise.objects.restrict(request.auth, "view").filter(public_id=public_id).exists():
        from clusterhub.resolution.services import visible_record_for

        survivor = visible_record_for(request.auth, public_id)
        if survivor is not None and survivor.public_id != public_id:
            return HttpResponseRedirect(reverse("api:get_enterprise", args=[survivor.public_id]))
    enterprise = get_visible(request, Enterprise.objects.all(), public_id=public_id)
    return _enterprise_detail(request, enterprise)


@enterprises.post(
    "", response={201: EnterpriseDetail, **WRITE_ERRORS}, summary="Create an enterprise"
)
def create_enterprise(request, payload: EnterpriseCreate):
    """Allowed inside the region your scope covers (as officer or higher)."""
    enterprise = Enterprise()
    aliases, warnings = _apply_enterprise(
        request, enterprise, payload.model_dump(exclude_unset=True)
    )
    ensure_may_create(request, region=enterprise.home_region)
    save_enterprise(enterprise=enterprise, aliases=aliases)
    return Status(201, _enterprise_detail(request, enterprise, warnings))


@enterprises.patch(
    "/{public_id}", response={200: EnterpriseDetail, **WRITE_ERRORS}, summary="Update an enterprise"
)
def update_enterprise(request, public_id: str, payload: EnterprisePatch):
    """Send only the fields to change. Moving an enterprise to another region needs a scope that
    covers the new region too."""
    enterprise = get_for(request, Enterprise.objects.all(), "change", public_id=public_id)
    old_region_id = enterprise.home_region_id
    aliases, warnings = _apply_enterprise(
        request, enterprise, payload.model_dump(exclude_unset=True)
    )
    if enterprise.home_region_id != old_region_id:
        ensure_may_create(request, region=enterprise.home_region, owner=enterprise)
    save_enterprise(enterprise=enterprise, aliases=aliases)
    return _enterprise_detail(request, enterprise, warnings)


@enterprises.delete(
    "/{public_id}", response={204: None, **WRITE_ERRORS}, summary="Delete an enterprise"
)
def remove_enterprise(request, public_id: str):
    """Needs the manager role. Its sites, aliases and certifications go with it; an enterprise
    still named in supply links is not deleted (409)."""
    enterprise = get_for(request, Enterprise.objects.all(), "delete", public_id=public_id)
    delete_enterprise(enterprise=enterprise)
    return Status(204, None)


# Sites -------------------------------------------------------------------------------------


def _site_queryset():
    return Site.objects.select_related("enterprise", "region", "park")


def _site_detail(site: Site, warnings=()) -> Site:
    site = _site_queryset().get(pk=site.pk)
    site.warnings = list(warnings)
    return site


def _apply_site(site: Site, data: dict) -> list[str]:
    warnings: list[str] = []
    if "region" in data:
        site.region = region_from_code(data.pop("region"), "region", warnings, required=True)
    if "park" in data:
        site.park = park_from_code(data.pop("park"), "park")
    assign(site, data)
    return warnings


@sites.get("", response=list[SiteOut], summary="List sites")
@paginate(Pagination)
def list_sites(request, filters: Query[SiteFilters]):
    queryset = _site_queryset().restrict(request.auth, "view")
    queryset = filter_sites(queryset, **filter_params(filters, "ordering"))
    return ordered(queryset, filters.ordering, ("enterprise__name", "name"))


@sites.get("/{int:site_id}", response={200: SiteDetail, **READ_ERRORS}, summary="Get a site")
def get_site(request, site_id: int):
    return get_visible(request, _site_queryset(), pk=site_id)


@sites.post("", response={201: SiteDetail, **WRITE_ERRORS}, summary="Create a site")
def create_site(request, payload: SiteCreate):
    """Allowed in a region your scope covers, or for an enterprise your organisation owns."""
    data = payload.model_dump(exclude_unset=True)
    site = Site(enterprise=enterprise_from_public_id(request, data.pop("enterprise"), "enterprise"))
    warnings = _apply_site(site, data)
    ensure_may_create(request, region=site.region, owner=site.enterprise)
    save_site(site=site)
    return Status(201, _site_detail(site, warnings))


@sites.patch("/{int:site_id}", response={200: SiteDetail, **WRITE_ERRORS}, summary="Update a site")
def update_site(request, site_id: int, payload: SitePatch):
    site = get_for(request, _site_queryset(), "change", pk=site_id)
    old_region_id = site.region_id
    warnings = _apply_site(site, payload.model_dump(exclude_unset=True))
    if site.region_id != old_region_id:
        ensure_may_create(request, region=site.region, owner=site.enterprise)
    save_site(site=site)
    return _site_detail(site, warnings)


@sites.delete("/{int:site_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a site")
def remove_site(request, site_id: int):
    site = get_for(request, _site_queryset(), "delete", pk=site_id)
    delete_site(site=site)
    return Status(204, None)
