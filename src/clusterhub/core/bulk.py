"""Bulk inserts of many new records at the cost of the rows, not of the ORM.

`bulk_insert(model, instances)` is `Model.objects.bulk_create(instances)` for large imports: on
PostgreSQL it takes the new primary keys from the table's sequence in one query and streams the
rows with COPY (Django's bulk_create builds, and psycopg's client-side binding then renders, one
huge INSERT per batch: most of an import's CPU); elsewhere it is bulk_create. Like bulk_create it
sends no signals (log the records with core.changelog.log_bulk_create) and sets the instances'
primary keys. `copy_rows` writes plain tuples when no instance is needed afterwards.
"""

from __future__ import annotations

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin

# Field types whose Python values psycopg writes as they are (no get_db_prep_save needed).
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,  # DateTimeField too
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,  # the Big/Small/Positive variants too
    models.TextField,
)


def _connection(model):
    return connections[router.db_for_write(model)]


def can_copy(model) -> bool:
    return _connection(model).vendor == "postgresql" and not model._meta.parents


def copy_rows(model, fields, rows) -> None:
    """Write `rows` (tuples of database-ready values in the order of `fields`, field objects of
    `model`) with COPY. PostgreSQL only (see can_copy); columns left out take their defaults."""
    connection = _connection(model)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        # Through Django's cursor: counted and logged like any query (CaptureQueriesContext).
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def bulk_insert(model, instances, *, batch_size: int = 5000) -> list:
    instances = list(instances)
    if not instances:
        return instances
    connection = _connection(model)
    if not can_copy(model) or not isinstance(model._meta.pk, AutoFieldMixin):
        # Keys that are not from a sequence (UUIDs, natural keys): the ORM's way.
        return model._base_manager.using(connection.alias).bulk_create(
            instances, batch_size=batch_size
        )
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    missing = [obj for obj in instances if obj.pk is None]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(missing)],
            )
            for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
    # Fields with auto_now / auto_now_add fill themselves in pre_save, as in bulk_create.
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    columns = [(f, f.attname, isinstance(f, _PLAIN)) for f in fields]

    def rows():
        for obj in instances:
            for field in stamped:
                field.pre_save(obj, True)
            row = [obj.pk]
            for field, attname, is_plain in columns:
                value = getattr(obj, attname)
                if not is_plain and value is not None:
                    value = field.get_db_prep_save(value, connection)
                row.append(value)
            yield row

    copy_rows(model, [pk, *fields], rows())
    for obj in instances:
        obj._state.adding = False
        obj._state.db = connection.alias
    return instances


def analyze(*models_to_analyze) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load. Until autovacuum gets to a
    freshly filled table the planner believes it is empty and may pick nested loops that take
    minutes over a few hundred thousand rows."""
    connection = _connection(models_to_analyze[0])
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_to_analyze)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
