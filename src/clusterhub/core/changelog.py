"""The change log: who changed what, when, from where, with the record before and after.

Signal handlers catch every save and delete of a ChangeLoggedModel, whichever path it came from
(page, API, admin, import, command). The actor and the source come from a context variable set by
the request middleware, by the API's token authentication, and by `change_context()` in commands
and imports. Bulk writes that bypass signals call `log_bulk_create()`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .choices import ChangeAction, ChangeSource
from .models import ChangeLoggedModel, ObjectChange


@dataclass
class ChangeContext:
    user: object | None = None
    source: str = ChangeSource.SYSTEM
    request_id: str = ""


_context: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "clusterhub_change_context", default=None
)


def current_context() -> ChangeContext:
    return _context.get() or ChangeContext()


@contextlib.contextmanager
def change_context(*, user=None, source: str = ChangeSource.COMMAND, request_id: str = ""):
    token = _context.set(ChangeContext(user, source, request_id or str(uuid.uuid4())))
    try:
        yield _context.get()
    finally:
        _context.reset(token)


def set_context_user(user) -> None:
    """Called by API token authentication once the user is known."""
    context = _context.get()
    if context is None:
        _context.set(ChangeContext(user=user, source=ChangeSource.API))
    else:
        context.user = user


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_SNAPSHOT_FIELDS: dict[type, list[str]] = {}


def _snapshot_fields(model) -> list[str]:
    attnames = _SNAPSHOT_FIELDS.get(model)
    if attnames is None:
        exclude = set(model.changelog_exclude)
        attnames = _SNAPSHOT_FIELDS[model] = [
            field.attname
            for field in model._meta.concrete_fields
            if field.name not in exclude and field.attname not in exclude
        ]
    return attnames


def snapshot(instance) -> dict:
    """The record's concrete fields as JSON-ready values (foreign keys as ids)."""
    return {
        attname: _jsonable(getattr(instance, attname))
        for attname in _snapshot_fields(type(instance))
    }


def _record(instance, action: str, before: dict | None, after: dict | None) -> ObjectChange:
    context = current_context()
    user = context.user if getattr(context.user, "is_authenticated", False) else None
    return ObjectChange(
        user=user,
        user_name=user.get_username() if user else "",
        source=context.source,
        request_id=context.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
    )


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = None
    if instance.pk is not None and not instance._state.adding:
        previous = type(instance)._base_manager.filter(pk=instance.pk).first()
        before = snapshot(previous) if previous is not None else None
    instance._changelog_before = before


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = getattr(instance, "_changelog_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return  # a save that changed nothing is not a change
    action = ChangeAction.CREATE if created or before is None else ChangeAction.UPDATE
    _record(instance, action, None if action == ChangeAction.CREATE else before, after).save()
    instance._changelog_before = after


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedModel):
        return
    _record(instance, ChangeAction.DELETE, snapshot(instance), None).save()


def log_bulk_create(instances) -> None:
    """Log records written with bulk_create (which sends no signals). They must have pks.
    The entries are written like the records (core.bulk: COPY on PostgreSQL; a large import logs
    50,000 at once)."""
    from .bulk import bulk_insert

    records = [_record(i, ChangeAction.CREATE, None, snapshot(i)) for i in instances]
    bulk_insert(ObjectChange, records, batch_size=2000)


def log_bulk_delete(instances) -> None:
    """Log records about to be removed with a queryset delete (which sends no per-row signals)."""
    ObjectChange.objects.bulk_create(
        [_record(i, ChangeAction.DELETE, snapshot(i), None) for i in instances], batch_size=2000
    )


def history_for(instance):
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return ObjectChange.objects.filter(
        content_type=content_type, object_id=str(instance.pk)
    ).select_related("user")
