from django.contrib import admin

from clusterhub.core.admin import RestrictedAdmin

from .models import Park, Region, RetiredRegionCode


@admin.register(Region)
class RegionAdmin(RestrictedAdmin):
    list_display = ("code", "name", "name_en", "level", "parent", "longitude", "latitude", "datum")
    list_filter = ("level", "datum")
    search_fields = ("code", "name", "name_en", "pinyin")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    ordering = ("path",)


@admin.register(RetiredRegionCode)
class RetiredRegionCodeAdmin(RestrictedAdmin):
    list_display = ("code", "name", "region", "retired_on")
    search_fields = ("code", "name", "region__name", "region__code")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


@admin.register(Park)
class ParkAdmin(RestrictedAdmin):
    list_display = ("code", "name", "short_name", "kind", "region", "area_km2")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_en", "short_name")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "statistical_region", "parent")
    filter_horizontal = ("spans",)
