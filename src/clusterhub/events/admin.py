from django.contrib import admin

from .models import (
    Event,
    Interpreter,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Registration,
    ScheduleRun,
    Session,
    Signing,
    Table,
)


class RestrictedAdmin(admin.ModelAdmin):
    """Admin lists go through the same access rules as the pages."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Event)
class EventAdmin(RestrictedAdmin):
    list_display = ("name", "starts_on", "city", "organiser", "status", "is_synthetic")
    list_filter = ("status", "is_synthetic")
    search_fields = ("name", "name_en", "slug")
    inlines = [SessionInline]


@admin.register(Registration)
class RegistrationAdmin(RestrictedAdmin):
    list_display = ("name", "organisation_name", "event", "role", "match_status", "status")
    list_filter = ("role", "status", "match_status", "is_synthetic")
    search_fields = ("name", "organisation_name", "email")
    raw_id_fields = ("enterprise", "user", "event", "city")


@admin.register(MeetingRequest)
class MeetingRequestAdmin(RestrictedAdmin):
    list_display = ("requester", "recipient", "status", "priority", "must_meet")
    list_filter = ("status", "must_meet")
    raw_id_fields = ("requester", "recipient", "event", "chain_node")


@admin.register(ScheduleRun)
class ScheduleRunAdmin(RestrictedAdmin):
    list_display = ("event", "number", "status", "meetings_count", "value", "bound", "seconds")
    list_filter = ("status",)


@admin.register(Meeting)
class MeetingAdmin(RestrictedAdmin):
    list_display = ("request", "slot", "table", "outcome", "checked_in_at")
    list_filter = ("outcome",)
    raw_id_fields = ("run", "request", "slot", "table", "interpreter", "lead_project")


@admin.register(Signing)
class SigningAdmin(RestrictedAdmin):
    list_display = ("order", "title", "event", "city", "segment", "amount")
    raw_id_fields = ("project", "meeting")


for model in (MeetingSlot, Table, Interpreter, Session):
    admin.site.register(model, RestrictedAdmin)
