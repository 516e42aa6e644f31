"""Idempotent writes for the loaders: create what is missing, update what differs, leave the rest.

A second run of a loader must change nothing, so a record is saved only when a value differs (the
change log then records exactly the real changes). Bulk inserts are logged with log_bulk_create.
"""

from __future__ import annotations

from django.db import models

from clusterhub.core.bulk import bulk_insert as insert_rows
from clusterhub.core.changelog import log_bulk_create, log_bulk_delete


class Tally(dict):
    """Counts of created / updated / unchanged records per model name."""

    def add(self, model, outcome: str) -> None:
        key = (model._meta.verbose_name_plural, outcome)
        self[key] = self.get(key, 0) + 1

    def total(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.items() if o == outcome)


def _differs(obj, field_name: str, value) -> bool:
    field = obj._meta.get_field(field_name)
    if isinstance(field, models.ForeignKey):
        wanted = value.pk if isinstance(value, models.Model) else value
        return getattr(obj, field.attname) != wanted
    return getattr(obj, field_name) != value


def upsert(model, *, lookup: dict, values: dict, tally: Tally | None = None):
    """The record matching `lookup`, created or updated so that it holds `values`."""
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        outcome = "created"
    else:
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save()
        outcome = "updated" if changed else "unchanged"
    if tally is not None:
        tally.add(model, outcome)
    return obj


def sync(
    model, *, key: str, rows: list[dict], tally: Tally, before_insert=None, scope=None
) -> dict:
    """upsert() for many rows keyed by `key`, with one query to find them.

    Rows that differ are saved one by one (the change-log signals record the update); missing
    rows are bulk-inserted and logged. `before_insert(obj)` fills what save() would have derived;
    `scope` narrows the lookup when `key` is unique only within it.
    """
    candidates = model._base_manager.filter(**(scope or {}))
    existing = {
        getattr(obj, key): obj
        for obj in candidates.filter(**{f"{key}__in": [row[key] for row in rows]})
    }
    result, new = {}, []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            if before_insert is not None:
                before_insert(obj)
            new.append(obj)
            tally.add(model, "created")
        else:
            values = {name: value for name, value in row.items() if name != key}
            changed = [name for name, value in values.items() if _differs(obj, name, value)]
            for name in changed:
                setattr(obj, name, values[name])
            if changed:
                obj.save()
            tally.add(model, "updated" if changed else "unchanged")
        result[row[key]] = obj
    if new:
        bulk_insert(model, new)
    return result


def set_m2m(manager, wanted) -> bool:
    """Make a many-to-many relation hold exactly `wanted`; True if it changed."""
    wanted_ids = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) == wanted_ids:
        return False
    manager.set(list(wanted))
    return True


def bulk_insert(model, objects: list, *, batch_size: int = 1000) -> list:
    """core.bulk's insert (no signals) and the change-log entries the signals would have written."""
    created = insert_rows(model, objects, batch_size=batch_size)
    log_bulk_create(created)
    return created


def bulk_delete(queryset, *, related=()) -> int:
    """Delete many rows without a signal per row, writing the change-log entries the signals
    would have written. Only for models nothing else points at (cascades are not followed);
    `related` are select_related() lookups that the rows' str() needs."""
    model = queryset.model
    rows = list(queryset.select_related(*related)) if related else list(queryset)
    log_bulk_delete(rows)
    pks = [row.pk for row in rows]
    for start in range(0, len(pks), 500):
        model._base_manager.filter(pk__in=pks[start : start + 500])._raw_delete(queryset.db)
    return len(pks)
