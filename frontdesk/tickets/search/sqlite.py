"""SQLite backend: an FTS5 index with one row per message; the ticket's subject is indexed with its first message.

`tickets_message_fts` is an external-content FTS5 table: it holds only the index and reads text, when it needs
to (rebuild, integrity check), from the view `tickets_message_fts_source`. Triggers keep it exact on every insert,
update, move and delete of messages and on every subject change or ticket delete; FTS5 must be told exactly what
it indexed to remove it, which is why each trigger works out whether the row is (or was) its ticket's first.

The subject goes with the first message only, not with every message: words of the subject and of the opening
message are found together, and a subject match costs one index row per ticket instead of one per message.
The tokenizer folds case and removes diacritics (unicode61 remove_diacritics 2): "Café", "cafe" and "CAFÉ" match.
A covering index (id, ticket_id) on messages turns a match into its ticket id without reading message rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import QuerySet

from frontdesk.tickets.search.terms import Terms

TABLE = "tickets_message_fts"
SOURCE_VIEW = "tickets_message_fts_source"
TICKET_INDEX = "tickets_message_fts_ticket"
TRIGGERS = (
    "tickets_message_fts_insert",
    "tickets_message_fts_delete",
    "tickets_message_fts_update",
    "tickets_message_fts_move",
    "tickets_ticket_fts_subject",
    "tickets_ticket_fts_delete",
)


def _first(ticket: str) -> str:
    return f"(SELECT min(id) FROM tickets_message WHERE ticket_id = {ticket})"


def _subject_if_first(message: str, ticket: str) -> str:
    """The ticket's subject when `message` is its first message, else ''."""
    return (
        f"CASE WHEN {message} = {_first(ticket)} "
        f"THEN coalesce((SELECT subject FROM tickets_ticket WHERE id = {ticket}), '') ELSE '' END"
    )


def _delete(rowid: str, subject: str, body: str) -> str:
    return f"INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text) VALUES ('delete', {rowid}, {subject}, {body});"


def _insert(rowid: str, subject: str, body: str) -> str:
    return f"INSERT INTO {TABLE} (rowid, subject, body_text) VALUES ({rowid}, {subject}, {body});"


def _arrive(row: str) -> str:
    """Index message `row` (new.*) arriving in its ticket; a first message it displaces gives up the subject."""
    previous_first = f"(SELECT min(id) FROM tickets_message WHERE ticket_id = {row}.ticket_id AND id <> {row}.id)"
    return f"""
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
            SELECT 'delete', m.id, t.subject, m.body_text
            FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id
            WHERE m.id = {previous_first} AND m.id > {row}.id;
        INSERT INTO {TABLE} (rowid, subject, body_text)
            SELECT m.id, '', m.body_text FROM tickets_message m WHERE m.id = {previous_first} AND m.id > {row}.id;
        {_insert(f"{row}.id", _subject_if_first(f"{row}.id", f"{row}.ticket_id"), f"{row}.body_text")}
    """


def _leave(row: str) -> str:
    """Unindex message `row` (old.*) gone from its ticket; if it was the first, the next one takes the subject."""
    was_first = f"NOT EXISTS (SELECT 1 FROM tickets_message WHERE ticket_id = {row}.ticket_id AND id < {row}.id)"
    subject = f"(SELECT subject FROM tickets_ticket WHERE id = {row}.ticket_id)"
    next_first = _first(f"{row}.ticket_id")
    return f"""
        {_delete(f"{row}.id", f"CASE WHEN {was_first} THEN {subject} ELSE '' END", f"{row}.body_text")}
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
            SELECT 'delete', m.id, '', m.body_text FROM tickets_message m WHERE m.id = {next_first} AND m.id > {row}.id;
        INSERT INTO {TABLE} (rowid, subject, body_text)
            SELECT m.id, t.subject, m.body_text FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id
            WHERE m.id = {next_first} AND m.id > {row}.id;
    """


SCHEMA = [
    f"""
    CREATE VIEW IF NOT EXISTS {SOURCE_VIEW} AS
    SELECT m.id AS id, {_subject_if_first("m.id", "m.ticket_id")} AS subject, m.body_text AS body_text
    FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id
    """,
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        subject, body_text,
        content='{SOURCE_VIEW}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    f"CREATE INDEX IF NOT EXISTS {TICKET_INDEX} ON tickets_message (id, ticket_id)",
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_insert AFTER INSERT ON tickets_message BEGIN
        {_arrive("new")}
    END
    """,
    # When the ticket is already gone (a flush emptying tickets before messages), its delete trigger below has
    # removed the entries of all its messages.
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_delete AFTER DELETE ON tickets_message
    WHEN EXISTS (SELECT 1 FROM tickets_ticket WHERE id = old.ticket_id) BEGIN
        {_leave("old")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_update AFTER UPDATE OF body_text ON tickets_message
    WHEN old.body_text IS NOT new.body_text AND old.ticket_id IS new.ticket_id BEGIN
        {_delete("old.id", _subject_if_first("old.id", "old.ticket_id"), "old.body_text")}
        {_insert("new.id", _subject_if_first("new.id", "new.ticket_id"), "new.body_text")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_message_fts_move AFTER UPDATE OF ticket_id ON tickets_message
    WHEN old.ticket_id IS NOT new.ticket_id BEGIN
        {_leave("old")}
        {_arrive("new")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_subject AFTER UPDATE OF subject ON tickets_ticket
    WHEN old.subject IS NOT new.subject BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
            SELECT 'delete', m.id, old.subject, m.body_text FROM tickets_message m WHERE m.id = {_first("old.id")};
        INSERT INTO {TABLE} (rowid, subject, body_text)
            SELECT m.id, new.subject, m.body_text FROM tickets_message m WHERE m.id = {_first("new.id")};
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_delete BEFORE DELETE ON tickets_ticket BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, subject, body_text)
            SELECT 'delete', m.id, CASE WHEN m.id = {_first("old.id")} THEN old.subject ELSE '' END, m.body_text
            FROM tickets_message m WHERE m.ticket_id = old.id;
    END
    """,
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP INDEX IF EXISTS {TICKET_INDEX}",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP VIEW IF EXISTS {SOURCE_VIEW}",
]


def is_installed() -> bool:
    """Whether the index and all its triggers exist (a table rebuilt by a later migration loses its triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger', 'index')")
        names = {row[0] for row in cursor.fetchall()}
    return {TABLE, SOURCE_VIEW, TICKET_INDEX, *TRIGGERS} <= names


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
        f"SELECT f.rowid, m.ticket_id FROM {TABLE} f "
        f"JOIN tickets_message m INDEXED BY {TICKET_INDEX} ON m.id = f.rowid "
        f"WHERE {TABLE} MATCH %s AND f.rowid < %s"
        + (f" AND {scope[0]}" if scope else "")
        + " ORDER BY f.rowid DESC LIMIT %s"
    )
    match = match_expression(terms)
    found: dict[int, None] = {}
    before = 2**63 - 1
    # Matches come newest message first; a ticket with several matching messages is kept once, so read in
    # growing chunks until there are `limit` tickets or no more matches.
    chunk = max(limit * 2, 100)
    with connection.cursor() as cursor:
        while True:
            params: list[Any] = [match, before, *(scope[1] if scope else []), chunk]
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
