"""SQLite backend: an FTS5 index over every message body together with its ticket's subject.

The index (`tickets_message_fts`) is an external-content FTS5 table: it stores only the index, reading text from
the view `tickets_message_fts_source`; the triggers created by migration tickets.0002 keep it exact on every
insert, update and delete of messages and on every subject change. The tokenizer folds case and removes
diacritics (unicode61 remove_diacritics 2), so "Café", "cafe" and "CAFÉ" are the same word.
"""

from __future__ import annotations

import sqlite3

from django.db import DatabaseError, connection
from django.db.models import QuerySet

from frontdesk.tickets.search.terms import Terms

TABLE = "tickets_message_fts"
SOURCE_VIEW = "tickets_message_fts_source"
TRIGGERS = (
    "tickets_message_fts_insert",
    "tickets_message_fts_delete",
    "tickets_message_fts_update",
    "tickets_ticket_fts_subject",
    "tickets_ticket_fts_delete",
)
SCHEMA = [
    f"""
    CREATE VIEW IF NOT EXISTS {SOURCE_VIEW} AS
    SELECT m.id AS id, t.subject AS subject, m.body_text AS body_text
    FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id
    """,
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        subject, body_text,
        content='{SOURCE_VIEW}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    # A message is indexed with its ticket's subject, so that words spread over the subject and the body are
    # found together.
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_insert AFTER INSERT ON tickets_message BEGIN
        INSERT INTO {TABLE} (rowid, subject, body_text)
        VALUES (new.id, (SELECT subject FROM tickets_ticket WHERE id = new.ticket_id), new.body_text);
    END
    """,
    # FTS5 must be given exactly what it indexed to remove it. When the ticket is already gone (a flush that
    # empties tickets before messages), the ticket's own delete trigger has removed its messages' entries.
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_delete AFTER DELETE ON tickets_message
    WHEN EXISTS (SELECT 1 FROM tickets_ticket WHERE id = old.ticket_id) BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
        VALUES ('delete', old.id, (SELECT subject FROM tickets_ticket WHERE id = old.ticket_id), old.body_text);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_update AFTER UPDATE OF body_text, ticket_id ON tickets_message
    WHEN old.body_text IS NOT new.body_text OR old.ticket_id IS NOT new.ticket_id BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
        SELECT 'delete', old.id, subject, old.body_text FROM tickets_ticket WHERE id = old.ticket_id;
        INSERT INTO {TABLE} (rowid, subject, body_text)
        VALUES (new.id, (SELECT subject FROM tickets_ticket WHERE id = new.ticket_id), new.body_text);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_subject AFTER UPDATE OF subject ON tickets_ticket
    WHEN old.subject IS NOT new.subject BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
        SELECT 'delete', id, old.subject, body_text FROM tickets_message WHERE ticket_id = old.id;
        INSERT INTO {TABLE} (rowid, subject, body_text)
        SELECT id, new.subject, body_text FROM tickets_message WHERE ticket_id = new.id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_delete BEFORE DELETE ON tickets_ticket BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
        SELECT 'delete', id, old.subject, body_text FROM tickets_message WHERE ticket_id = old.id;
    END
    """,
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP VIEW IF EXISTS {SOURCE_VIEW}",
]


def is_installed() -> bool:
    """Whether the index and all its triggers exist (a table rebuilt by a later migration loses its triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
    return {TABLE, SOURCE_VIEW, *TRIGGERS} <= names


def install() -> None:
    """Create whatever part of the index is missing (idempotent), then index every message."""
    with connection.cursor() as cursor:
        for statement in SCHEMA:
            cursor.execute(statement)
    rebuild()


def uninstall() -> None:
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


def match_expression(terms: Terms) -> str:
    """An FTS5 MATCH string that means "every word", whatever the words contain.

    Each word becomes a quoted FTS5 string (inner quotes doubled), so it is text and never syntax; a word the
    tokenizer splits in several tokens ("e-mail") is then a phrase. The last word may be a prefix ("refu" finds
    "refund", "refunded").
    """
    parts = ['"' + word.replace('"', '""') + '"' for word in terms.words]
    if terms.prefix_last:
        parts[-1] += "*"
    return " ".join(parts)


def search(terms: Terms, *, limit: int, within: QuerySet | None) -> list[int]:  # type: ignore[type-arg]
    from frontdesk.tickets.search import scope_sql

    scope = scope_sql(within, "m.ticket_id")
    sql = (
        f"SELECT f.rowid, m.ticket_id FROM {TABLE} f JOIN tickets_message m ON m.id = f.rowid "
        f"WHERE {TABLE} MATCH %s AND f.rowid < %s"
        + (f" AND {scope[0]}" if scope else "")
        + " ORDER BY f.rowid DESC LIMIT %s"
    )
    match = match_expression(terms)
    found: dict[int, None] = {}
    before = 2**63 - 1
    # Messages come newest first; a ticket with several matching messages is kept once, so read in growing
    # chunks until there are `limit` tickets or no more matches.
    chunk = max(limit * 2, 100)
    with connection.cursor() as cursor:
        while True:
            params: list[object] = [match, before, *(scope[1] if scope else []), chunk]
            try:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            except (DatabaseError, sqlite3.Error):
                # Every word is quoted, so this is not expected; a search that cannot run finds nothing.
                return []
            for _, ticket_id in rows:
                found[ticket_id] = None
                if len(found) >= limit:
                    return list(found)
            if len(rows) < chunk:
                return list(found)
            before = rows[-1][0]
            chunk *= 2


def rebuild() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
        cursor.execute("SELECT count(*) FROM tickets_message")
        return int(cursor.fetchone()[0])


def optimize() -> None:
    """Merge the index segments into one (after a bulk load: smaller and faster to query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


def integrity_check() -> None:
    """Raise DatabaseError when the index differs from the messages (used by tests and `frontdesk reindex`)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)")
