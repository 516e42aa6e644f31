from django.contrib import admin

from clusterhub.core.admin import RestrictedAdmin

from .models import ChainNode, IndustryCode, SupplyLink


@admin.register(IndustryCode)
class IndustryCodeAdmin(RestrictedAdmin):
    list_display = ("system", "code", "level", "title")
    list_filter = ("system", "level")
    search_fields = ("code", "title")


@admin.register(ChainNode)
class ChainNodeAdmin(RestrictedAdmin):
    list_display = ("code", "name", "name_en", "segment", "parent", "is_nev", "sort_order")
    list_filter = ("segment", "is_nev", "depth")
    search_fields = ("code", "name", "name_en", "keywords")
    list_select_related = ("parent",)
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("codes",)
    ordering = ("path",)


@admin.register(SupplyLink)
class SupplyLinkAdmin(RestrictedAdmin):
    list_display = (
        "supplier",
        "customer",
        "chain_node",
        "year",
        "annual_value",
        "confidentiality",
        "is_synthetic",
    )
    list_filter = ("year", "confidentiality", "is_synthetic", "chain_node__segment")
    search_fields = (
        "supplier__name",
        "supplier__public_id",
        "customer__name",
        "customer__public_id",
        "chain_node__name",
        "chain_node__code",
    )
    list_select_related = ("supplier", "customer", "chain_node")
    autocomplete_fields = ("supplier", "supplier_site", "customer", "customer_site", "chain_node")
