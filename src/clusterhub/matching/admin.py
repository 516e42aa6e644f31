"""Admin for sourcing demands and their candidates, read through restrict() like every page."""

from django.contrib import admin

from clusterhub.core.admin import RestrictedAdmin, RestrictedTabularInline

from .models import DemandCandidate, SourcingDemand


class CandidateInline(RestrictedTabularInline):
    model = DemandCandidate
    extra = 0
    fields = ["supplier", "site", "status", "score", "invited_at", "responded_at", "response_note"]
    readonly_fields = ["score", "invited_at", "responded_at"]
    raw_id_fields = ["supplier", "site"]


@admin.register(SourcingDemand)
class SourcingDemandAdmin(RestrictedAdmin):
    list_display = [
        "code",
        "title",
        "buyer",
        "chain_node",
        "status",
        "visibility",
        "sop",
        "deadline",
    ]
    list_filter = ["status", "visibility", "location", "is_synthetic"]
    search_fields = ["code", "title", "description", "buyer__name"]
    list_select_related = ["buyer", "chain_node"]
    raw_id_fields = ["buyer", "buyer_site", "awarded_to", "created_by"]
    readonly_fields = ["code"]
    inlines = [CandidateInline]
