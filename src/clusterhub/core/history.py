"""Reading the change log on pages and in the admin: which changes a user may see, and how to
show one change as rows of field, before and after.

Rules: data stewards (superusers, province-level administrators) see every change; everyone else
sees their own changes and the changes of records they may view today. API tokens are private to
their owner, whatever the record-level rules say.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.text import capfirst

from .access import get_access
from .choices import ChangeAction
from .models import ChangeLoggedModel, ObjectChange

# Changes to these models are shown to their owner only (a token's name and prefix are private).
OWNER_ONLY = {("accounts", "apitoken")}


def sees_all_changes(user) -> bool:
    access = get_access(user)
    return access.is_authenticated and (access.is_superuser or access.is_data_steward())


def visible_changes(user):
    """The ObjectChange rows `user` may read."""
    queryset = ObjectChange.objects.select_related("user", "content_type")
    access = get_access(user)
    if not access.is_authenticated:
        return queryset.none()
    if sees_all_changes(user):
        return queryset
    condition = Q(user_id=access.user_id)
    for model in apps.get_models():
        if not issubclass(model, ChangeLoggedModel):
            continue
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        if (model._meta.app_label, model._meta.model_name) in OWNER_ONLY:
            continue
        visible = model.objects.restrict(user, "view")
        if visible.query.where:
            ids = visible.annotate(_pk_text=Cast("pk", CharField())).values("_pk_text")
            condition |= Q(content_type=content_type, object_id__in=ids)
        else:
            # Every row of this model is visible, including deleted ones' history.
            condition |= Q(content_type=content_type)
    return queryset.filter(condition)


def _field_label(model, attname: str) -> tuple[str, object]:
    if model is None:
        return attname, None
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.verbose_name), field
    return attname, None


class _Resolver:
    """Names for foreign-key ids in diffs, read through the viewer's restrictions, cached."""

    def __init__(self, user):
        self.user = user
        self.cache: dict[tuple[type, str], str] = {}

    def name(self, related_model, value) -> str:
        key = (related_model, str(value))
        if key not in self.cache:
            manager = related_model._default_manager
            if hasattr(manager, "restrict"):
                queryset = manager.restrict(self.user, "view")
            else:
                queryset = manager.all()
            obj = queryset.filter(pk=value).first()
            label = getattr(obj, "display_name", None) or str(obj) if obj is not None else None
            self.cache[key] = label or f"#{value}"
        return self.cache[key]


def _show(field, value, resolver: _Resolver | None) -> str:
    if value is None or value == "":
        return "—"
    if field is not None:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation and field.related_model is not None and resolver is not None:
            return resolver.name(field.related_model, value)
        if isinstance(value, bool):
            from django.utils.translation import gettext as _

            return _("yes") if value else _("no")
    return str(value)


def change_rows(change: ObjectChange, user=None, resolver: _Resolver | None = None) -> list[dict]:
    """The fields a change touched: label, before and after as text. A creation lists the
    non-empty values; a deletion the values the record had."""
    model = change.content_type.model_class() if change.content_type_id else None
    resolver = resolver or (_Resolver(user) if user is not None else None)
    if change.action == ChangeAction.CREATE:
        items = [(k, None, v) for k, v in (change.after or {}).items() if v not in (None, "")]
    elif change.action == ChangeAction.DELETE:
        items = [(k, v, None) for k, v in (change.before or {}).items() if v not in (None, "")]
    else:
        items = change.changed_fields
    rows = []
    for attname, before, after in items:
        if attname == "id":
            continue
        label, field = _field_label(model, attname)
        rows.append(
            {
                "field": attname,
                "label": label,
                "before": _show(field, before, resolver) if before is not None else "",
                "after": _show(field, after, resolver) if after is not None else "",
            }
        )
    return rows


def with_rows(changes, user) -> list:
    """Attach `rows` to each change of a page of changes, sharing one name cache."""
    resolver = _Resolver(user)
    changes = list(changes)
    for change in changes:
        change.rows = change_rows(change, resolver=resolver)
        model = change.content_type.model_class()
        change.model_label = (
            capfirst(model._meta.verbose_name) if model else change.content_type.model
        )
    return changes
