"""Multi-row INSERTs from plain tuples, for the tables a bulk import fills with hundreds of thousands of rows.

Django's bulk_create prepares every value of every row through its field machinery; measured on this machine
that costs about 10 µs per value, which for a million messages of 14 columns is well over the whole time budget
of an import. Here the caller builds each row as a tuple of database-ready values (the two converters below
are the only ones the import tables need) and one INSERT carries as many rows as the driver allows. The smaller
tables (contacts, organisations, identities, tags) still go through bulk_create.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import JSONField, Model

# Bound parameters per statement: PostgreSQL allows 65,535; SQLite as compiled (32,766 by default since 3.32).
POSTGRES_MAX_PARAMS = 30_000
SQLITE_MAX_PARAMS = 30_000


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
        except AttributeError:  # Python < 3.11
            limit = 999
        return min(SQLITE_MAX_PARAMS, limit)
    return POSTGRES_MAX_PARAMS


def _sqlite_datetime(value: dt.datetime | None) -> Any:
    if value is None:
        return None
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return str(value)[:-6]  # "2026-01-31 09:30:00[.ffffff]+00:00" without the offset, as Django writes it


def _same(value: dt.datetime | None) -> Any:
    return value


def datetime_converter() -> Callable[[dt.datetime | None], Any]:
    """How an aware datetime goes into a column on this database: SQLite takes naive UTC text (as Django stores
    it), PostgreSQL the object itself."""
    return _sqlite_datetime if connection.vendor == "sqlite" else _same


def db_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class RowWriter:
    """INSERTs rows of `fields` (model field names, in tuple order) into `model`'s table."""

    def __init__(self, model: type[Model], fields: Sequence[str]):
        meta = model._meta
        self.table = connection.ops.quote_name(meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)  # type: ignore[union-attr, arg-type]
        is_postgres = connection.vendor == "postgresql"
        self.placeholder = (
            "("
            + ", ".join(
                "%s::jsonb" if is_postgres and isinstance(meta.get_field(f), JSONField) else "%s" for f in fields
            )
            + ")"
        )
        self.rows_per_statement = max(1, _max_params() // len(fields))
        self.pk_column = connection.ops.quote_name(meta.pk.column)  # type: ignore[union-attr, arg-type]
        # SQLite: written with its own "?" markers and run on the driver's cursor, because Django's rewriting
        # of "%s" into "?" is a regular expression over the whole statement (tens of kilobytes here).
        self.qmark = connection.vendor == "sqlite"
        if self.qmark:
            self.placeholder = self.placeholder.replace("%s", "?")

    def insert(self, rows: Sequence[tuple[Any, ...]], *, returning: bool = False) -> list[int]:
        """Insert every row; with `returning`, the new primary keys in row order."""
        if not rows:
            return []
        with connection.wrap_database_errors:
            if self.qmark:
                return self._insert_sqlite(rows, returning)
            return self._insert_postgres(rows, returning)

    def _statements(self, rows: Sequence[tuple[Any, ...]], returning: bool) -> Iterator[tuple[str, list[Any]]]:
        step = self.rows_per_statement
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            sql = f"INSERT INTO {self.table} ({self.columns}) VALUES " + ", ".join([self.placeholder] * len(chunk))
            yield sql + (f" RETURNING {self.pk_column}" if returning else ""), [v for row in chunk for v in row]

    def _insert_sqlite(self, rows: Sequence[tuple[Any, ...]], returning: bool) -> list[int]:
        ids: list[int] = []
        with connection.cursor() as wrapper:
            for sql, params in self._statements(rows, returning):
                sqlite3.Cursor.execute(wrapper.cursor, sql, params)
                if returning:
                    ids.extend(row[0] for row in wrapper.cursor.fetchall())
        return ids

    def _insert_postgres(self, rows: Sequence[tuple[Any, ...]], returning: bool) -> list[int]:
        import psycopg

        connection.ensure_connection()
        # Server-side binding: Django's cursors quote every value into the SQL text in Python, which for a
        # million messages costs more than the database's whole work. Rows without ids to return go by COPY.
        with psycopg.Cursor(connection.connection) as cursor:  # type: ignore[arg-type]
            if not returning:
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return []
            ids: list[int] = []
            for sql, params in self._statements(rows, returning):
                cursor.execute(sql, params)
                ids.extend(row[0] for row in cursor.fetchall())
            return ids
