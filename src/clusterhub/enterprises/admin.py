from django.contrib import admin

from clusterhub.core.admin import RestrictedAdmin, RestrictedTabularInline

from .models import Capability, Certification, Enterprise, EnterpriseAlias, Site
from .services import search_enterprises


class AliasInline(RestrictedTabularInline):
    model = EnterpriseAlias


class SiteInline(RestrictedTabularInline):
    model = Site
    fields = ("name", "kind", "region", "park", "longitude", "latitude", "datum")
    autocomplete_fields = ("region", "park")
    show_change_link = True


class CertificationInline(RestrictedTabularInline):
    model = Certification
    fields = ("standard", "site", "certificate_number", "issuer", "valid_from", "valid_until")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        parent_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if db_field.name == "site" and parent_id:
            field.queryset = field.queryset.filter(enterprise_id=parent_id)
        return field


class CapabilityInline(RestrictedTabularInline):
    model = Capability
    autocomplete_fields = ("chain_node",)


@admin.register(Enterprise)
class EnterpriseAdmin(RestrictedAdmin):
    list_display = (
        "name",
        "public_id",
        "credit_code",
        "kind",
        "ownership",
        "home_region",
        "confidentiality",
        "is_synthetic",
    )
    list_filter = ("kind", "ownership", "size", "confidentiality", "is_synthetic")
    search_fields = ("name", "name_en", "short_name", "credit_code", "public_id")
    list_select_related = ("home_region",)
    readonly_fields = ("public_id", "pinyin", "pinyin_initials")
    autocomplete_fields = ("group", "home_region")
    inlines = (AliasInline, SiteInline, CertificationInline)

    def get_search_results(self, request, queryset, search_term):
        # The registry's search: names, aliases, pinyin, initials, credit and stock codes.
        if not search_term:
            return queryset, False
        return search_enterprises(queryset, search_term), False


@admin.register(Site)
class SiteAdmin(RestrictedAdmin):
    list_display = ("name", "enterprise", "kind", "region", "park", "datum")
    list_filter = ("kind", "datum", "is_synthetic")
    search_fields = ("name", "name_en", "code", "address", "enterprise__name")
    list_select_related = ("enterprise", "region", "park")
    autocomplete_fields = ("enterprise", "region", "park")
    inlines = (CapabilityInline,)


@admin.register(Certification)
class CertificationAdmin(RestrictedAdmin):
    list_display = ("enterprise", "standard", "site", "valid_from", "valid_until")
    list_filter = ("standard",)
    search_fields = ("enterprise__name", "certificate_number")
    list_select_related = ("enterprise", "site")
    autocomplete_fields = ("enterprise", "site")


@admin.register(Capability)
class CapabilityAdmin(RestrictedAdmin):
    list_display = ("site", "chain_node", "products", "annual_capacity")
    search_fields = ("site__name", "site__enterprise__name", "chain_node__name", "products")
    list_select_related = ("site__enterprise", "chain_node")
    autocomplete_fields = ("site", "chain_node")
