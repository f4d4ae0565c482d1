"""Bulk import of tickets with their messages from JSON Lines (the format is in docs/operations/import.md).

Lines are read and checked on one thread (checking.py) while batches are written here: one transaction per
batch, multi-row INSERTs (bulk.py) for tickets, messages, tags, timeline events and contacts. Contacts are found
by email or created, organisations and tags by name, ticket numbers reserved in one block per batch, and each
ticket gets its list columns (message count, preview, last activity, first response, solved time) and one
"imported" timeline event. The search index follows by itself: database triggers index every inserted message.
If a batch fails as a whole (a number taken meanwhile, a value the database refuses), it is rolled back and
written again line by line, so that only the offending lines are lost and each is reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.events import publish
from frontdesk.core.models import Counter
from frontdesk.imports import errors, events
from frontdesk.imports.bulk import RowWriter, datetime_converter, db_json
from frontdesk.imports.checking import Checked, Rejected, checked_batches
from frontdesk.imports.references import References
from frontdesk.tickets.choices import DeliveryStatus, Direction, MessageKind, Status
from frontdesk.tickets.models import Message, Ticket, TicketTag, TimelineEvent
from frontdesk.tickets.services import PREVIEW_LENGTH, TICKET_NUMBER_SEQUENCE

DEFAULT_BATCH = 2000
KEPT_ERRORS = 1000  # rejected lines kept in the result; all are counted and passed to on_error
DIRECTION: dict[str, str] = {
    MessageKind.CUSTOMER: Direction.INBOUND,
    MessageKind.REPLY: Direction.OUTBOUND,
    MessageKind.NOTE: Direction.INTERNAL,
}
PUBLIC = (MessageKind.CUSTOMER, MessageKind.REPLY)


@dataclass
class ImportResult:
    lines: int = 0
    tickets: int = 0
    messages: int = 0
    skipped: int = 0
    seconds: float = 0.0
    rejected: list[Rejected] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)  # first and last id written, for the event

    def summary(self) -> str:
        text = f"imported {self.tickets:,} tickets, {self.messages:,} messages in {self.seconds:.1f}s"
        if self.skipped:
            text += f" ({self.skipped:,} skipped, see errors above)"
        return text


def _preview(text: str) -> str:
    return " ".join(text[: PREVIEW_LENGTH * 4].split())[:PREVIEW_LENGTH]


TICKET_FIELDS = (
    "number", "brand", "inbox", "channel_kind", "subject", "status", "priority", "ticket_type", "requester",
    "organisation", "assignee", "team", "custom_fields", "created_at", "updated_at", "last_message_at",
    "last_customer_message_at", "first_response_at", "solved_at", "closed_at", "message_count", "preview",
)
MESSAGE_FIELDS = (
    "ticket", "direction", "kind", "channel_kind", "author_agent", "author_contact", "body_text", "body_html",
    "external_id", "delivery_status", "delivery_error", "metadata", "created_at",
)
TIMELINE_FIELDS = ("ticket", "actor_agent", "actor_label", "action", "field", "before", "after", "created_at")


def _ticket_row(
    ready: Checked, number: int, requester_id: int, organisation_id: int | None, db_datetime: Callable[..., Any]
) -> tuple[Any, ...]:
    """The ticket row, list columns computed from the conversation (as the services keep them up to date)."""
    record, times = ready.record, ready.times
    kinds = [m.kind for m in record.messages]
    public = [i for i, kind in enumerate(kinds) if kind in PUBLIC]
    created = record.created_at or min(times)
    last_public = max((times[i] for i in public), default=created)
    status = Status.OPEN if ready.assignee_id and record.status == Status.NEW else record.status
    closed_at = record.closed_at or (last_public if status == Status.CLOSED else None)
    solved_at = record.solved_at or (last_public if status in (Status.SOLVED, Status.CLOSED) else None)
    updated = record.updated_at or max(t for t in (max(times), solved_at, closed_at) if t is not None)
    latest_public = max(public, key=lambda i: (times[i], i)) if public else None
    customer_times = [times[i] for i, kind in enumerate(kinds) if kind == MessageKind.CUSTOMER]
    reply_times = [times[i] for i, kind in enumerate(kinds) if kind == MessageKind.REPLY]
    return (
        number,
        ready.brand_id,
        ready.inbox_id,
        record.channel,
        record.subject or _preview(ready.bodies[0][0])[:80] or "(no subject)",
        status,
        record.priority,
        record.ticket_type,
        requester_id,
        organisation_id,
        ready.assignee_id,
        ready.team_id,
        db_json(ready.custom_fields),
        db_datetime(created),
        db_datetime(updated),
        db_datetime(last_public),
        db_datetime(max(customer_times, default=None)),
        db_datetime(min(reply_times, default=None)),
        db_datetime(solved_at),
        db_datetime(closed_at),
        len(kinds),
        _preview(ready.bodies[latest_public][0]) if latest_public is not None else "",
    )


class Importer:
    """One import run: checks lines, writes batches, keeps the counts (see import_tickets)."""

    def __init__(
        self,
        actor: Agent | None,
        *,
        source: str = "",
        batch_size: int = DEFAULT_BATCH,
        on_error: Callable[[Rejected], None] | None = None,
        on_progress: Callable[[ImportResult], None] | None = None,
    ):
        if actor is not None:
            permissions.require_admin(actor)
        self.actor = actor
        self.source = source[:200]
        self.batch_size = max(1, batch_size)
        self.on_error = on_error
        self.on_progress = on_progress
        self.refs = References()
        self.db_datetime = datetime_converter()
        self.writers = {
            "ticket": RowWriter(Ticket, TICKET_FIELDS),
            "message": RowWriter(Message, MESSAGE_FIELDS),
            "tag": RowWriter(TicketTag, ("ticket", "tag")),
            "timeline": RowWriter(TimelineEvent, TIMELINE_FIELDS),
        }
        self.result = ImportResult()
        self.started = time.monotonic()
        self.now = timezone.now()

    def reject(self, rejected: Rejected) -> None:
        self.result.skipped += 1
        if len(self.result.rejected) < KEPT_ERRORS:
            self.result.rejected.append(rejected)
        if self.on_error is not None:
            self.on_error(rejected)

    def run(self, stream: IO[bytes], *, parallel: bool = True) -> ImportResult:
        for batch in checked_batches(stream, self.refs, self.now, batch_size=self.batch_size, parallel=parallel):
            self.result.lines += batch.lines
            for rejected in batch.rejected:
                self.reject(rejected)
            self.flush(batch.tickets)
        self.result.seconds = time.monotonic() - self.started
        return self.result

    def flush(self, batch: list[Checked]) -> None:
        """Write a batch in one transaction; if the database refuses it, write its lines one by one."""
        taken = set(
            Ticket.objects.filter(number__in=[r.record.number for r in batch if r.record.number]).values_list(
                "number", flat=True
            )
        )
        writable = []
        for ready in batch:
            if ready.record.number in taken:
                self.reject(
                    Rejected(
                        ready.record.line,
                        errors.DUPLICATE_NUMBER,
                        f"number: ticket #{ready.record.number} already exists.",
                    )
                )
            else:
                writable.append(ready)
        try:
            self._write(writable)
        except (DatabaseError, ValidationFailed):
            self.refs.forget_created()
            for ready in writable:
                try:
                    self._write([ready])
                except (DatabaseError, ValidationFailed) as exc:
                    self.refs.forget_created()
                    reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
                    self.reject(Rejected(ready.record.line, errors.WRITE_FAILED, f"the database refused it: {reason}"))
        self.result.seconds = time.monotonic() - self.started
        if self.on_progress is not None:
            self.on_progress(self.result)

    def _numbers(self, batch: list[Checked]) -> list[int]:
        explicit = [r.record.number for r in batch if r.record.number]
        if explicit:
            # Numbers given in the file move the counter past them, so that new tickets never reuse one.
            highest = max(explicit)
            Counter.advance(TICKET_NUMBER_SEQUENCE, by=0)
            Counter.objects.filter(name=TICKET_NUMBER_SEQUENCE, value__lt=highest).update(value=highest)
        missing = sum(1 for r in batch if not r.record.number)
        block: Iterator[int] = iter(())
        if missing:
            last = Counter.advance(TICKET_NUMBER_SEQUENCE, by=missing)
            block = iter(range(last - missing + 1, last + 1))
        return [r.record.number or next(block) for r in batch]

    def _write(self, batch: list[Checked]) -> None:
        if not batch:
            return
        refs = self.refs
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # A batch is replayed from the file if the server stops before its commit reaches the
                    # disk, so it need not wait for the flush; a bigger GIN pending list merges in fewer passes.
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    cursor.execute("SET LOCAL gin_pending_list_limit = '32MB'")
            organisations = refs.organisations(
                {(r.brand_id, r.record.organisation) for r in batch if r.record.organisation}
            )
            wanted: dict[tuple[int, str], tuple[str, int | None, str]] = {}
            for r in batch:
                rec = r.record
                org = organisations.get((r.brand_id, rec.organisation)) if rec.organisation else None
                wanted.setdefault((r.brand_id, rec.requester_email), (rec.requester_name, org, rec.language))
                for message in rec.messages:
                    if message.kind == MessageKind.CUSTOMER and message.author_email:
                        wanted.setdefault((r.brand_id, message.author_email), (message.author_name, None, ""))
            refs.contacts_for(wanted)
            tag_ids = refs.tag_ids(name for r in batch for name in r.record.tags)
            db_datetime = self.db_datetime
            rows = []
            for r, number in zip(batch, self._numbers(batch), strict=True):
                requester = refs.contacts[(r.brand_id, r.record.requester_email)]
                org = organisations.get((r.brand_id, r.record.organisation)) if r.record.organisation else None
                rows.append(_ticket_row(r, number, requester.id, org or requester.organisation_id, db_datetime))
            ticket_ids = self.writers["ticket"].insert(rows, returning=True)
            messages: list[tuple[Any, ...]] = []
            ticket_tags: list[tuple[Any, ...]] = []
            timeline: list[tuple[Any, ...]] = []
            actor_id = self.actor.pk if self.actor else None
            label = "" if self.actor else "Import"
            now = db_datetime(self.now)
            for r, ticket_id, row in zip(batch, ticket_ids, rows, strict=True):
                rec = r.record
                for i in sorted(range(len(rec.messages)), key=r.times.__getitem__):
                    message = rec.messages[i]
                    text, html = r.bodies[i]
                    contact_id = None
                    if message.kind == MessageKind.CUSTOMER:
                        contact_id = refs.contacts[(r.brand_id, message.author_email or rec.requester_email)].id
                    messages.append((
                        ticket_id,
                        DIRECTION[message.kind],
                        message.kind,
                        rec.channel,
                        r.authors[i],
                        contact_id,
                        text,
                        html,
                        message.external_id,
                        DeliveryStatus.SENT if message.kind == MessageKind.REPLY else DeliveryStatus.NOT_APPLICABLE,
                        "",
                        "{}",
                        db_datetime(r.times[i]),
                    ))
                ticket_tags.extend((ticket_id, tag_ids[name]) for name in rec.tags)
                after = {
                    "source": self.source,
                    "line": rec.line,
                    "status": row[5],
                    "priority": rec.priority,
                    "channel_kind": rec.channel,
                    "tags": rec.tags,
                    "messages": len(rec.messages),
                }
                timeline.append((ticket_id, actor_id, label, "imported", "", None, db_json(after), now))
            self.writers["message"].insert(messages)
            self.writers["tag"].insert(ticket_tags)
            self.writers["timeline"].insert(timeline)
            publish(
                events.TICKETS_IMPORTED,
                {"ticket_ids": [min(ticket_ids), max(ticket_ids)], "count": len(ticket_ids), "source": self.source},
            )
        self.result.tickets += len(ticket_ids)
        self.result.messages += len(messages)


def import_tickets(
    actor: Agent | None,
    stream: IO[bytes],
    *,
    source: str = "",
    batch_size: int = DEFAULT_BATCH,
    on_error: Callable[[Rejected], None] | None = None,
    on_progress: Callable[[ImportResult], None] | None = None,
    parallel: bool = True,
) -> ImportResult:
    """Import every good line of a JSON Lines stream (bytes); `actor` None is the installer (console command),
    otherwise an admin. Bad lines are passed to `on_error` as they are found and counted in the result.
    `parallel` checks the next lines on a second thread while a batch is written."""
    importer = Importer(
        actor, source=source, batch_size=batch_size, on_error=on_error, on_progress=on_progress
    )
    result = importer.run(stream, parallel=parallel)
    _after_bulk_load(result)
    return result


def _after_bulk_load(result: ImportResult) -> None:
    """Refresh the planner's statistics after a large load, so that the first searches are planned well."""
    if result.tickets < 10_000:
        return
    from frontdesk.tickets.search import optimize_index

    optimize_index()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE tickets_ticket, tickets_message, contacts_contact, contacts_contactidentity")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")

