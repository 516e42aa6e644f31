"""Enterprise and site pages: search and filter lists, details, edits through the services."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
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
from .forms import AliasFormSet, EnterpriseFilterForm, EnterpriseForm, SiteFilterForm, SiteForm
from .models import Capability, Certification, Enterprise, EnterpriseAlias, Site
from .services import delete_enterprise, delete_site, save_enterprise, save_site

SUPPLY_LINKS_SHOWN = 25


class EnterpriseListView(FilteredListView):
    model = Enterprise
    filter_form_class = EnterpriseFilterForm
    filter_function = filters.filter_enterprises
    sort_fields = {
        "name": ("pinyin", "name"),
        "kind": ("kind", "pinyin"),
        "region": ("home_region__path", "pinyin"),
        "ownership": ("ownership", "pinyin"),
        "size": ("size", "pinyin"),
        "founded": ("founded",),
        "updated": ("updated",),
    }
    default_sort = "name"
    template_name = "enterprises/enterprise_list.html"
    select_related = ("home_region__parent", "group")

    def extra_context(self):
        access = get_access(self.request.user)
        return {
            "can_create": access.is_superuser or bool(access.region_paths(2)),
            "export_url": reverse("enterprises:export"),
        }


class EnterpriseDetailView(LoginRequiredMixin, View):
    def get(self, request, public_id):
        from clusterhub.chain.models import SupplyLink

        user = request.user
        enterprise = (
            Enterprise.objects.restrict(user, "view")
            .select_related("home_region")
            .filter(public_id=public_id)
            .first()
        )
        if enterprise is None:
            # The id of a record merged into another (entity resolution) keeps answering.
            from clusterhub.resolution.services import visible_record_for

            survivor = visible_record_for(user, public_id)
            if survivor is None or survivor.public_id == public_id:
                raise Http404
            return redirect(survivor.get_absolute_url())
        visible = Enterprise.objects.restrict(user, "view")
        group = visible.filter(pk=enterprise.group_id).first() if enterprise.group_id else None
        subsidiaries = visible.filter(group=enterprise).select_related("home_region")
        sites = (
            Site.objects.restrict(user, "view")
            .filter(enterprise=enterprise)
            .select_related("region", "park")
            .order_by("kind", "name")
        )
        today = timezone.localdate()
        certifications = list(
            Certification.objects.restrict(user, "view")
            .filter(enterprise=enterprise)
            .select_related("site")
            .order_by("standard", "-valid_until")
        )
        for cert in certifications:
            cert.valid_today = cert.is_valid_on(today)
        capabilities = (
            Capability.objects.restrict(user, "view")
            .filter(site__enterprise=enterprise)
            .select_related("chain_node__parent", "site")
            .order_by("chain_node__path", "site__name")
        )
        links = SupplyLink.objects.restrict(user, "view").select_related(
            "supplier", "customer", "chain_node", "supplier_site", "customer_site"
        )
        sales = links.filter(supplier=enterprise)
        purchases = links.filter(customer=enterprise)
        context = {
            "enterprise": enterprise,
            "object": enterprise,
            "aliases": enterprise.aliases.order_by("kind", "name"),
            "group": group,
            "subsidiaries": subsidiaries,
            "sites": sites,
            "certifications": certifications,
            "capabilities": capabilities,
            "sales": sales.order_by("-year", "-annual_value")[:SUPPLY_LINKS_SHOWN],
            "sales_summary": sales.aggregate(n=Count("pk"), total=Sum("annual_value")),
            "purchases": purchases.order_by("-year", "-annual_value")[:SUPPLY_LINKS_SHOWN],
            "purchases_summary": purchases.aggregate(n=Count("pk"), total=Sum("annual_value")),
            "links_shown": SUPPLY_LINKS_SHOWN,
            "can_change": can(user, enterprise, "change"),
            "can_delete": can(user, enterprise, "delete"),
            "history": record_history(
                request,
                enterprise,
                related=((EnterpriseAlias, "enterprise_id"), (Certification, "enterprise_id")),
            ),
        }
        return render(request, "enterprises/enterprise_detail.html", context)


class EnterpriseEditView(RestrictedEditView):
    model = Enterprise
    form_class = EnterpriseForm
    template_name = "enterprises/enterprise_form.html"
    lookup_field = lookup_kwarg = "public_id"

    def get_extra_forms(self, obj, data=None):
        initial = [{"name": a.name, "kind": a.kind} for a in obj.aliases.all()] if obj else []
        return {"aliases": AliasFormSet(data, initial=initial, prefix="aliases")}

    def save(self, form, aliases=None):
        enterprise = form.save(commit=False)
        rows = [
            (row["name"], row["kind"])
            for row in aliases.cleaned_data
            if row and row.get("name") and not row.get("DELETE")
        ]
        return save_enterprise(enterprise=enterprise, aliases=rows)


class EnterpriseDeleteView(RestrictedDeleteView):
    model = Enterprise
    lookup_field = lookup_kwarg = "public_id"
    success_url = reverse_lazy("enterprises:list")

    def delete(self, obj):
        delete_enterprise(enterprise=obj)


class SiteListView(FilteredListView):
    model = Site
    filter_form_class = SiteFilterForm
    filter_function = filters.filter_sites
    sort_fields = {
        "name": ("name",),
        "enterprise": ("enterprise__pinyin", "name"),
        "kind": ("kind", "name"),
        "region": ("region__path", "name"),
        "park": ("park__code", "name"),
        "capacity": ("capacity",),
    }
    default_sort = "enterprise"
    template_name = "enterprises/site_list.html"
    select_related = ("enterprise", "region", "park")

    def extra_context(self):
        enterprise = None
        public_id = self.request.GET.get("enterprise")
        if public_id:
            enterprise = (
                Enterprise.objects.restrict(self.request.user, "view")
                .filter(public_id=public_id)
                .first()
            )
        return {"for_enterprise": enterprise, "export_url": reverse("enterprises:site_export")}


class SiteDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from clusterhub.chain.models import SupplyLink

        user = request.user
        site = get_object_or_404(
            Site.objects.restrict(user, "view").select_related(
                "enterprise", "region__parent", "park"
            ),
            pk=pk,
        )
        today = timezone.localdate()
        certifications = list(
            Certification.objects.restrict(user, "view").filter(site=site).order_by("standard")
        )
        for cert in certifications:
            cert.valid_today = cert.is_valid_on(today)
        links = SupplyLink.objects.restrict(user, "view").select_related(
            "supplier", "customer", "chain_node", "customer_site", "supplier_site"
        )
        sales = links.filter(supplier_site=site)
        purchases = links.filter(customer_site=site)
        context = {
            "site": site,
            "object": site,
            "capabilities": Capability.objects.restrict(user, "view")
            .filter(site=site)
            .select_related("chain_node__parent")
            .order_by("chain_node__path"),
            "certifications": certifications,
            "sales": sales.order_by("-year", "-annual_value")[:SUPPLY_LINKS_SHOWN],
            "sales_summary": sales.aggregate(n=Count("pk"), total=Sum("annual_value")),
            "purchases": purchases.order_by("-year", "-annual_value")[:SUPPLY_LINKS_SHOWN],
            "purchases_summary": purchases.aggregate(n=Count("pk"), total=Sum("annual_value")),
            "links_shown": SUPPLY_LINKS_SHOWN,
            "can_change": can(user, site, "change"),
            "can_delete": can(user, site, "delete"),
            "history": record_history(request, site, related=((Capability, "site_id"),)),
        }
        return render(request, "enterprises/site_detail.html", context)


class SiteEditView(RestrictedEditView):
    model = Site
    form_class = SiteForm
    template_name = "enterprises/site_form.html"

    def get_enterprise(self):
        """On create: the enterprise from the URL, which the user must be allowed to change."""
        if not hasattr(self, "_enterprise"):
            self._enterprise = get_object_or_404(
                Enterprise.objects.restrict(self.request.user, "change"),
                public_id=self.kwargs["public_id"],
            )
        return self._enterprise

    def check_create(self):
        self.get_enterprise()

    def get_form_kwargs(self, obj):
        kwargs = super().get_form_kwargs(obj)
        if obj is None:
            enterprise = self.get_enterprise()
            kwargs["instance"] = Site(enterprise=enterprise)
            kwargs["enterprise"] = enterprise
        return kwargs

    def extra_context(self, obj):
        return {"enterprise": obj.enterprise if obj else self.get_enterprise()}

    def save(self, form, **extra_forms):
        return save_site(site=form.save(commit=False))


class SiteDeleteView(RestrictedDeleteView):
    model = Site

    def cancel_context(self, obj):
        return {"cancel_url": obj.get_absolute_url()}

    def delete(self, obj):
        self.success_url = obj.enterprise.get_absolute_url()
        delete_site(site=obj)


def _enterprise_columns():
    from clusterhub.tabular.export import ExportColumn

    return [
        ExportColumn("企业编号", "Public id", "public_id", width=13),
        ExportColumn("企业名称", "Registered name", "name", width=40),
        ExportColumn("英文名称", "English name", "name_en", width=40),
        ExportColumn("简称", "Short name", "short_name"),
        ExportColumn("统一社会信用代码", "Unified social credit code", "credit_code", width=22),
        ExportColumn("类型", "Kind", lambda e: e.get_kind_display()),
        ExportColumn("所有制", "Ownership", lambda e: e.get_ownership_display()),
        ExportColumn("规模", "Size", lambda e: e.get_size_display()),
        ExportColumn("所属集团", "Parent group", "group.name", width=30),
        ExportColumn("注册地代码", "Region code", "home_region.code"),
        ExportColumn("注册地", "Registered in", "home_region.name"),
        ExportColumn("股票代码", "Stock code", "stock_code"),
        ExportColumn("成立日期", "Founded", "founded"),
        ExportColumn("员工人数", "Employees", "employees"),
        ExportColumn("年营业收入", "Annual revenue", "annual_revenue", unit="万元"),
        ExportColumn("网站", "Website", "website"),
        ExportColumn("密级", "Confidentiality", lambda e: e.get_confidentiality_display()),
        ExportColumn("来源", "Source", "source", width=30),
        ExportColumn("合成数据", "Synthetic", "is_synthetic"),
    ]


def _site_columns():
    from clusterhub.tabular.export import ExportColumn

    return [
        ExportColumn("企业编号", "Enterprise id", "enterprise.public_id", width=13),
        ExportColumn("企业名称", "Enterprise", "enterprise.name", width=36),
        ExportColumn("厂区代码", "Site code", "code"),
        ExportColumn("厂区名称", "Site", "name", width=36),
        ExportColumn("类型", "Kind", lambda s: s.get_kind_display()),
        ExportColumn("行政区划代码", "Region code", "region.code"),
        ExportColumn("行政区划", "Region", "region.name"),
        ExportColumn("园区代码", "Park code", "park.code"),
        ExportColumn("园区", "Park", "park.name", width=30),
        ExportColumn("地址", "Address", "address", width=40),
        ExportColumn("经度", "Longitude", "longitude"),
        ExportColumn("纬度", "Latitude", "latitude"),
        ExportColumn("坐标系", "Datum", "datum"),
        ExportColumn("年产能", "Annual capacity", "capacity"),
        ExportColumn("产能单位", "Capacity unit", "capacity_unit"),
    ]


class EnterpriseExportView(XlsxExportMixin, EnterpriseListView):
    sheet_title = _("Enterprises")
    export_filename = "enterprises"

    def export_columns(self):
        return _enterprise_columns()


class SiteExportView(XlsxExportMixin, SiteListView):
    sheet_title = _("Sites")
    export_filename = "sites"

    def export_columns(self):
        return _site_columns()
