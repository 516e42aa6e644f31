"""Admin lists of the resolution records, restricted like the pages (officers in scope)."""

from django.contrib import admin

from clusterhub.core.admin import RestrictedAdmin

from . import services
from .models import FieldProvenance, Merge, MergedId, PairDecision, ReviewItem


@admin.register(ReviewItem)
class ReviewItemAdmin(RestrictedAdmin):
    list_display = ("enterprise", "candidate", "score", "kind", "status", "source", "created")
    list_filter = ("status", "kind")
    search_fields = ("enterprise__name", "candidate__name", "source", "incoming_key")
    list_select_related = ("enterprise", "candidate")
    raw_id_fields = ("enterprise", "candidate", "merge")
    readonly_fields = ("comparison", "incoming", "incoming_key", "score", "region")

    def get_queryset(self, request):
        # Items have no confidentiality: "view" would show every pair; officers in scope only.
        return services.reviewable_items(request.user)


@admin.register(Merge)
class MergeAdmin(RestrictedAdmin):
    list_display = ("absorbed_name", "absorbed_public_id", "survivor", "created", "undone_at")
    search_fields = ("absorbed_name", "absorbed_public_id", "survivor_public_id")
    list_select_related = ("survivor",)
    readonly_fields = [f.name for f in Merge._meta.concrete_fields]

    def get_queryset(self, request):
        return Merge.objects.restrict(request.user, "change").select_related("survivor")

    def has_add_permission(self, request):
        return False  # merges are made by the review queue, undone there


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Rows without a region of their own: superusers only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(PairDecision)
class PairDecisionAdmin(SuperuserOnlyAdmin):
    list_display = ("left_key", "right_key", "decision", "decided_by", "created")
    list_filter = ("decision",)
    search_fields = ("left_key", "right_key")


@admin.register(MergedId)
class MergedIdAdmin(SuperuserOnlyAdmin):
    list_display = ("old_public_id", "enterprise", "merge")
    search_fields = ("old_public_id",)
    raw_id_fields = ("enterprise", "merge")


@admin.register(FieldProvenance)
class FieldProvenanceAdmin(SuperuserOnlyAdmin):
    list_display = ("enterprise", "field", "value", "source", "recorded")
    search_fields = ("enterprise__name", "value", "source")
    list_filter = ("field",)
    raw_id_fields = ("enterprise", "user")
