"""PostgreSQL backend: a tsvector per message in a GIN-indexed side table; the subject goes with the first message.

`tickets_message_fts(message_id, ticket_id, document)` is kept exact by triggers: statement-level on insert and
delete (a bulk insert of 20,000 messages is indexed by one INSERT ... SELECT, not 20,000 trigger calls),
row-level on the rare body edits and message moves, and on subject changes. As on SQLite, a ticket's subject is
indexed with its first message (lowest id) only. Text is parsed with the `frontdesk_search` configuration:
PostgreSQL's `simple` parser and dictionary (no stemming, any language) behind `unaccent` when that extension is
available, so accents and case do not matter. Needs PostgreSQL 14 or later (CREATE OR REPLACE TRIGGER).
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
# Every document also carries a "bucket" lexeme, `~b<message id >> BUCKET_BITS>`, that no typed word can match
# (the parser drops the `~`). A search ANDs the words with the newest buckets first: GIN then intersects posting
# lists starting from the short bucket list and skips through a common word's long one, instead of building a
# bitmap of all its matches (measured on 1M messages: 17-27 ms down to 2-3 ms for two common words).
BUCKET_BITS = 14
# Bucket windows searched one after another, newest first, until the page is full: the newest bucket (16,384
# message ids), the 2 before it, then 4, 8 and 16; whatever is older is searched last without a bucket. Small
# windows matter: every match in a window is read from the table, and a common word has thousands per window.
WINDOWS = (1, 2, 4, 8, 16)
TRIGGERS = {
    "tickets_message_fts_insert": "tickets_message",
    "tickets_message_fts_delete": "tickets_message",
    "tickets_message_fts_truncate": "tickets_message",
    "tickets_message_fts_update": "tickets_message",
    "tickets_ticket_fts_subject": "tickets_ticket",
}
FUNCTIONS = (*TRIGGERS, "tickets_ticket_fts_refresh")


def document(subject: str, body: str, message_id: str) -> str:
    words = f"to_tsvector('{CONFIG}', {subject} || ' ' || {body})"
    return f"({words} || array_to_tsvector(ARRAY['~b' || (({message_id}) >> {BUCKET_BITS})::text]))"


def bucket_operand(bucket: int) -> str:
    return f"'~b{int(bucket)}'"


def first_id(ticket: str) -> str:
    """The id of the ticket's first message. The OFFSET 0 keeps PostgreSQL from answering min(id) by walking the
    primary key from the oldest message and filtering on the ticket (measured: minutes on a million messages);
    this way it reads the ticket's few rows from the ticket_id index."""
    return f"(SELECT min(id) FROM (SELECT id FROM tickets_message WHERE ticket_id = {ticket} OFFSET 0) ids)"


UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple
    """,
]
# Every message's document, the subject only in the first one: the definition the triggers keep and the
# integrity check compares against.
EXPECTED = f"""
    SELECT m.id AS message_id, m.ticket_id,
           {document("CASE WHEN m.id = min(m.id) OVER (PARTITION BY m.ticket_id) THEN t.subject ELSE '' END",
                     "m.body_text", "m.id")} AS document
    FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id
"""
SCHEMA = [
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        message_id bigint PRIMARY KEY,
        ticket_id bigint NOT NULL,
        document tsvector NOT NULL
    )
    """,
    f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
    # All documents of one ticket again (after a move, or a message inserted ahead of the first).
    f"""
    CREATE OR REPLACE FUNCTION tickets_ticket_fts_refresh(ticket bigint) RETURNS void LANGUAGE sql AS $$
        UPDATE {TABLE} f
        SET ticket_id = m.ticket_id,
            document = {document("CASE WHEN m.id = head.id THEN t.subject ELSE '' END", "m.body_text", "m.id")}
        FROM tickets_message m
        JOIN tickets_ticket t ON t.id = m.ticket_id,
        (SELECT {first_id("ticket")} AS id) head
        WHERE m.ticket_id = ticket AND f.message_id = m.id
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION tickets_message_fts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (message_id, ticket_id, document)
        SELECT n.id, n.ticket_id, {document(
            f"CASE WHEN n.id = {first_id('n.ticket_id')} "
            "THEN coalesce(t.subject, '') ELSE '' END", "n.body_text", "n.id")}
        FROM new_messages n LEFT JOIN tickets_ticket t ON t.id = n.ticket_id;
        -- A message that was first until a row with a smaller id arrived (explicit ids) gives up the subject.
        UPDATE {TABLE} f SET document = {document("''", "m.body_text", "m.id")}
        FROM (SELECT ticket_id, min(id) AS first_new FROM new_messages GROUP BY ticket_id) arrived
        JOIN tickets_message m ON m.ticket_id = arrived.ticket_id AND m.id > arrived.first_new
        WHERE f.message_id = m.id AND NOT EXISTS (SELECT 1 FROM new_messages n WHERE n.id = m.id);
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
        -- Where the first message went, the next one takes the subject (setting it again elsewhere is harmless).
        UPDATE {TABLE} f SET document = {document("t.subject", "m.body_text", "m.id")}
        FROM (SELECT DISTINCT ticket_id FROM old_messages) gone
        JOIN tickets_ticket t ON t.id = gone.ticket_id
        JOIN tickets_message m ON m.id = {first_id("gone.ticket_id")}
        WHERE f.message_id = m.id;
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
        IF OLD.ticket_id IS DISTINCT FROM NEW.ticket_id THEN
            PERFORM tickets_ticket_fts_refresh(OLD.ticket_id);
            PERFORM tickets_ticket_fts_refresh(NEW.ticket_id);
        ELSE
            UPDATE {TABLE} f SET document = {document(
                f"CASE WHEN NEW.id = {first_id('NEW.ticket_id')} "
                "THEN t.subject ELSE '' END", "NEW.body_text", "NEW.id")}
            FROM tickets_ticket t WHERE t.id = NEW.ticket_id AND f.message_id = NEW.id;
        END IF;
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
        UPDATE {TABLE} f SET document = {document("NEW.subject", "m.body_text", "m.id")}
        FROM tickets_message m
        WHERE m.id = {first_id("NEW.id")} AND f.message_id = m.id;
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
    "DROP FUNCTION IF EXISTS tickets_ticket_fts_refresh(bigint)",
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

    scope = scope_sql(within, "g.ticket_id")
    last = len(terms.words) - 1
    operands = [
        tsquery_literal(word, prefix=terms.prefix_last and i == last) for i, word in enumerate(terms.words)
    ]
    # Each word is parsed by to_tsquery on its own and the results are ANDed, so a word that parses to nothing
    # (only punctuation to PostgreSQL) drops out instead of making the query empty.
    tsquery = " && ".join(f"to_tsquery('{CONFIG}', %s)" for _ in operands)
    # Matches are grouped by ticket, newest first, and the scope is checked once per ticket. The windows of
    # buckets run newest first and stop once the page is full; the last query covers everything older, and its
    # "+ 0" keeps the id range from being read off the primary key (it is checked on the rows GIN gives).
    select = (
        f"SELECT g.ticket_id FROM (SELECT f.ticket_id, max(f.message_id) AS newest FROM {TABLE} f "
        f"WHERE f.document @@ ({tsquery}{{buckets}}) AND {{range}} GROUP BY f.ticket_id) g"
        + (f" WHERE {scope[0]}" if scope else "")
        + " ORDER BY g.newest DESC LIMIT %s"
    )
    scope_params: list[Any] = scope[1] if scope else []
    found: dict[int, None] = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT max(message_id) FROM {TABLE}")
            highest = cursor.fetchone()[0]
            if highest is None:
                return []
            below = (highest >> BUCKET_BITS) + 1  # the oldest bucket searched so far
            for size in WINDOWS:
                if below <= 0 or len(found) >= limit:
                    break
                buckets = list(range(max(0, below - size), below))
                below = buckets[0]
                bucket_sql = " && (" + " || ".join("%s::tsquery" for _ in buckets) + ")"
                params: list[Any] = [*operands, *map(bucket_operand, buckets), *scope_params, limit]
                cursor.execute(select.replace("{buckets}", bucket_sql).replace("{range}", "TRUE"), params)
                for (ticket_id,) in cursor.fetchall():
                    found.setdefault(ticket_id, None)
            if below > 0 and len(found) < limit:
                older = [*operands, below << BUCKET_BITS, *scope_params, limit]
                cursor.execute(select.replace("{buckets}", "").replace("{range}", "f.message_id + 0 < %s"), older)
                for (ticket_id,) in cursor.fetchall():
                    found.setdefault(ticket_id, None)
    except DatabaseError:
        # Operands are quoted, so this is not expected; a search that cannot run finds nothing.
        return []
    return list(found)[:limit]


def rebuild() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} (message_id, ticket_id, document) SELECT * FROM ({EXPECTED}) expected")
        count = cursor.rowcount
        cursor.execute(f"ANALYZE {TABLE}")
    return int(count)


def optimize() -> None:
    """Fold the GIN pending list into the index and refresh planner statistics (after a bulk load)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT gin_clean_pending_list('{TABLE}_document'::regclass)")
        cursor.execute(f"ANALYZE {TABLE}")


def integrity_check() -> None:
    """Raise DatabaseError when a message has no index row, or one that differs from what it should be."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({EXPECTED}) e FULL JOIN {TABLE} f ON f.message_id = e.message_id "
            "WHERE e.message_id IS NULL OR f.message_id IS NULL OR f.ticket_id <> e.ticket_id "
            "OR f.document <> e.document"
        )
        bad = int(cursor.fetchone()[0])
    if bad:
        raise DatabaseError(f"{bad} search index rows differ from their messages; run `frontdesk reindex`.")
