"""The admin for data stewards, read through the same restrictions as the pages.

Every ModelAdmin of a ChangeLoggedModel derives from RestrictedAdmin: its list and change views
read `restrict(user, "view")`, change and delete need `restrict(user, "change"/"delete")`, the
choices of foreign keys are limited to what the user may see, and a save that would put a record
outside the user's reach is refused and rolled back. The change log is read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .history import change_rows, visible_changes
from .models import ObjectChange

admin.site.site_header = gettext_lazy("ClusterHub administration")
admin.site.site_title = gettext_lazy("ClusterHub")
admin.site.index_title = gettext_lazy("Data stewardship")
admin.site.site_url = "/"


def _restricted(model, request, action: str = "view"):
    manager = model._default_manager
    if hasattr(manager, "restrict"):
        return manager.restrict(request.user, action)
    return manager.all()


def _may(request, obj, action: str) -> bool:
    return _restricted(type(obj), request, action).filter(pk=obj.pk).exists()


class RestrictedFormFieldsMixin:
    """Foreign-key and many-to-many choices: only records the user may view."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = _restricted(db_field.related_model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = _restricted(db_field.related_model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RestrictedAdmin(RestrictedFormFieldsMixin, admin.ModelAdmin):
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or _may(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or _may(request, obj, "delete")

    def delete_queryset(self, request, queryset):
        # Bulk delete action: only the rows the user may delete, whatever was ticked.
        super().delete_queryset(request, queryset.restrict(request.user, "delete"))

    def save_model(self, request, obj, form, change):
        # The admin view runs in a transaction: raising here rolls the save back.
        super().save_model(request, obj, form, change)
        if not _may(request, obj, "change"):
            raise PermissionDenied(_("This record would be outside the regions you may edit."))


class RestrictedInlineMixin(RestrictedFormFieldsMixin):
    """Inline rows read through restrict(view); editing them needs change on the parent."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def _parent_ok(self, request, obj):
        return obj is None or _may(request, obj, "change")

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_ok(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_ok(request, obj)


class RestrictedTabularInline(RestrictedInlineMixin, admin.TabularInline):
    extra = 0


class RestrictedStackedInline(RestrictedInlineMixin, admin.StackedInline):
    extra = 0


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    """The change log, read-only: who, when, from where, what, before and after."""

    list_display = ("time", "user_name", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "user_name", "object_id", "request_id")
    date_hierarchy = "time"
    list_select_related = ("content_type", "user")
    readonly_fields = (
        "time",
        "user",
        "user_name",
        "source",
        "request_id",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "diff",
    )
    exclude = ("before", "after")

    def get_queryset(self, request):
        return visible_changes(request.user)

    @admin.display(description=gettext_lazy("changes"))
    def diff(self, obj):
        rows = change_rows(obj, user=None)
        if not rows:
            return "—"
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("Field"),
            _("Before"),
            _("After"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((r["label"], r["before"], r["after"]) for r in rows),
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
