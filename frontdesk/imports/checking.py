"""The reading half of an import: lines to checked tickets, in batches, with the rejected lines beside them.

Nothing here writes or queries the database (References is filled before reading starts), so checking can run
on its own thread while the writer stores the previous batch. (A second process was measured too: sending the
checked tickets across costs about as much as checking them, so a thread it is.)
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from frontdesk.core.errors import ValidationFailed
from frontdesk.core.html import html_to_text, sanitize_html
from frontdesk.imports import errors
from frontdesk.imports.records import MAX_LINE_BYTES, LineError, TicketRecord, decode_line, parse_record
from frontdesk.imports.references import References
from frontdesk.tickets.choices import MessageKind
from frontdesk.tickets.fields import clean_custom_fields

QUEUED_BATCHES = 3  # batches checked ahead of the writer: bounds the memory a fast reader can fill
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Rejected:
    """A line that was not imported: where, why (for people) and a stable code."""

    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Checked:
    """A line that passed every check, with what it refers to resolved, except what needs writing (contacts,
    organisations, tags, the ticket number)."""

    record: TicketRecord
    brand_id: int
    assignee_id: int | None
    team_id: int | None
    inbox_id: int | None
    custom_fields: dict[str, Any]
    authors: list[int | None]  # agent id per message (None for customer messages)
    bodies: list[tuple[str, str]]  # (text, sanitised html) per message
    times: list[dt.datetime]  # per message


@dataclass
class Batch:
    tickets: list[Checked]
    rejected: list[Rejected]
    lines: int  # lines read for this batch, good and bad


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | LineError]]:
    """(line number, raw bytes) for each non-blank line; an over-long line gives a LineError and is skipped."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line without holding it
                raw = stream.readline(1024 * 1024)
            yield number, LineError(
                f"the line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB.", code=errors.LINE_TOO_LONG
            )
            continue
        if raw.strip():
            yield number, raw


def text_to_html(text: str) -> str:
    """Same output as core.html.text_to_html (paragraphs and line breaks kept), in three C-level passes instead of
    a loop over paragraphs: escaping never touches white space, and the greedy separator leaves no empty
    paragraph between two others, so the result is the same (a test compares the two)."""
    escaped = html_lib.escape(text.strip())
    if not escaped:
        return ""
    return "<p>" + _PARAGRAPH.sub("</p><p>", escaped).replace("\n", "<br>") + "</p>"


def _bodies(record: TicketRecord) -> list[tuple[str, str]]:
    bodies = []
    for index, message in enumerate(record.messages):
        html = sanitize_html(message.html) if message.html else ""
        text = message.text.strip() or html_to_text(html)
        if not text:
            raise LineError(f"messages[{index}]: the html has no text once cleaned.")
        bodies.append((text, html or text_to_html(text)))
    return bodies


def _times(record: TicketRecord, now: dt.datetime) -> list[dt.datetime]:
    """Each message's time: its own, else the one before it, else the ticket's creation (else now)."""
    known = [m.created_at for m in record.messages if m.created_at is not None]
    current = record.created_at or (known[0] if known else now)
    times = []
    for message in record.messages:
        current = message.created_at or current
        times.append(current)
    return times


def check_record(record: TicketRecord, refs: References, now: dt.datetime) -> Checked:
    brand = refs.brand(record.brand)
    assignee = refs.assignee(record.assignee, brand) if record.assignee else None
    inbox = refs.inbox(record.inbox, record.channel, brand)
    team_id = refs.team(record.team, brand) if record.team else (inbox.default_team_id if inbox else None)
    authors: list[int | None] = []
    for index, message in enumerate(record.messages):
        if message.kind == MessageKind.CUSTOMER:
            authors.append(None)
        elif message.author_email:
            authors.append(refs.agent(message.author_email, f"messages[{index}].author").id)
        elif assignee is not None:
            authors.append(assignee.id)
        else:
            raise LineError(f"messages[{index}].author: a {message.kind} needs the agent's email (or an assignee).")
    try:
        custom = clean_custom_fields(brand.pk, record.custom_fields, known=refs.field_definitions(brand.pk))
    except ValidationFailed as exc:
        raise LineError(f"custom_fields: {exc.message}") from None
    return Checked(
        record=record,
        brand_id=brand.pk,
        assignee_id=assignee.id if assignee else None,
        team_id=team_id,
        inbox_id=inbox.id if inbox else None,
        custom_fields=custom,
        authors=authors,
        bodies=_bodies(record),
        times=_times(record, now),
    )


def _serial(stream: IO[bytes], refs: References, now: dt.datetime, batch_size: int) -> Iterator[Batch]:
    numbers_seen: set[int] = set()
    batch = Batch([], [], 0)
    for number, raw in read_lines(stream):
        batch.lines += 1
        try:
            if isinstance(raw, LineError):
                raise raw
            record = parse_record(number, decode_line(number, raw))
            checked = check_record(record, refs, now)
            if record.number is not None:
                if record.number in numbers_seen:
                    raise LineError(
                        f"number: {record.number} appears twice in this file.", code=errors.DUPLICATE_NUMBER
                    )
                numbers_seen.add(record.number)
        except LineError as exc:
            batch.rejected.append(Rejected(number, exc.code, exc.message))
            continue
        batch.tickets.append(checked)
        if len(batch.tickets) >= batch_size:
            yield batch
            batch = Batch([], [], 0)
    if batch.lines:
        yield batch


class _Reader(threading.Thread):
    """Checks lines on its own thread while the caller writes: the database work of a batch (SQLite's C code,
    or waiting for PostgreSQL) releases the GIL, so checking the next batch proceeds meanwhile."""

    def __init__(self, batches: Iterator[Batch]):
        super().__init__(name="import-reader", daemon=True)
        self.batches = batches
        self.queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=QUEUED_BATCHES)
        self.stopped = threading.Event()

    def _put(self, item: tuple[str, Any]) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        try:
            for batch in self.batches:
                if not self._put(("batch", batch)):
                    return
            self._put(("done", None))
        except BaseException as exc:  # handed to the writer, which raises it
            self._put(("error", exc))


def _threaded(batches: Iterator[Batch]) -> Iterator[Batch]:
    reader = _Reader(batches)
    reader.start()
    try:
        while True:
            kind, payload = reader.queue.get()
            if kind == "done":
                return
            if kind == "error":
                raise payload
            yield payload
    finally:
        reader.stopped.set()
        reader.join()


def checked_batches(
    stream: IO[bytes], refs: References, now: dt.datetime, *, batch_size: int, parallel: bool = True
) -> Iterator[Batch]:
    """Batches of checked tickets with the lines rejected while reading them, in file order; with `parallel`
    the next batch is checked on another thread while the caller writes this one."""
    batches = _serial(stream, refs, now, batch_size)
    return _threaded(batches) if parallel else batches
