"""The reading half of an import: lines to checked tickets, in batches, with the rejected lines beside them.

Nothing here writes or queries the database (References is filled before reading starts), which lets a large
import check lines in a second process while the first one writes the previous batch: on two cores the two
halves take about the same time, so the import takes about half as long.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import multiprocessing
import re
import traceback
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
    """Same output as core.html.text_to_html (paragraphs and line breaks kept), with one escape per message:
    escaping never touches white space, so splitting before or after it gives the same paragraphs."""
    escaped = html_lib.escape(text.strip())
    return "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in _PARAGRAPH.split(escaped) if p.strip())


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


def _reader(stream: IO[bytes], refs: References, now: dt.datetime, batch_size: int, queue: Any) -> None:
    try:
        for batch in _serial(stream, refs, now, batch_size):
            queue.put(("batch", batch))
        queue.put(("done", None))
    except BaseException:  # everything, so that the writer never waits forever; it raises it
        queue.put(("error", traceback.format_exc()))


def _parallel(stream: IO[bytes], refs: References, now: dt.datetime, batch_size: int) -> Iterator[Batch]:
    # fork: the reader inherits References and the open stream as they are, and never touches the database.
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=QUEUED_BATCHES)
    reader = context.Process(target=_reader, args=(stream, refs, now, batch_size, queue), daemon=True)
    reader.start()
    try:
        while True:
            kind, payload = queue.get()
            if kind == "batch":
                yield payload
            elif kind == "done":
                return
            else:
                raise RuntimeError(f"Reading the import failed:\n{payload}")
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        queue.close()


def can_read_in_parallel() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def checked_batches(
    stream: IO[bytes], refs: References, now: dt.datetime, *, batch_size: int, parallel: bool
) -> Iterator[Batch]:
    """Batches of checked tickets with the lines rejected while reading them, in file order."""
    if parallel and can_read_in_parallel():
        return _parallel(stream, refs, now, batch_size)
    return _serial(stream, refs, now, batch_size)
