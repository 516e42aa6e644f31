"""ORM queries compiled once and run many times with ids put in their stand-ins' places.

Building and compiling an ORM query under the access rule (restrict(), IN lists of hundreds of
ids) can cost more than running it. A query is compiled once per shape (the user's access and
whatever else its SQL depends on) with stand-ins for the ids, and run with the real values in
their places; on PostgreSQL an IN list of a whole slot group becomes one array parameter and
the statement is prepared once per connection. Used by the supplier ranking (candidates' sites,
enterprises, the buyer, the part's nodes) and by search (the page of hits read back).
"""

from __future__ import annotations

import enum

from django.conf import settings

_SLOT = -(10**15)  # no real id is negative
SLOTS = {
    "sites": tuple(range(_SLOT, _SLOT + 200)),
    "enterprises": tuple(range(_SLOT + 1000, _SLOT + 1200)),
    "buyer": (_SLOT + 2000,),
    "nodes": tuple(range(_SLOT + 3000, _SLOT + 3032)),
    "page": tuple(range(_SLOT + 4000, _SLOT + 4050)),  # a page of search hits
}
SITE_SLOTS, ENTERPRISE_SLOTS, (BUYER_SLOT,) = SLOTS["sites"], SLOTS["enterprises"], SLOTS["buyer"]
NODE_SLOTS = SLOTS["nodes"]
NO_ID = -1
_SLOT_OF = {v: (group, i) for group, values in SLOTS.items() for i, v in enumerate(values)}


class Compiled:
    """One query's SQL with the positions of its stand-ins, and the ORM's value converters."""

    def __init__(self, queryset):
        from django.core.exceptions import EmptyResultSet

        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # restrict() gave none(): nothing is visible
            self.sql, self.params, self.slots, self.converters = None, [], [], {}
            return
        # Plain values: a choices member costs psycopg a dumper lookup at every execution.
        params = [v.value if isinstance(v, enum.Enum) else v for v in params]
        if compiler.connection.vendor == "postgresql":
            sql, params = _as_arrays(sql, list(params))
        self.sql, self.params = sql, list(params)
        # (position in params, slot group, index in the group's values; None: all of them)
        self.slots = [
            (n, *_SLOT_OF[v]) for n, v in enumerate(self.params) if type(v) is int and v in _SLOT_OF
        ] + [(n, v.group, None) for n, v in enumerate(self.params) if isinstance(v, _Array)]
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)

    def rows(self, alias: str, **values: list) -> list[tuple]:
        """The rows, with `values` (sites=[...], enterprises=[...], buyer=[id]) in the slots; a
        slot left over gets an id that no row has."""
        from django.db import connections

        if self.sql is None:
            return []
        params = self.params[:]
        for position, group, index in self.slots:
            given = values.get(group, ())
            if index is None:
                params[position] = list(given)
            else:
                params[position] = given[index] if index < len(given) else NO_ID
        connection = connections[alias]
        rows = _execute(connection, self.sql, params)
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (converters, expression) in self.converters.items():
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


class _Array:
    """An array parameter standing for a whole slot group (PostgreSQL)."""

    def __init__(self, group: str):
        self.group = group


def _as_arrays(sql: str, params: list) -> tuple[str, list]:
    """Each "IN (%s, ..., %s)" of a whole slot group becomes "= ANY(%s)" with one array: a
    statement with 400 parameters costs psycopg ~1 ms of parsing at every execution (its parse
    cache takes short statements with few parameters only), and the ids travel as one value."""
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:  # a literal "%s" somewhere: leave the statement alone
        return sql, params
    out_sql, out_params = [pieces[0]], []
    n = 0
    while n < len(params):
        value = params[n]
        group, index = _SLOT_OF.get(value, (None, None)) if type(value) is int else (None, None)
        if group is not None and index == 0 and out_sql[-1].endswith(" IN ("):
            end = n + 1
            while (
                end < len(params)
                and type(params[end]) is int
                and _SLOT_OF.get(params[end]) == (group, end - n)
                and pieces[end] == ", "
            ):
                end += 1
            if pieces[end].startswith(")"):
                out_sql[-1] = out_sql[-1][: -len(" IN (")] + " = ANY("
                out_params.append(_Array(group))
                out_sql.append(pieces[end])
                n = end
                continue
        out_params.append(value)
        out_sql.append(pieces[n + 1])
        n += 1
    return "%s".join(out_sql), out_params


def _execute(connection, sql: str, params: list) -> list[tuple]:
    """On PostgreSQL the statement is prepared on the connection the first time and executed
    after that: planning the access rule's joins and subqueries cost ~2-3 ms a query, more than
    running it. Django turns psycopg's preparing off (prepare_threshold=None, for connection
    poolers); it is turned on for these statements only, which ask for it. Integers are sent as
    bigint, so that one prepared statement serves every id (psycopg would pick int2, int4 or int8
    by the value)."""
    if connection.vendor != "postgresql" or not settings.CLUSTERHUB_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg
    from psycopg.types.numeric import Int8

    params = [
        Int8(v) if type(v) is int else [Int8(i) for i in v] if type(v) is list else v
        for v in params
    ]
    with connection.cursor() as wrapper:  # Django's execute wrappers and error translation
        raw = connection.connection
        threshold = raw.prepare_threshold
        cursor = psycopg.Cursor(raw)

        def prepared(sql, params, many, context):
            with connection.wrap_database_errors:
                return cursor.execute(sql, params, prepare=True)

        try:
            if threshold is None:
                raw.prepare_threshold = ONLY_WHEN_ASKED
            wrapper._execute_with_wrappers(sql, params, many=False, executor=prepared)
            return cursor.fetchall()
        finally:
            raw.prepare_threshold = threshold
            cursor.close()


ONLY_WHEN_ASKED = 2**31  # executions before psycopg prepares a statement on its own


_compiled: dict[tuple, Compiled] = {}


def compiled(key: tuple, build) -> Compiled:
    statement = _compiled.get(key)
    if statement is None:
        if len(_compiled) > 2000:
            _compiled.clear()
        statement = _compiled[key] = Compiled(build())
    return statement


def access_key(user):
    from clusterhub.core.access import get_access

    return None if user is None else get_access(user)
