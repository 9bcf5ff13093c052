"""Inserting many rows quickly, for ledger imports of tens of thousands of records.

Django's bulk_create builds a model instance per row and compiles SQL in batches of 999
parameters on SQLite; for a 100,000-row ledger that overhead is most of the import. Here
rows are plain dicts, each value goes through its field's own `get_db_prep_save` (so what is
stored is exactly what the ORM would store), and one prepared INSERT runs with executemany.

Primary keys are reserved up front so children can point at their parents without reading
anything back: on PostgreSQL from the table's identity sequence, on SQLite from MAX(id)
inside the writing transaction (which is IMMEDIATE, so no one else inserts meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

_DEFAULT = object()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column or "id"
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quoted(column)}) FROM {quoted(table)}")
        highest = cursor.fetchone()
        start = (highest[0] if highest and highest[0] else 0) + 1
        return list(range(start, start + count))


def _insertable(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


# Field types whose Python value is already what the driver takes (given the right type).
_PLAIN_TYPES = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
)


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    """How one column's values reach the driver: untouched (None) for text, numbers, booleans
    and keys (the ORM does nothing to them either), the field's own preparation otherwise."""
    if isinstance(field, _PLAIN_TYPES) and not isinstance(field, models.GenericIPAddressField):
        return None
    if type(field) is models.DateField:
        return cast("Callable[[Any], Any]", connection.ops.adapt_datefield_value)
    if isinstance(field, models.DateTimeField):
        return _last_value_cached(lambda value: field.get_db_prep_save(value, connection))
    return lambda value: field.get_db_prep_save(value, connection)


def _last_value_cached(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Timestamps of one batch are mostly the same `now`: convert it once."""
    last: list[Any] = [object(), None]

    def cached(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return cached


def insert(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (attname → Python value; the pk included). Missing fields get their
    default; auto_now / auto_now_add fields get now. Runs in the caller's transaction."""
    if not rows:
        return
    fields = _insertable(model)
    connection = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    attnames = [field.attname for field in fields]
    # Per column, only the work it needs: a fallback for a missing value, a conversion.
    fallbacks: list[tuple[int, Any]] = []
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, field in enumerate(fields):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fallbacks.append((index, now))
        elif field.has_default():
            fallbacks.append((index, field.get_default()))
        elif not field.null:
            fallbacks.append((index, _DEFAULT))
        convert = _converter(field, connection)
        if convert is not None:
            converters.append((index, convert))
    values: list[list[Any]] = []
    for row in rows:
        get = row.get
        out = [get(attname) for attname in attnames]
        for index, fallback in fallbacks:
            if out[index] is None:  # an unsaved instance holds None for its timestamps and defaults
                if fallback is _DEFAULT:
                    raise ValueError(f"{model.__name__}.{attnames[index]} 没有值")
                out[index] = fallback
        for index, convert in converters:
            out[index] = convert(out[index])
        values.append(out)
    quoted = connection.ops.quote_name
    columns = ", ".join(quoted(f.column or f.attname) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quoted(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def with_ids(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each row a reserved primary key (for rows whose children are inserted next)."""
    listed = list(rows)
    for row, pk in zip(listed, reserve_ids(model, len(listed)), strict=True):
        row[model._meta.pk.attname] = pk
    return listed
