"""Keyword search over tickets (subject and every message), behind one interface for SQLite and PostgreSQL.

SQLite uses an FTS5 index (`sqlite.py`), PostgreSQL a tsvector table with a GIN index (`postgres.py`); both are
created by the tickets migrations and kept in step with messages and subjects by database triggers, so every
write path (services, bulk import, merges, redaction) keeps the index right without calling anything here.
Other databases get a slow substring scan (`fallback.py`). See docs/architecture/search.md.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from frontdesk.tickets.search.terms import Terms, parse_terms

if TYPE_CHECKING:
    from frontdesk.tickets.models import Ticket

__all__ = ["Terms", "check_index", "matching_ticket_ids", "optimize_index", "parse_terms", "rebuild_index"]

DEFAULT_LIMIT = 500
EXACT_IS_ENOUGH = 50  # a page of tickets found by the exact words: longer words are not looked for


def _backend():  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        from frontdesk.tickets.search import sqlite as backend
    elif connection.vendor == "postgresql":
        from frontdesk.tickets.search import postgres as backend  # type: ignore[no-redef]
    else:
        from frontdesk.tickets.search import fallback as backend  # type: ignore[no-redef]
    return backend


def scope_sql(within: QuerySet[Ticket] | None, ticket_id_column: str) -> tuple[str, list[object]] | None:
    """`within` as a correlated EXISTS condition on `ticket_id_column`, or None when it selects every ticket.

    Raises EmptyResultSet when `within` can select nothing.
    """
    if within is None or not within.query.where:
        return None
    inner = within.order_by().filter(pk=RawSQL(ticket_id_column, ())).values("pk")
    sql, params = inner.query.sql_with_params()
    return f"EXISTS ({sql})", list(params)


def matching_ticket_ids(
    query: str, *, limit: int = DEFAULT_LIMIT, within: QuerySet[Ticket] | None = None
) -> list[int] | None:
    """Ticket ids whose subject or one message holds every word of `query`, newest match first.

    The last word also matches longer words it starts ("refu" finds "refunded"), unless the exact words alone
    already find a page of tickets (EXACT_IS_ENOUGH, or `limit` if smaller).

    None when `query` has no words (no search asked for). `within`, a Ticket queryset (the actor's scope and
    the list's filters), is applied inside the search, so the `limit` newest matches are all tickets the caller
    may show; access is still the caller's job. Query syntax in `query` is never interpreted: a query that the
    index cannot answer finds nothing rather than failing.
    """
    if not (query or "").strip():
        return None
    terms = parse_terms(query)
    if not terms:
        return []
    backend, limit = _backend(), max(1, limit)
    try:
        if terms.prefix_last:
            # A prefix costs much more than a word (PostgreSQL's GIN reads every word that starts with it), and
            # a complete word is what people mostly type: when the exact words fill a page, that is the answer.
            exact = backend.search(replace(terms, prefix_last=False), limit=limit, within=within)
            if len(exact) >= min(limit, EXACT_IS_ENOUGH):
                return exact
        return backend.search(terms, limit=limit, within=within)
    except EmptyResultSet:
        return []


def rebuild_index() -> int:
    """Rebuild the whole search index from the messages (after a restore, or if a check finds it wrong)."""
    return _backend().rebuild()


def optimize_index() -> None:
    """Compact the index after a bulk load (merges FTS5 segments; folds the GIN pending list, ANALYZE)."""
    _backend().optimize()


def check_index() -> None:
    """Raise DatabaseError when the index does not match the messages."""
    _backend().integrity_check()


def repair_index_after_migrate(sender: object, using: str = "default", **kwargs: object) -> None:
    """post_migrate: put back index parts a later migration dropped (SQLite drops a table's triggers when it
    rebuilds the table for a column change), then reindex so that nothing written meanwhile is missed."""
    import logging

    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    if using != "default" or connections[using].vendor not in ("sqlite", "postgresql"):
        return
    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("tickets", "0002_search_index") not in applied:
        return
    backend = _backend()
    if not backend.is_installed():
        logging.getLogger(__name__).warning("Search index triggers were missing; recreating and reindexing.")
        backend.install()
