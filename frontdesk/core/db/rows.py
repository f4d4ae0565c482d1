"""Insert one model instance with a prepared INSERT statement instead of the ORM's per-call SQL compiler.

`Model.objects.create()` builds its INSERT anew every time (about 0.3 ms of Python per row), and on the hot
write paths that time is spent while the transaction holds SQLite's single write lock, or PostgreSQL row locks
taken earlier in it. `insert()` builds the statement once per model and database vendor and only prepares the
values per call, with the same field conversions (`pre_save`, `get_db_prep_save`) the ORM applies. It is for
plain concrete models without save() overrides or signals that must run; the instance comes back saved, with its
primary key set, as `create()` would leave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.fields import Field

M = TypeVar("M", bound=models.Model)


@cache
def _statement(model: type[models.Model], vendor: str, quote: Any) -> tuple[str, tuple[Field[Any, Any], ...]]:
    meta = model._meta
    pk = meta.pk
    fields = tuple(f for f in meta.concrete_fields if not (f is pk and isinstance(f, models.AutoField)))
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    if pk is not None and isinstance(pk, models.AutoField):
        sql += f" RETURNING {quote(pk.column)}"
    return sql, fields


def insert(instance: M, using: str = "default") -> M:
    """INSERT `instance` as one row and return it, saved (its auto primary key read back)."""
    connection = connections[using]
    model = type(instance)
    sql, fields = _statement(model, connection.vendor, connection.ops.quote_name)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        pk = model._meta.pk
        if pk is not None and isinstance(pk, models.AutoField):
            row = cursor.fetchone()
            setattr(instance, pk.attname, row[0])
    instance._state.adding = False
    instance._state.db = using
    return instance


@cache
def _columns(model: type[models.Model], alias: str, quote: Any) -> tuple[str, tuple[str, ...]]:
    fields = model._meta.concrete_fields
    return ", ".join(f"{alias}.{quote(f.column)}" for f in fields), tuple(f.attname for f in fields)


def columns(model: type[models.Model], alias: str, using: str = "default") -> str:
    """The SELECT list of `model`'s columns under table alias `alias`, for a hand-written hot query."""
    return _columns(model, alias, connections[using].ops.quote_name)[0]


@cache
def _converters(model: type[models.Model], using: str, vendor: str) -> tuple[tuple[int, tuple[Any, ...]], ...]:
    connection = connections[using]
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(model._meta.db_table)
        chain = (*connection.ops.get_db_converters(col), *field.get_db_converters(connection))
        if chain:
            found.append((i, (col, chain)))
    return tuple(found)


def from_row(model: type[M], row: Sequence[Any], using: str = "default") -> M:
    """An instance from the first columns of `row`, in the order `columns()` selected them, with the same
    conversions of database values the ORM applies."""
    connection = connections[using]
    names = _columns(model, "t", connection.ops.quote_name)[1]
    values = list(row[: len(names)])
    for i, (col, chain) in _converters(model, using, connection.vendor):
        for convert in chain:
            values[i] = convert(values[i], col, connection)
    return model.from_db(using, names, values)
