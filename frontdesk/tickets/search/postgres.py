"""PostgreSQL backend: a tsvector per message (its ticket's subject and its body) in a GIN-indexed side table.

`tickets_message_fts(message_id, ticket_id, document)` is filled and kept exact by the triggers created by
migration tickets.0002 (statement-level on insert and delete, so a bulk insert is indexed in one pass). Text is
parsed with the `frontdesk_search` configuration: PostgreSQL's `simple` parser and dictionary (no stemming, any
language) behind `unaccent` when that extension is available, so accents and case do not matter.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from frontdesk.tickets.search.terms import Terms

logger = logging.getLogger(__name__)

TABLE = "tickets_message_fts"
CONFIG = "frontdesk_search"
DOCUMENT = f"to_tsvector('{CONFIG}', coalesce(t.subject, '') || ' ' || {{body}})"
TRIGGERS = {
    "tickets_message_fts_insert": "tickets_message",
    "tickets_message_fts_delete": "tickets_message",
    "tickets_message_fts_truncate": "tickets_message",
    "tickets_message_fts_update": "tickets_message",
    "tickets_ticket_fts_subject": "tickets_ticket",
}
UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple
    """,
]
SCHEMA = [
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        message_id bigint PRIMARY KEY,
        ticket_id bigint NOT NULL,
        document tsvector NOT NULL
    )
    """,
    f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
    # Statement-level triggers with transition tables: a bulk insert of 20,000 messages is indexed by one
    # INSERT ... SELECT instead of 20,000 trigger calls.
    f"""
    CREATE OR REPLACE FUNCTION tickets_message_fts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (message_id, ticket_id, document)
        SELECT n.id, n.ticket_id, {DOCUMENT.format(body="n.body_text")}
        FROM new_messages n LEFT JOIN tickets_ticket t ON t.id = n.ticket_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE TRIGGER tickets_message_fts_insert AFTER INSERT ON tickets_message
    REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION tickets_message_fts_insert()
    """,
    f"""
    CREATE OR REPLACE FUNCTION tickets_message_fts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} f USING old_messages o WHERE f.message_id = o.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE TRIGGER tickets_message_fts_delete AFTER DELETE ON tickets_message
    REFERENCING OLD TABLE AS old_messages FOR EACH STATEMENT EXECUTE FUNCTION tickets_message_fts_delete()
    """,
    # Django's flush (tests) truncates tables; the index goes with them.
    f"""
    CREATE OR REPLACE FUNCTION tickets_message_fts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE TRIGGER tickets_message_fts_truncate AFTER TRUNCATE ON tickets_message
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_message_fts_truncate()
    """,
    # Row-level with a column list, so that frequent updates of other columns (delivery status) cost nothing.
    f"""
    CREATE OR REPLACE FUNCTION tickets_message_fts_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} f SET ticket_id = NEW.ticket_id, document = {DOCUMENT.format(body="NEW.body_text")}
        FROM tickets_ticket t WHERE f.message_id = NEW.id AND t.id = NEW.ticket_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE TRIGGER tickets_message_fts_update AFTER UPDATE OF body_text, ticket_id ON tickets_message
    FOR EACH ROW WHEN (OLD.body_text IS DISTINCT FROM NEW.body_text OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
    EXECUTE FUNCTION tickets_message_fts_update()
    """,
    f"""
    CREATE OR REPLACE FUNCTION tickets_ticket_fts_subject() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} f SET document = {DOCUMENT.format(body="m.body_text")}
        FROM tickets_message m, tickets_ticket t
        WHERE m.ticket_id = NEW.id AND t.id = NEW.id AND f.message_id = m.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE TRIGGER tickets_ticket_fts_subject AFTER UPDATE OF subject ON tickets_ticket
    FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject) EXECUTE FUNCTION tickets_ticket_fts_subject()
    """,
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS.items()),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in TRIGGERS),
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
]


def is_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        has_config = cursor.fetchone() is not None
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
        has_table = bool(cursor.fetchone()[0])
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND NOT tgisinternal", [list(TRIGGERS)])
        triggers = {row[0] for row in cursor.fetchall()}
    return has_config and has_table and triggers == set(TRIGGERS)


def _install_config(cursor: Any) -> None:
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
    if cursor.fetchone() is not None:
        return
    cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    try:
        # Accent folding needs the unaccent extension (PostgreSQL contrib, a trusted extension since 13);
        # without it search still works and accents then count.
        with transaction.atomic():
            for statement in UNACCENT:
                cursor.execute(statement)
    except DatabaseError:
        logger.warning("PostgreSQL extension unaccent is not available: search will not ignore accents.")


def install() -> None:
    """Create whatever part of the index is missing (idempotent), then index every message."""
    with transaction.atomic(), connection.cursor() as cursor:
        _install_config(cursor)
        for statement in SCHEMA:
            cursor.execute(statement)
    rebuild()


def uninstall() -> None:
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


def tsquery_literal(word: str, *, prefix: bool) -> str:
    """One word as a quoted to_tsquery operand: text only, never operators (`'` doubled, `\\` escaped)."""
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


def search(terms: Terms, *, limit: int, within: QuerySet | None) -> list[int]:  # type: ignore[type-arg]
    from frontdesk.tickets.search import scope_sql

    scope = scope_sql(within, "f.ticket_id")
    last = len(terms.words) - 1
    operands = [
        tsquery_literal(word, prefix=terms.prefix_last and i == last) for i, word in enumerate(terms.words)
    ]
    # Each word is parsed by to_tsquery on its own and the results are ANDed, so a word that parses to nothing
    # (only punctuation to PostgreSQL) drops out instead of making the query empty.
    tsquery = " && ".join(f"to_tsquery('{CONFIG}', %s)" for _ in operands)
    sql = (
        f"SELECT f.message_id, f.ticket_id FROM {TABLE} f WHERE f.document @@ ({tsquery}) AND f.message_id < %s"
        + (f" AND {scope[0]}" if scope else "")
        + " ORDER BY f.message_id DESC LIMIT %s"
    )
    found: dict[int, None] = {}
    before = 2**63 - 1
    chunk = max(limit * 2, 100)
    with connection.cursor() as cursor:
        while True:
            params: list[object] = [*operands, before, *(scope[1] if scope else []), chunk]
            try:
                with transaction.atomic():
                    cursor.execute(sql, params)
                    rows = cursor.fetchall()
            except DatabaseError:
                # Operands are quoted, so this is not expected; a search that cannot run finds nothing.
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
        cursor.execute(f"TRUNCATE {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} (message_id, ticket_id, document) "
            f"SELECT m.id, m.ticket_id, {DOCUMENT.format(body='m.body_text')} "
            "FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id"
        )
        count = cursor.rowcount
        cursor.execute(f"ANALYZE {TABLE}")
    return int(count)


def optimize() -> None:
    """Fold the GIN pending list into the index and refresh planner statistics (after a bulk load)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT gin_clean_pending_list('{TABLE}_document'::regclass)")
        cursor.execute(f"ANALYZE {TABLE}")


def integrity_check() -> None:
    """Raise DatabaseError when a message has no index row or a wrong one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id "
            f"FULL JOIN {TABLE} f ON f.message_id = m.id WHERE m.id IS NULL OR f.message_id IS NULL "
            f"OR f.ticket_id <> m.ticket_id "
            f"OR f.document <> {DOCUMENT.format(body='m.body_text')}"
        )
        bad = int(cursor.fetchone()[0])
    if bad:
        raise DatabaseError(f"{bad} search index rows differ from their messages; run `frontdesk reindex`.")
