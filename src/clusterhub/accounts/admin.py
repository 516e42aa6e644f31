from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from clusterhub.core.access import get_access
from clusterhub.core.admin import RestrictedAdmin, RestrictedTabularInline

from .models import ApiToken, Membership, Organisation


class MembershipInline(RestrictedTabularInline):
    model = Membership
    fields = ("user", "role", "region_scope", "is_active")
    autocomplete_fields = ("user", "region_scope")


class UserMembershipInline(RestrictedTabularInline):
    model = Membership
    fk_name = "user"
    fields = ("organisation", "role", "region_scope", "is_active")
    autocomplete_fields = ("organisation", "region_scope")

    def _parent_ok(self, request, obj):
        return True  # users are not region records; Django's user permissions decide


@admin.register(Organisation)
class OrganisationAdmin(RestrictedAdmin):
    list_display = ("name", "name_en", "kind", "region", "enterprise")
    list_filter = ("kind",)
    search_fields = ("name", "name_en")
    list_select_related = ("region", "enterprise")
    autocomplete_fields = ("region", "enterprise")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(RestrictedAdmin):
    list_display = ("user", "organisation", "role", "region_scope", "is_active")
    list_filter = ("role", "is_active", "organisation__kind")
    search_fields = ("user__username", "organisation__name")
    list_select_related = ("user", "organisation", "region_scope")
    autocomplete_fields = ("user", "organisation", "region_scope")


@admin.register(ApiToken)
class ApiTokenAdmin(RestrictedAdmin):
    """Tokens are issued on the user's own page; here they can be listed and revoked."""

    list_display = ("name", "user", "prefix", "created", "expires", "last_used", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "created", "last_used")
    fields = ("user", "name", "prefix", "created", "expires", "last_used", "is_active")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        if get_access(request.user).is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def has_add_permission(self, request):
        return False


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ClusterHubUserAdmin(UserAdmin):
    inlines = (UserMembershipInline,)
