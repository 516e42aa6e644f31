"""The industry-chain taxonomy browser: the bilingual tree by segment, node pages, search."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.views import (
    FilteredListView,
    LoginRequiredMixin,
    RestrictedDeleteView,
    RestrictedEditView,
    can,
    paginate,
    record_history,
)

from . import filters
from .choices import Segment
from .forms import ChainNodeFilterForm, ChainNodeForm
from .models import ChainNode, SupplyLink


def enterprise_counts(user) -> dict[str, int]:
    """Visible enterprises able to make each node or anything below it, by node path."""
    from clusterhub.enterprises.models import Capability

    pairs = (
        Capability.objects.restrict(user, "view")
        .values_list("chain_node__path", "site__enterprise_id")
        .distinct()
    )
    holders: dict[str, set] = defaultdict(set)
    for path, enterprise_id in pairs:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            holders["/".join(parts[:depth]) + "/"].add(enterprise_id)
    return {path: len(ids) for path, ids in holders.items()}


def node_tree(nodes, counts) -> list[dict]:
    by_pk = {n.pk: {"node": n, "count": counts.get(n.path, 0), "children": []} for n in nodes}
    roots = []
    for node in nodes:  # ordered by path: parents come first
        item = by_pk[node.pk]
        parent = by_pk.get(node.parent_id)
        (parent["children"] if parent else roots).append(item)
    for item in by_pk.values():
        item["children"].sort(key=lambda i: (i["node"].sort_order, i["node"].code))
    roots.sort(key=lambda i: (i["node"].sort_order, i["node"].code))
    return roots


def _echarts_data(items) -> list[dict]:
    return [
        {
            "name": item["node"].display_name,
            "value": item["count"],
            "code": item["node"].code,
            "children": _echarts_data(item["children"]),
        }
        for item in items
    ]


class ChainIndexView(FilteredListView):
    """Without filters: the whole tree by segment. With filters: the matching nodes."""

    model = ChainNode
    filter_form_class = ChainNodeFilterForm
    filter_function = filters.filter_chain_nodes
    sort_fields = {
        "path": ("path",),
        "name": ("name",),
        "segment": ("segment", "path"),
        "code": ("code",),
    }
    default_sort = "path"
    template_name = "chain/index.html"
    select_related = ("parent",)
    prefetch_related = ("codes",)

    def extra_context(self):
        user = self.request.user
        counts = enterprise_counts(user)
        nodes = list(ChainNode.objects.restrict(user, "view").order_by("path"))
        tree = node_tree(nodes, counts)
        segments = []
        for value, label in Segment.choices:
            roots = [item for item in tree if item["node"].segment == value]
            segments.append({"value": value, "label": label, "roots": roots})
        access = get_access(user)
        parts = [s for s in segments if s["value"] == Segment.PARTS]
        others = [s for s in segments if s["value"] != Segment.PARTS]
        return {
            "segments": segments,
            "segment_columns": [parts, others],
            "counts": counts,
            "node_total": len(nodes),
            "echarts_tree": {"name": str(_root_label()), "children": _echarts_data(tree)},
            "can_create": access.is_superuser or access.is_data_steward(),
        }


def _root_label():
    from django.utils.translation import gettext_lazy as _

    return _("Automotive industry chain")


class ChainNodeDetailView(LoginRequiredMixin, View):
    def get(self, request, code):
        from clusterhub.enterprises.models import Capability, Enterprise

        user = request.user
        node = get_object_or_404(
            ChainNode.objects.restrict(user, "view").select_related("parent"), code=code
        )
        ancestors = []
        parent = node.parent
        while parent is not None:
            ancestors.insert(0, parent)
            parent = parent.parent
        counts = enterprise_counts(user)
        children = list(ChainNode.objects.restrict(user, "view").filter(parent=node))
        children.sort(key=lambda n: (n.sort_order, n.code))
        for child in children:
            child.enterprise_count = counts.get(child.path, 0)
        codes = defaultdict(list)
        for industry_code in node.codes.order_by("system", "code"):
            codes[industry_code.get_system_display()].append(industry_code)
        capabilities = Capability.objects.restrict(user, "view").filter(
            chain_node__path__startswith=node.path
        )
        enterprises = (
            Enterprise.objects.restrict(user, "view")
            .filter(pk__in=capabilities.values("site__enterprise_id"))
            .select_related("home_region")
            .order_by("pinyin", "name")
        )
        page = paginate(request, enterprises, per_page=25)
        products = defaultdict(list)
        for enterprise_id, node_name, product in capabilities.filter(
            site__enterprise_id__in=[e.pk for e in page.object_list]
        ).values_list("site__enterprise_id", "chain_node__name", "products"):
            products[enterprise_id].append(product or node_name)
        for enterprise in page.object_list:
            enterprise.node_products = sorted(set(products.get(enterprise.pk, [])))[:4]
        links = SupplyLink.objects.restrict(user, "view").filter(
            chain_node__path__startswith=node.path
        )
        latest_year = links.order_by("-year").values_list("year", flat=True).first()
        context = {
            "node": node,
            "object": node,
            "ancestors": ancestors,
            "children": children,
            "codes": dict(codes),
            "keywords": [k for k in node.keywords.split(";") if k.strip()],
            "page_obj": page,
            "enterprise_total": page.paginator.count,
            "latest_year": latest_year,
            "links_summary": links.filter(year=latest_year).aggregate(
                n=Count("pk"),
                total=Sum("annual_value"),
                suppliers=Count("supplier", distinct=True),
            )
            if latest_year
            else None,
            "can_change": can(user, node, "change"),
            "can_delete": can(user, node, "delete"),
            "history": record_history(request, node),
        }
        return render(request, "chain/node_detail.html", context)


class ChainNodeEditView(RestrictedEditView):
    model = ChainNode
    form_class = ChainNodeForm
    template_name = "chain/node_form.html"
    lookup_field = lookup_kwarg = "code"

    def check_create(self):
        access = get_access(self.request.user)
        if not (access.is_superuser or access.is_data_steward()):
            raise Http404

    def get_initial(self):
        parent = self.request.GET.get("parent")
        node = ChainNode.objects.filter(code=parent).first() if parent else None
        if self.creating and node is not None:
            return {"parent": node, "segment": node.segment}
        return {}

    def success_url(self, obj):
        return reverse("chain:node_detail", args=[obj.code])


class ChainNodeDeleteView(RestrictedDeleteView):
    model = ChainNode
    lookup_field = lookup_kwarg = "code"
    success_url = reverse_lazy("chain:index")

    def cancel_context(self, obj):
        return {"cancel_url": reverse("chain:node_detail", args=[obj.code])}
