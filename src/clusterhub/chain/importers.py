"""Supply-link lists imported through the shared engine (clusterhub.tabular).

One row: a supplier sells a chain node to a customer in a year, optionally from and to named
sites, with the annual value. A row updates the link with the same supplier, customer, node and
year; otherwise it creates one. Rights follow the supplier: whoever may change the supplier may
add and change its supply links.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.importers import CONFIDENTIALITY_ZH, EnterpriseLookup
from clusterhub.enterprises.models import Enterprise, Site
from clusterhub.tabular.columns import (
    AmountColumn,
    CellError,
    ChoiceColumn,
    IntegerColumn,
    Lookup,
    ReferenceColumn,
    TextColumn,
)
from clusterhub.tabular.engine import Importer

from .models import ChainNode, SupplyLink
from .services import save_supply_link


class ChainNodeLookup(Lookup):
    """Chain nodes by code, Chinese name or English name; the taxonomy is loaded once."""

    accepted = gettext_lazy("chain node code or name (from the chain taxonomy)")

    def __init__(self, ctx):
        super().__init__(ctx)
        if "chain_nodes" not in ctx.cache:
            by_key: dict[str, list[ChainNode]] = defaultdict(list)
            for node in ChainNode.objects.all():
                for key in {node.code.lower(), node.name, node.name_en.lower()}:
                    if key:
                        by_key[key].append(node)
            ctx.cache["chain_nodes"] = by_key
        self.by_key = ctx.cache["chain_nodes"]

    def resolve(self, key, row):
        key = key.strip()
        nodes = self.by_key.get(key) or self.by_key.get(key.lower()) or []
        if len(nodes) == 1:
            return nodes[0], ""
        if len(nodes) > 1:
            raise CellError(
                _("“%(key)s” names more than one chain node: use the node's code") % {"key": key}
            )
        raise CellError(_("unknown chain node “%(key)s”") % {"key": key})


class SupplyLinkImporter(Importer):
    kind = "supply-links"
    label = gettext_lazy("Supply links")
    model = SupplyLink

    columns = [
        ReferenceColumn(
            "supplier",
            "供应商",
            "Supplier",
            aliases=("供应商名称", "供方", "供货企业", "配套企业", "Supplier name"),
            required=True,
            lookup=EnterpriseLookup,
            example="富奥汽车零部件股份有限公司",
        ),
        TextColumn(
            "supplier_site",
            "供应商厂区",
            "Supplier site",
            aliases=("供货厂区", "供方厂区", "生产厂区"),
            help_text=gettext_lazy("Optional: the producing site, by name or site code."),
        ),
        ReferenceColumn(
            "customer",
            "客户",
            "Customer",
            aliases=("客户名称", "采购方", "需方", "Customer name", "Buyer"),
            required=True,
            lookup=EnterpriseLookup,
            example="一汽-大众汽车有限公司",
        ),
        TextColumn(
            "customer_site",
            "客户厂区",
            "Customer site",
            aliases=("需方厂区", "采购厂区"),
        ),
        ReferenceColumn(
            "chain_node",
            "产业链环节",
            "Chain node",
            aliases=("环节", "产品类别", "零部件类别", "产业链节点", "Node", "Chain node code"),
            required=True,
            lookup=ChainNodeLookup,
        ),
        IntegerColumn(
            "year",
            "年份",
            "Year",
            aliases=("年度", "供货年份"),
            required=True,
            min_value=1990,
            max_value=2100,
            suffixes=("年度", "年"),
            example="2024",
        ),
        AmountColumn(
            "annual_value",
            "年供货额",
            "Annual value",
            aliases=("供货额", "年配套额", "配套金额", "供货金额", "采购额", "金额", "Value"),
            unit="万元",
        ),
        ChoiceColumn(
            "confidentiality",
            "密级",
            "Confidentiality",
            aliases=("保密级别", "公开范围"),
            choices=Confidentiality,
            labels_zh=CONFIDENTIALITY_ZH,
        ),
        TextColumn("source", "数据来源", "Source", aliases=("来源",), max_length=200),
    ]

    def _natural(self, row):
        values = row.values
        parts = [values.get(k) for k in ("supplier", "customer", "chain_node", "year")]
        if any(p is None for p in parts):
            return None
        supplier, customer, node, year = parts
        return (supplier.pk, customer.pk, node.pk, year)

    def keys(self, row):
        natural = self._natural(row)
        if natural is None:
            return []
        values = row.values
        shown = f"{values['supplier']} → {values['customer']} · {values['chain_node']} · {values['year']}"
        return [("supplier", ("link", *natural), shown)]

    def describe(self, row):
        values = row.values
        if all(k in values for k in ("supplier", "customer", "chain_node", "year")):
            return f"{values['supplier']} → {values['customer']} · {values['chain_node']} · {values['year']}"
        return str(row.instance or "")

    def check_batch(self, rows, ctx):
        for row in rows:
            if row.values["supplier"].pk == row.values["customer"].pk:
                row.error("customer", _("a supplier cannot be its own customer"))
        rows = [r for r in rows if r.ok]
        if not rows:
            return
        suppliers = {r.values["supplier"].pk for r in rows}
        customers = {r.values["customer"].pk for r in rows}
        existing = {}
        for link in SupplyLink.objects.filter(supplier__in=suppliers, customer__in=customers):
            existing[(link.supplier_id, link.customer_id, link.chain_node_id, link.year)] = link
        sites = defaultdict(list)
        for site in Site.objects.filter(enterprise__in=suppliers | customers):
            sites[site.enterprise_id].append(site)
        changeable_links = ctx.allowed_pks(
            SupplyLink.objects.all(), [link.pk for link in existing.values()]
        )
        changeable_suppliers = ctx.allowed_pks(Enterprise.objects.all(), suppliers)
        for row in rows:
            values = row.values
            link = existing.get(self._natural(row))
            if link is None:
                if values["supplier"].pk not in changeable_suppliers:
                    row.error(
                        "supplier",
                        _("outside your region: you may not add supply links for this supplier"),
                    )
                    continue
                link = SupplyLink(
                    supplier=values["supplier"],
                    customer=values["customer"],
                    chain_node=values["chain_node"],
                    year=values["year"],
                )
                row.action = "create"
                row.instance = link
            else:
                if link.pk not in changeable_links:
                    row.error(
                        "supplier", _("outside your region: you may not change this supply link")
                    )
                    continue
                self.start_update(row, link)
            for key, enterprise_key in (
                ("supplier_site", "supplier"),
                ("customer_site", "customer"),
            ):
                if key in values:
                    site = self._site(values[key], sites[values[enterprise_key].pk])
                    if site is None:
                        row.error(
                            key,
                            _("“%(site)s” is not a site of %(enterprise)s")
                            % {"site": values[key], "enterprise": values[enterprise_key]},
                        )
                    else:
                        setattr(link, key, site)
            for key in ("annual_value", "source", "confidentiality"):
                if key in values:
                    setattr(link, key, values[key])
            self.clean_instance(row, link, ["source"])  # the typed columns are checked already

    @staticmethod
    def _site(text, candidates):
        for site in candidates:
            if text in (site.name, site.code) or (
                site.name_en and text.lower() == site.name_en.lower()
            ):
                return site
        return None

    def apply_row(self, row, ctx):
        return save_supply_link(link=row.instance)
