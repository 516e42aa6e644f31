"""Region and park pages: the region tree, lists with filters, details, edits."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.views import (
    FilteredListView,
    LoginRequiredMixin,
    RestrictedDeleteView,
    RestrictedEditView,
    XlsxExportMixin,
    can,
    record_history,
)

from . import filters
from .choices import RegionLevel
from .forms import ParkFilterForm, ParkForm, RegionFilterForm, RegionForm
from .models import Park, Region, RetiredRegionCode


def region_tree(regions) -> list[dict]:
    """Nest regions (any order) under their parents: [{region, children: [...]}]."""
    nodes = {r.pk: {"region": r, "children": []} for r in regions}
    roots = []
    for region in sorted(regions, key=lambda r: r.path):
        node = nodes[region.pk]
        parent = nodes.get(region.parent_id)
        (parent["children"] if parent else roots).append(node)
    return roots


class RegionListView(FilteredListView):
    model = Region
    filter_form_class = RegionFilterForm
    filter_function = filters.filter_regions
    sort_fields = {
        "code": ("code",),
        "name": ("pinyin", "name"),
        "level": ("level", "code"),
        "parent": ("parent__code", "code"),
    }
    default_sort = "code"
    template_name = "geo/region_list.html"
    select_related = ("parent",)

    def base_queryset(self):
        return super().base_queryset().annotate(n_children=Count("children", distinct=True))

    def extra_context(self):
        regions = list(
            Region.objects.restrict(self.request.user, "view").only(
                "code", "name", "name_en", "level", "parent_id", "path"
            )
        )
        access = get_access(self.request.user)
        return {
            "tree": region_tree(regions),
            "retired_codes": RetiredRegionCode.objects.restrict(self.request.user, "view")
            .select_related("region")
            .order_by("code"),
            "can_create": access.is_superuser or access.is_data_steward(),
            "current_code": self.request.GET.get("within", ""),
        }


class RegionDetailView(LoginRequiredMixin, View):
    def get(self, request, code):
        user = request.user
        region = get_object_or_404(
            Region.objects.restrict(user, "view").select_related("parent"), code=code
        )
        ancestors = []
        parent = region.parent
        while parent is not None:
            ancestors.insert(0, parent)
            parent = parent.parent
        children = list(
            Region.objects.restrict(user, "view")
            .filter(parent=region)
            .annotate(n_children=Count("children"))
            .order_by("code")
        )
        from clusterhub.enterprises.models import Enterprise, Site

        parks = (
            Park.objects.restrict(user, "view")
            .filter(Q(region=region) | Q(spans=region) | Q(statistical_region=region))
            .select_related("region")
            .distinct()
            .order_by("code")
        )
        context = {
            "region": region,
            "object": region,
            "ancestors": ancestors,
            "subdivisions": [c for c in children if c.level != RegionLevel.DEV_ZONE],
            "dev_zones": [c for c in children if c.level == RegionLevel.DEV_ZONE],
            "retired_codes": RetiredRegionCode.objects.restrict(user, "view").filter(region=region),
            "parks": parks,
            "enterprise_count": Enterprise.objects.restrict(user, "view")
            .filter(home_region__path__startswith=region.path)
            .count(),
            "site_count": Site.objects.restrict(user, "view")
            .filter(region__path__startswith=region.path)
            .count(),
            "can_change": can(user, region, "change"),
            "can_delete": can(user, region, "delete"),
            "history": record_history(request, region),
        }
        return render(request, "geo/region_detail.html", context)


class StewardCreateMixin:
    """Regions are shared reference data: only data stewards create them."""

    def check_create(self):
        access = get_access(self.request.user)
        if not (access.is_superuser or access.is_data_steward()):
            raise Http404


class RegionEditView(StewardCreateMixin, RestrictedEditView):
    model = Region
    form_class = RegionForm
    template_name = "geo/region_form.html"
    lookup_field = lookup_kwarg = "code"

    def get_initial(self):
        parent = self.request.GET.get("parent")
        if self.creating and parent:
            return {"parent": Region.objects.filter(code=parent).first()}
        return {}

    def success_url(self, obj):
        return reverse("geo:region_detail", args=[obj.code])


class RegionDeleteView(RestrictedDeleteView):
    model = Region
    lookup_field = lookup_kwarg = "code"
    success_url = reverse_lazy("geo:region_list")

    def cancel_context(self, obj):
        return {"cancel_url": reverse("geo:region_detail", args=[obj.code])}


class ParkListView(FilteredListView):
    model = Park
    filter_form_class = ParkFilterForm
    filter_function = filters.filter_parks
    sort_fields = {
        "code": ("code",),
        "name": ("name",),
        "kind": ("kind", "code"),
        "region": ("region__code", "code"),
        "area": ("area_km2",),
    }
    default_sort = "code"
    template_name = "geo/park_list.html"
    select_related = ("region", "parent")
    prefetch_related = ("spans",)

    def base_queryset(self):
        from clusterhub.enterprises.models import Site

        visible_sites = Site.objects.restrict(self.request.user, "view").values("pk")
        return (
            super()
            .base_queryset()
            .annotate(n_sites=Count("sites", filter=Q(sites__in=visible_sites), distinct=True))
        )

    def extra_context(self):
        access = get_access(self.request.user)
        return {"can_create": access.is_superuser or bool(access.region_paths(2))}


class ParkDetailView(LoginRequiredMixin, View):
    def get(self, request, code):
        from clusterhub.core.views import paginate
        from clusterhub.enterprises.models import Site

        user = request.user
        park = get_object_or_404(
            Park.objects.restrict(user, "view").select_related(
                "region", "statistical_region", "parent"
            ),
            code=code,
        )
        sites = (
            Site.objects.restrict(user, "view")
            .filter(park=park)
            .select_related("enterprise", "region")
            .order_by("enterprise__name", "name")
        )
        context = {
            "park": park,
            "object": park,
            "spans": park.spans.order_by("path"),
            "parts": Park.objects.restrict(user, "view").filter(parent=park).order_by("code"),
            "sites_page": paginate(request, sites, per_page=25),
            "can_change": can(user, park, "change"),
            "can_delete": can(user, park, "delete"),
            "history": record_history(request, park),
        }
        return render(request, "geo/park_detail.html", context)


class ParkEditView(RestrictedEditView):
    model = Park
    form_class = ParkForm
    template_name = "geo/park_form.html"
    lookup_field = lookup_kwarg = "code"

    def success_url(self, obj):
        return reverse("geo:park_detail", args=[obj.code])


class ParkDeleteView(RestrictedDeleteView):
    model = Park
    lookup_field = lookup_kwarg = "code"
    success_url = reverse_lazy("geo:park_list")

    def cancel_context(self, obj):
        return {"cancel_url": reverse("geo:park_detail", args=[obj.code])}


class RegionExportView(XlsxExportMixin, RegionListView):
    sheet_title = _("Regions")
    export_filename = "regions"

    def export_columns(self):
        from clusterhub.tabular.export import ExportColumn

        return [
            ExportColumn("代码", "Code", "code"),
            ExportColumn("名称", "Name", "name", width=30),
            ExportColumn("英文名称", "English name", "name_en", width=30),
            ExportColumn("拼音", "Pinyin", "pinyin", width=24),
            ExportColumn("级别", "Level", lambda r: r.get_level_display()),
            ExportColumn("上级代码", "Parent code", "parent.code"),
            ExportColumn("经度", "Longitude", "longitude"),
            ExportColumn("纬度", "Latitude", "latitude"),
            ExportColumn("坐标系", "Datum", "datum"),
            ExportColumn("坐标来源", "Coordinate source", "coordinate_source"),
        ]


class ParkExportView(XlsxExportMixin, ParkListView):
    sheet_title = _("Parks and zones")
    export_filename = "parks"

    def export_columns(self):
        from clusterhub.tabular.export import ExportColumn

        return [
            ExportColumn("代码", "Code", "code"),
            ExportColumn("名称", "Name", "name", width=36),
            ExportColumn("英文名称", "English name", "name_en", width=36),
            ExportColumn("简称", "Short name", "short_name"),
            ExportColumn("类型", "Kind", lambda p: p.get_kind_display()),
            ExportColumn("管理区划代码", "Region code", "region.code"),
            ExportColumn("管理区划", "Administered by", "region.name"),
            ExportColumn(
                "覆盖区域", "Areas spanned", lambda p: [r.code for r in p.spans.all()], width=30
            ),
            ExportColumn("面积（平方公里）", "Area (km²)", "area_km2"),
            ExportColumn("主导产业", "Leading industries", "leading_industries", width=36),
            ExportColumn("厂区数", "Sites", "n_sites"),
        ]
