"""Admin for projects and targets. Lists read through restrict() like every other page."""

from django.contrib import admin

from clusterhub.core.admin import RestrictedAdmin, RestrictedTabularInline

from .models import (
    Activity,
    FundsArrival,
    Milestone,
    OutputReport,
    Problem,
    Project,
    StageAlertRule,
    StageEvent,
    Target,
)


class MilestoneInline(RestrictedTabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["owner"]


class ProblemInline(RestrictedTabularInline):
    model = Problem
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Project)
class ProjectAdmin(RestrictedAdmin):
    list_display = ["code", "name", "investor", "stage", "city", "contract_amount", "updated"]
    list_filter = ["stage", "confidentiality", "origin_kind", "segment", "is_synthetic"]
    search_fields = ["code", "name", "name_en", "investor__name"]
    list_select_related = ["investor", "city"]
    autocomplete_fields = ["owner", "secretary", "named_people"]
    raw_id_fields = ["investor", "origin_chain_node", "origin_region", "signing_region"]
    raw_id_fields += ["landing_region", "landing_park", "site", "chain_nodes"]
    # The stage moves through move_project_stage, which checks and logs them.
    readonly_fields = ["stage", "stage_changed_at", "stalled_from", "signed_on", "started_on"]
    readonly_fields += ["operating_on", "region_path", "city"]
    inlines = [MilestoneInline, ProblemInline]


@admin.register(StageEvent)
class StageEventAdmin(RestrictedAdmin):
    list_display = ["project", "from_stage", "to_stage", "on", "at", "user_name"]
    list_filter = ["to_stage"]
    raw_id_fields = ["project", "user"]

    def has_change_permission(self, request, obj=None):
        return False  # the stage history is append-only


@admin.register(Target)
class TargetAdmin(RestrictedAdmin):
    list_display = ["year", "scope_kind", "region", "park", "segment", "metric", "value"]
    list_filter = ["year", "scope_kind", "metric", "segment"]


@admin.register(OutputReport)
class OutputReportAdmin(RestrictedAdmin):
    list_display = ["region", "segment", "year", "month", "value"]
    list_filter = ["year", "segment"]


@admin.register(Activity)
class ActivityAdmin(RestrictedAdmin):
    list_display = ["on", "kind", "region", "title"]
    list_filter = ["kind"]
    raw_id_fields = ["project", "enterprise", "region"]


@admin.register(FundsArrival)
class FundsArrivalAdmin(RestrictedAdmin):
    list_display = ["project", "on", "amount"]
    raw_id_fields = ["project"]


@admin.register(StageAlertRule)
class StageAlertRuleAdmin(RestrictedAdmin):
    list_display = ["stage", "days"]


admin.site.register(Milestone, RestrictedAdmin)
admin.site.register(Problem, RestrictedAdmin)
