"""Chain analytics pages: chain map, gap list, city roles, OEM sourcing, dependency, site map.

Every page reads the cached analytics through chain.services (nothing is computed here) and every
table downloads as XLSX with ?format=xlsx. Numbers are shown as officers read them: money in 亿元
(millions of yuan on English pages), rates in percent with one decimal.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.units import format_percent as percent
from clusterhub.core.views import LoginRequiredMixin
from clusterhub.enterprises.choices import EnterpriseKind
from clusterhub.enterprises.models import Enterprise
from clusterhub.geo.models import Region
from clusterhub.tabular.export import ExportColumn, export_xlsx

from . import services
from .analytics.report import class_label
from .models import ChainNode

CLASS_COLOURS = {
    "missing": "#c5221f",
    "weak": "#d97706",
    "single_source": "#7c3aed",
    "strong": "#1e8e3e",
    None: "#9aa5b1",
}
TABS = [
    ("index", gettext_lazy("Chain map"), "diagram-3"),
    ("gaps", gettext_lazy("Gap list"), "exclamation-triangle"),
    ("cities", gettext_lazy("City roles"), "grid-3x3"),
    ("oems", gettext_lazy("OEM sourcing"), "truck"),
    ("dependency", gettext_lazy("Dependency"), "diagram-2"),
    ("map", gettext_lazy("Site map"), "geo-alt"),
]


def display(ref) -> str:
    """The name in the page's language (English when there is one on English pages)."""
    if not ref:
        return "—"
    if (get_language() or "").startswith("en") and ref.get("name_en"):
        return ref["name_en"]
    return ref.get("name") or "—"


def _default_region(user) -> str:
    """The user's own area if they are government staff, else the top of the tree (Jilin)."""
    access = get_access(user)
    paths = access.region_paths()
    if paths:
        code = paths[0].rstrip("/").split("/")[-1]
        if Region.objects.filter(code=code).exists():
            return code
    region = Region.objects.filter(parent=None).order_by("code").first()
    return region.code if region else ""


class Filters:
    """The scope every page shares: region, year, OEMs, thresholds (from the query string)."""

    def __init__(self, request):
        get = request.GET
        self.region = (get.get("region") or _default_region(request.user)).strip()
        try:
            self.year = int(get["year"]) if get.get("year") else None
        except ValueError:
            self.year = None
        self.oems = [o for o in get.getlist("oem") if o.strip()]
        self.weak = get.get("weak") or None
        self.single = get.get("single_source") or None

    def report_kwargs(self) -> dict:
        return {
            "region_code": self.region,
            "year": self.year,
            "oems": self.oems or None,
            "weak_threshold": self.weak,
            "single_source_threshold": self.single,
        }


class AnalyticsPage(LoginRequiredMixin, View):
    tab = "index"
    template = ""

    def get(self, request, **kwargs):
        filters = Filters(request)
        try:
            context = self.build(request, filters, **kwargs)
        except services.AnalyticsNotReady:
            return render(
                request,
                "chain/analytics/pending.html",
                self.common(request, filters, {}),
                status=200,
            )
        except PermissionDenied:
            raise
        except services.AnalyticsError as exc:
            return render(
                request,
                "chain/analytics/error.html",
                self.common(request, filters, {"error": str(exc)}),
                status=404 if isinstance(exc, services.AnalyticsNotFound) else 400,
            )
        if not isinstance(context, dict):
            return context  # a download
        return render(request, self.template, self.common(request, filters, context))

    def build(self, request, filters, **kwargs) -> dict:  # pragma: no cover - overridden
        raise NotImplementedError

    def common(self, request, filters: Filters, context: dict) -> dict:
        access = get_access(request.user)
        regions = Region.objects.exclude(level="county").order_by("path")
        oems = (
            Enterprise.objects.restrict(request.user, "view")
            .filter(kind=EnterpriseKind.OEM)
            .order_by("name")
        )
        return {
            "tabs": [
                {"name": name, "label": label, "icon": icon, "active": name == self.tab}
                for name, label, icon in TABS
            ],
            "filters": filters,
            "regions": regions,
            "oem_choices": oems,
            "may_refresh": access.is_data_steward()
            or (access.is_government and bool(access.region_paths(2))),
            "query": request.GET.urlencode(),
            "region_name": display(
                (context.get("report") or context.get("roles") or {}).get("region")
            ),
            **context,
        }


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _rate_columns(prefix: str = "") -> list[ExportColumn]:
    get = (lambda key: lambda r: r[prefix][key]) if prefix else (lambda key: key)
    return [
        ExportColumn("采购额", "Purchases", get("value_total"), unit="万元"),
        ExportColumn("本地采购额", "Bought locally", get("value_local"), unit="万元"),
        ExportColumn(
            "本地配套率（金额）",
            "Local rate (value)",
            lambda r: percent((r[prefix] if prefix else r)["rate_value"]),
        ),
        ExportColumn("供货关系数", "Supply links", get("count_total")),
        ExportColumn("本地供货关系数", "Local links", get("count_local")),
        ExportColumn(
            "本地配套率（数量）",
            "Local rate (count)",
            lambda r: percent((r[prefix] if prefix else r)["rate_count"]),
        ),
    ]


def _decorate_node(node: dict) -> dict:
    node["display"] = display(node)
    node["rate_display"] = percent(node["rate_value"])
    node["colour"] = CLASS_COLOURS.get(node["class"])
    return node


def _tree(nodes: list[dict], region: str, year, query: str) -> list[dict]:
    """Nested data for the ECharts tree: colour by gap class, size by purchases."""
    by_parent: dict = {}
    for node in nodes:
        by_parent.setdefault(node["parent_id"], []).append(node)

    def build(node):
        rate = node["rate_display"]
        children = [build(c) for c in by_parent.get(node["id"], [])]
        return {
            "name": node["display"],
            "code": node["code"],
            "value": float(Decimal(node["value_total"]) / Decimal(100_000_000)),
            "rate": rate,
            "label": class_label(node["class"]),
            "itemStyle": {"color": node["colour"], "borderColor": node["colour"]},
            "url": reverse("chain_analytics:node", args=[node["code"]]) + f"?{query}",
            "children": children,
            "collapsed": node["depth"] >= 1 and bool(children),
        }

    return [build(n) for n in by_parent.get(None, [])]


def _rooted_tree(report: dict, nodes: list[dict], query: str) -> dict:
    """ECharts draws one tree: the region on top, the segments under it."""
    rate = report["rate"]
    return {
        "name": display(report["region"]),
        "code": "",
        "value": float(Decimal(rate["value_total"]) / Decimal(100_000_000)),
        "rate": percent(rate["rate_value"]),
        "label": _("Local sourcing rate"),
        "itemStyle": {"color": "#1f4e8c", "borderColor": "#1f4e8c"},
        "url": "",
        "children": _tree(nodes, report["region"]["code"], report["year"], query),
    }


class IndexView(AnalyticsPage):
    """The chain map: the region's rate, its trend and every node coloured by its gap class."""

    tab = "index"
    template = "chain/analytics/index.html"

    def build(self, request, filters, **kwargs):
        report = services.chain_report(user=request.user, **filters.report_kwargs())
        nodes = [_decorate_node(n) for n in report["by_node"]]
        query = request.GET.urlencode()
        chart = {
            "tree": [_rooted_tree(report, nodes, query)],
            "trend": {
                "years": [y["year"] for y in report["trend"]["years"]],
                "rates": [
                    round(y["rate_value"] * 100, 1) if y["rate_value"] is not None else None
                    for y in report["trend"]["years"]
                ],
            },
        }
        return {
            "report": report,
            "rate_value": percent(report["rate"]["rate_value"]),
            "rate_count": percent(report["rate"]["rate_count"]),
            "gap_counts": _gap_counts(nodes),
            "chart_data": chart,
            "legend": [(class_label(c), CLASS_COLOURS[c]) for c in CLASS_COLOURS],
        }


def _gap_counts(nodes) -> list[dict]:
    counts = {}
    for node in nodes:
        if node["class"]:
            counts[node["class"]] = counts.get(node["class"], 0) + 1
    return [
        {"class": c, "label": class_label(c), "count": counts.get(c, 0), "colour": CLASS_COLOURS[c]}
        for c in ("missing", "weak", "single_source", "strong")
    ]


GAP_COLUMNS = [
    ExportColumn("编码", "Code", "code", width=18),
    ExportColumn("产业链环节", "Chain node", "name", width=28),
    ExportColumn("英文名称", "English name", "name_en", width=28),
    ExportColumn("层级", "Depth", "depth"),
    ExportColumn("短板类型", "Gap", "class_label"),
    ExportColumn("未满足采购额", "Bought from outside", "unmet", unit="万元"),
    *_rate_columns(),
    ExportColumn("原因", "Reason", "reason", width=70),
]


class GapsView(AnalyticsPage):
    """The gap list (短板清单): missing, weak and single-source nodes by unmet value."""

    tab = "gaps"
    template = "chain/analytics/gaps.html"

    def build(self, request, filters, **kwargs):
        report = services.chain_report(user=request.user, **filters.report_kwargs())
        gap_class = request.GET.get("class") or ""
        try:
            depth = int(request.GET["depth"]) if request.GET.get("depth") else None
        except ValueError:
            depth = None
        gaps = [
            _decorate_node(g)
            for g in report["gaps"]
            if (not gap_class or g["class"] == gap_class) and (depth is None or g["depth"] == depth)
        ]
        if wants_xlsx(request):
            title = _("Gap list of %(region)s, %(year)s") % {
                "region": display(report["region"]),
                "year": report["year"],
            }
            return export_xlsx(gaps, GAP_COLUMNS, "短板清单", filename="gaps", title=title)
        return {
            "report": report,
            "gaps": gaps,
            "gap_class": gap_class,
            "depth": depth,
            "class_choices": [(c, class_label(c)) for c in ("missing", "weak", "single_source")],
            "depths": sorted({n["depth"] for n in report["by_node"]}),
        }


class CitiesView(AnalyticsPage):
    """City roles: the heatmap of location quotients, child area x segment or chain link."""

    tab = "cities"
    template = "chain/analytics/cities.html"

    def build(self, request, filters, **kwargs):
        kind = request.GET.get("kind") if request.GET.get("kind") in ("segment", "node") else None
        roles = services.chain_city_roles(
            user=request.user, region_code=filters.region, year=filters.year, kind=kind or "node"
        )
        from .choices import Segment

        segment_labels = dict(Segment.choices)
        keys = []
        for key in roles["keys"]:
            label = (
                str(segment_labels.get(key["key"], key["key"]))
                if roles["kind"] == "segment"
                else display(key)
            )
            keys.append({**key, "label": label})
        cities = [{**c, "label": display(c)} for c in roles["cities"]]
        index_city = {c["id"]: i for i, c in enumerate(cities)}
        index_key = {k["key"]: i for i, k in enumerate(keys)}
        rows = [
            {
                "city": cities[index_city[cell["child"]]]["label"],
                "key": keys[index_key[cell["key"]]]["label"],
                "value": cell["value"],
                "lq": cell["lq"],
            }
            for cell in roles["cells"]
        ]
        if wants_xlsx(request):
            columns = [
                ExportColumn("地区", "Area", "city", width=16),
                ExportColumn("产业链环节", "Chain link", "key", width=28),
                ExportColumn("销售额", "Sales", "value", unit="万元"),
                ExportColumn("区位熵", "Location quotient", "lq"),
            ]
            return export_xlsx(rows, columns, "城市分工", filename="city-roles")
        chart = {
            "cities": [c["label"] for c in cities],
            "keys": [k["label"] for k in keys],
            "cells": [
                [index_key[c["key"]], index_city[c["child"]], c["lq"]]
                for c in roles["cells"]
                if c["lq"] is not None
            ],
        }
        strong = [
            {
                "city": cities[index_city[int(child)]]["label"],
                "keys": [
                    f"{keys[index_key[c['key']]]['label']} ({c['lq']:.2f})" for c in cells[:5]
                ],
            }
            for child, cells in roles["strong"].items()
        ]
        return {"roles": roles, "rows": rows, "chart_data": chart, "strong": strong}


class OemsView(AnalyticsPage):
    """The OEM sourcing breakdown: each OEM's local rate, the supplier cities, the trend."""

    tab = "oems"
    template = "chain/analytics/oems.html"

    def build(self, request, filters, **kwargs):
        report = services.chain_report(user=request.user, **filters.report_kwargs())
        oems = [
            {**r, "name": display(r["oem"]), "rate_display": percent(r["rate_value"])}
            for r in report["by_oem"]
        ]
        cities = [
            {
                **c,
                "name": display(c["city"]) if c["city"] else _("Unknown location"),
                "share_display": percent(c["share"]),
            }
            for c in report["by_city"]
        ]
        table = request.GET.get("table")
        if wants_xlsx(request):
            if table == "cities":
                columns = [
                    ExportColumn("供应商所在城市", "Supplier city", "name", width=20),
                    ExportColumn("本地", "Local", lambda r: "是" if r["local"] else "否"),
                    ExportColumn("采购额", "Purchases", "value_total", unit="万元"),
                    ExportColumn("占比", "Share", "share_display"),
                    ExportColumn("供货关系数", "Supply links", "count_total"),
                ]
                return export_xlsx(cities, columns, "供应商城市", filename="supplier-cities")
            if table == "years":
                columns = [ExportColumn("年份", "Year", "year"), *_rate_columns()]
                return export_xlsx(
                    report["trend"]["years"], columns, "逐年本地配套率", filename="trend"
                )
            columns = [ExportColumn("整车企业", "OEM", "name", width=30), *_rate_columns()]
            return export_xlsx(oems, columns, "整车企业本地配套", filename="oem-sourcing")
        chart = {
            "oems": [o["name"] for o in oems],
            "rates": [round((o["rate_value"] or 0) * 100, 1) for o in oems],
            "years": [y["year"] for y in report["trend"]["years"]],
            "trend": [
                round(y["rate_value"] * 100, 1) if y["rate_value"] is not None else None
                for y in report["trend"]["years"]
            ],
        }
        years = [{**y, "rate_display": percent(y["rate_value"])} for y in report["trend"]["years"]]
        return {
            "report": report,
            "oems": oems,
            "cities": cities,
            "years_table": years,
            "chart_data": chart,
            "rate_value": percent(report["rate"]["rate_value"]),
        }


class DependencyView(AnalyticsPage):
    """The dependency explorer: who depends on one supplier, through every tier."""

    tab = "dependency"
    template = "chain/analytics/dependency.html"

    def build(self, request, filters, **kwargs):
        from clusterhub.enterprises.services import search_enterprises

        q = (request.GET.get("q") or "").strip()
        supplier = (request.GET.get("supplier") or "").strip()
        visible = Enterprise.objects.restrict(request.user, "view")
        candidates = []
        if q and not supplier:
            candidates = list(search_enterprises(visible, q).order_by("name")[:30])
            if len(candidates) == 1:
                supplier = candidates[0].public_id
        context = {"q": q, "candidates": candidates, "answer": None, "supplier": None}
        if not supplier:
            if not q:  # nobody in mind yet: start from the suppliers most others buy from
                context["suggestions"] = services.suppliers_most_depended_on(
                    user=request.user, year=filters.year
                )
            return context
        chosen = visible.filter(public_id=supplier).first()
        if chosen is None:
            raise services.AnalyticsNotFound(
                _("Unknown enterprise id: %(ids)s.") % {"ids": supplier}
            )
        answer = services.chain_dependency(user=request.user, year=filters.year, supplier=supplier)
        from clusterhub.enterprises.models import Site

        site_names = {
            site.pk: site.display_name
            for site in Site.objects.restrict(request.user, "view").filter(
                pk__in=[p["site_id"] for p in answer["plants"] if p["site_id"]]
            )
        }
        plants = [
            {
                **p,
                "name": display(p["oem"]),
                "plant": site_names.get(p["site_id"], "—"),
                "share_display": percent(p["share_at_risk"]),
            }
            for p in answer["plants"]
        ]
        if wants_xlsx(request):
            columns = [
                ExportColumn("整车企业", "OEM", "name", width=30),
                ExportColumn("工厂", "Plant", "plant", width=30),
                ExportColumn("层级", "Tier", "tier"),
                ExportColumn("采购额", "Purchases", "value_total", unit="万元"),
                ExportColumn("受影响采购额", "At risk", "value_at_risk", unit="万元"),
                ExportColumn("直接采购额", "Bought directly", "value_direct", unit="万元"),
                ExportColumn("受影响比例", "Share at risk", "share_display"),
            ]
            return export_xlsx(plants, columns, "依赖分析", filename="dependency")
        upstream = None
        if chosen.kind == EnterpriseKind.OEM:
            upstream = services.chain_upstream(
                user=request.user,
                enterprise=chosen.public_id,
                year=filters.year,
                region_code=filters.region,
            )
        chart = {
            "plants": [p["name"] for p in plants[:30]],
            "shares": [round((p["share_at_risk"] or 0) * 100, 1) for p in plants[:30]],
        }
        context.update(
            {
                "supplier": chosen,
                "answer": answer,
                "plants": plants,
                "upstream": upstream,
                "chart_data": chart,
            }
        )
        if not plants:  # a dead end: offer suppliers whose failure would reach someone
            context["suggestions"] = services.suppliers_most_depended_on(
                user=request.user, year=filters.year
            )
        return context


class NodeView(AnalyticsPage):
    """One node in the region: its gap, the suppliers selling it and the OEMs buying it (a panel
    of the chain map when asked by htmx, a page otherwise)."""

    tab = "index"
    template = "chain/analytics/node.html"

    def build(self, request, filters, code=None):
        detail = services.chain_node_enterprises(
            user=request.user,
            node_code=code,
            region_code=filters.region,
            year=filters.year,
            oems=filters.oems or None,
        )
        node = _decorate_node(detail["node"])
        rows = [
            {**r, "name": display(r["enterprise"]), "share": percent(r["local_share"]), "role": who}
            for who, key in ((_("Supplier"), "suppliers"), (_("OEM"), "oems"))
            for r in detail[key]
        ]
        if wants_xlsx(request):
            columns = [
                ExportColumn("角色", "Role", "role"),
                ExportColumn("企业", "Enterprise", "name", width=32),
                ExportColumn("采购额", "Purchases", "value", unit="万元"),
                ExportColumn("本地部分", "Of it local", "value_local", unit="万元"),
                ExportColumn("本地比例", "Local share", "share"),
                ExportColumn("供货关系数", "Supply links", "links"),
            ]
            return export_xlsx(rows, columns, node["code"], filename=f"node-{node['code']}")
        if request.headers.get("HX-Request"):
            self.template = "chain/analytics/_node_panel.html"
        return {
            "detail": detail,
            "node": node,
            "suppliers": [r for r in rows if r["role"] == _("Supplier")],
            "oems": [r for r in rows if r["role"] == _("OEM")],
        }


class MapView(AnalyticsPage):
    """A point map of the region (Jilin by default) with the sites that make a chain node."""

    tab = "map"
    template = "chain/analytics/map.html"

    def build(self, request, filters, **kwargs):
        nodes = ChainNode.objects.restrict(request.user, "view").order_by("path")
        code = request.GET.get("node") or (nodes.first().code if nodes.exists() else "")
        if not code:
            return {"nodes": nodes, "node_code": "", "points": None}
        points = services.chain_node_sites(
            user=request.user, node_code=code, region_code=filters.region, year=filters.year
        )
        rows = [
            {
                "site": s["name"],
                "enterprise": display(s["enterprise"]),
                "region": display(s["region"]),
                "longitude": s["longitude"],
                "latitude": s["latitude"],
                "datum": s["datum"],
            }
            for s in points["sites"]
        ]
        if wants_xlsx(request):
            columns = [
                ExportColumn("工厂", "Site", "site", width=30),
                ExportColumn("企业", "Enterprise", "enterprise", width=30),
                ExportColumn("地区", "Region", "region"),
                ExportColumn("经度", "Longitude", "longitude"),
                ExportColumn("纬度", "Latitude", "latitude"),
                ExportColumn("坐标系", "Datum", "datum"),
            ]
            return export_xlsx(rows, columns, "产业链环节企业分布", filename=f"sites-{code}")
        chart = {
            "sites": [
                {
                    "name": r["enterprise"],
                    "site": r["site"],
                    "value": [r["longitude"], r["latitude"]],
                }
                for r in rows
            ],
            "areas": [
                {"name": display(a), "value": [a["longitude"], a["latitude"]]}
                for a in points["areas"]
            ],
        }
        return {
            "nodes": nodes,
            "node_code": code,
            "points": points,
            "rows": rows,
            "chart_data": chart,
            "node_name": display(points["node"]),
        }


class RefreshView(LoginRequiredMixin, View):
    """Ask for a recompute now (data stewards and government officers)."""

    def post(self, request):
        access = get_access(request.user)
        if not (access.is_data_steward() or (access.is_government and access.region_paths(2))):
            raise PermissionDenied
        services.request_refresh()
        messages.success(request, _("A recompute has been requested; it takes a minute."))
        return redirect(request.POST.get("next") or reverse("chain_analytics:index"))
