"""All writes to tickets and their messages. Every change writes a timeline event and publishes after commit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent, Team
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import Contact
from frontdesk.contacts.services import resolve_contact
from frontdesk.core.db import rows
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.core.events import publish
from frontdesk.core.html import html_to_text, sanitize_html, text_to_html
from frontdesk.core.models import Brand, Counter
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets import errors, events
from frontdesk.tickets.attachments import store_attachment
from frontdesk.tickets.choices import (
    UNSOLVED,
    DeliveryStatus,
    Direction,
    MessageKind,
    Priority,
    Status,
    TicketType,
)
from frontdesk.tickets.fields import clean_custom_fields, missing_required_fields
from frontdesk.tickets.models import Message, Tag, Ticket, TicketParticipant, TicketTag, TimelineEvent

TICKET_NUMBER_SEQUENCE = "ticket_number"
PREVIEW_LENGTH = 200


@dataclass
class Upload:
    """A file handed to a service, already read (size limits were checked at the edge and are checked again)."""

    filename: str
    content: bytes
    content_type: str = ""
    content_id: str = ""
    is_inline: bool = False


def _actor_label(actor: Agent | None) -> dict[str, Any]:
    return {"actor_agent": actor} if actor is not None else {"actor_label": "System"}


def record(
    ticket: Ticket,
    actor: Agent | None,
    action: str,
    field: str = "",
    before: Any = None,
    after: Any = None,
    *,
    at: dt.datetime | None = None,
    label: str = "",
) -> TimelineEvent:
    """Write one timeline event on the ticket."""
    extra = _actor_label(actor)
    if label:
        extra["actor_label"] = label
    return rows.insert(
        TimelineEvent(
            ticket=ticket, action=action, field=field, before=before, after=after, created_at=at or timezone.now(),
            **extra,
        )
    )


def normalise_tag(name: str) -> str:
    cleaned = "-".join((name or "").strip().lower().split())
    if not cleaned or len(cleaned) > 60:
        raise ValidationFailed(f"A tag is 1 to 60 characters; got {name!r}.", code=errors.INVALID_FIELD)
    return cleaned


def tags_by_name(names: Iterable[str]) -> list[Tag]:
    wanted = sorted({normalise_tag(n) for n in names})
    if not wanted:
        return []
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=n) for n in wanted if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    return [existing[n] for n in wanted]


def _bodies(text: str, html: str) -> tuple[str, str]:
    html = sanitize_html(html) if html else ""
    text = (text or "").strip() or html_to_text(html)
    if not html and text:
        html = text_to_html(text)
    return text, html


def _preview(text: str) -> str:
    return " ".join(text.split())[:PREVIEW_LENGTH]


def _check_assignee(ticket_brand_id: int, assignee: Agent | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active:
        raise ValidationFailed(f"{assignee} is deactivated.", code=errors.INVALID_ASSIGNEE)
    if assignee.role == "read_only" or assignee.role == "light_agent":
        raise ValidationFailed(
            f"{assignee} cannot be assigned tickets (role {assignee.role}).", code=errors.INVALID_ASSIGNEE
        )
    if not permissions.can_see_brand(assignee, ticket_brand_id):
        raise ValidationFailed(f"{assignee} does not work for this brand.", code=errors.INVALID_ASSIGNEE)


def _check_team(ticket_brand_id: int, team: Team | None) -> None:
    if team is not None and team.brand_id != ticket_brand_id:
        raise ValidationFailed(f"Team {team} belongs to another brand.", code=errors.INVALID_TEAM)


def open_ticket(actor: Agent | None, **fields: Any) -> Ticket:
    """Open a ticket with the requester's first message. `actor` is the agent or token acting, None for a channel.

    Takes the keyword arguments of `open_ticket_message`.
    """
    return open_ticket_message(actor, **fields).ticket


def open_ticket_message(
    actor: Agent | None,
    *,
    brand: Brand,
    requester: Contact,
    subject: str,
    text: str = "",
    html: str = "",
    inbox: Inbox | None = None,
    channel_kind: str | None = None,
    status: str = Status.NEW,
    priority: str = Priority.NORMAL,
    ticket_type: str = "",
    tags: Sequence[str] = (),
    assignee: Agent | None = None,
    team: Team | None = None,
    custom_fields: dict[str, Any] | None = None,
    attachments: Sequence[Upload] = (),
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    follow_up_of: Ticket | None = None,
) -> Message:
    """Open a ticket with the requester's first message and return that message (its `.ticket` is the ticket).

    `follow_up_of` links the new ticket to an earlier, closed one about the same matter (both timelines say so).
    """
    if actor is not None:
        permissions.require_writer(actor)
        permissions.require(permissions.can_see_brand(actor, brand.pk), "You do not work for this brand.")
    if requester.brand_id != brand.pk:
        raise ValidationFailed("The requester belongs to another brand.")
    if inbox is not None and inbox.brand_id != brand.pk:
        raise ValidationFailed("The inbox belongs to another brand.")
    subject = " ".join((subject or "").split())[:300]
    text, html = _bodies(text, html)
    if not subject and not text:
        raise ValidationFailed("A ticket needs a subject or a message.", code=errors.EMPTY_MESSAGE)
    _validate_choice("status", status, Status)
    _validate_choice("priority", priority, Priority)
    if ticket_type:
        _validate_choice("type", ticket_type, TicketType)
    team = team if team is not None else (inbox.default_team if inbox else None)
    _check_assignee(brand.pk, assignee)
    _check_team(brand.pk, team)
    fields = clean_custom_fields(brand.pk, custom_fields or {})
    now = at or timezone.now()
    kind = channel_kind or (inbox.channel_kind if inbox else "api")
    # Everything that can be read or built is done before the transaction: on SQLite it holds the one write
    # lock, on PostgreSQL the ticket-number counter's row lock, and every other creation waits for them.
    tag_rows = tags_by_name(tags)
    ticket = Ticket(
        brand=brand,
        inbox=inbox,
        channel_kind=kind,
        subject=subject or _preview(text)[:80] or "(no subject)",
        status=Status.OPEN if assignee and status == Status.NEW else status,
        priority=priority,
        ticket_type=ticket_type,
        requester=requester,
        organisation_id=requester.organisation_id,
        assignee=assignee,
        team=team,
        custom_fields=fields,
        follow_up_of=follow_up_of,
        created_at=now,
        updated_at=now,
        last_message_at=now,
        last_customer_message_at=now,
        message_count=1,
        preview=_preview(text),
    )
    created = TimelineEvent(
        action="created",
        after={"status": ticket.status, "priority": priority, "channel_kind": kind, "tags": [t.name for t in tag_rows]},
        created_at=now,
        **_actor_label(actor),
    )
    if actor is None:
        created.actor_label = requester.display_name
    if follow_up_of is not None:
        created.after["follow_up_of"] = {"id": follow_up_of.pk, "number": follow_up_of.number}  # type: ignore[index]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Taken in a statement of its own (autocommit), the counter's row lock lasts one UPDATE instead of the
        # whole transaction; a ticket that then fails to be written leaves a gap in the numbers, nothing else.
        ticket.number = Counter.advance(TICKET_NUMBER_SEQUENCE)
    with transaction.atomic():
        if ticket.number is None:
            ticket.number = Counter.advance(TICKET_NUMBER_SEQUENCE)
        rows.insert(ticket)
        message = rows.insert(
            Message(
                ticket=ticket,
                direction=Direction.INBOUND,
                kind=MessageKind.CUSTOMER,
                channel_kind=kind,
                author_contact=requester,
                body_text=text,
                body_html=html,
                external_id=external_id[:500],
                metadata=metadata or {},
                created_at=now,
            )
        )
        for upload in attachments:
            _attach(ticket, message, upload)
        if tag_rows:
            TicketTag.objects.bulk_create([TicketTag(ticket=ticket, tag=t) for t in tag_rows])
        created.ticket = ticket
        rows.insert(created)
        if follow_up_of is not None:
            record(
                follow_up_of, actor, "follow_up_opened", "follow_up", None,
                {"id": ticket.pk, "number": ticket.number}, at=now, label="" if actor else requester.display_name,
            )
    publish(events.TICKET_CREATED, {"ticket_id": ticket.pk, "brand_id": brand.pk})
    publish(events.MESSAGE_CREATED, {"ticket_id": ticket.pk, "message_id": message.pk, "kind": message.kind})
    return message


def log_ticket(
    actor: Agent,
    *,
    brand: Brand,
    email: str,
    name: str = "",
    subject: str,
    text: str,
    channel_kind: str = "email",
    **fields: Any,
) -> Ticket:
    """An agent logs a ticket for a customer known by email (a call, a walk-in, a message received elsewhere).

    The contact is found or created and the ticket opened in one transaction: a refused ticket leaves no contact.
    """
    permissions.require_writer(actor)
    permissions.require(permissions.can_see_brand(actor, brand.pk), "You do not work for this brand.")
    inbox = Inbox.objects.filter(brand=brand, channel_kind=channel_kind, is_active=True).order_by("id").first()
    with transaction.atomic():
        contact, _ = resolve_contact(brand, IdentityKind.EMAIL, email, name=name.strip())
        return open_ticket(
            actor,
            brand=brand,
            requester=contact,
            subject=subject,
            text=text,
            inbox=inbox,
            channel_kind=channel_kind,
            **fields,
        )


def _validate_choice(name: str, value: str, choices: Any) -> None:
    if value not in choices.values:
        raise ValidationFailed(
            f"{value!r} is not a valid {name}; use one of {', '.join(choices.values)}.", code=errors.INVALID_FIELD
        )


def _attach(ticket: Ticket, message: Message, upload: Upload) -> None:
    store_attachment(
        ticket,
        message,
        filename=upload.filename,
        content=upload.content,
        declared_content_type=upload.content_type,
        content_id=upload.content_id,
        is_inline=upload.is_inline,
    )


def receive_customer_message(
    ticket: Ticket,
    contact: Contact,
    *,
    text: str = "",
    html: str = "",
    attachments: Sequence[Upload] = (),
    channel_kind: str | None = None,
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    automated: bool = False,
) -> Message:
    """A customer wrote again on an existing ticket: store it and bring the ticket back to the agents.

    `automated` (an out-of-office or other automatic answer) is stored on the ticket without reopening it.
    """
    text, html = _bodies(text, html)
    now = at or timezone.now()
    with transaction.atomic():
        status = _locked_status(ticket.pk)
        message = rows.insert(
            Message(
                ticket=ticket,
                direction=Direction.INBOUND,
                kind=MessageKind.CUSTOMER,
                channel_kind=channel_kind or ticket.channel_kind,
                author_contact=contact,
                body_text=text,
                body_html=html,
                external_id=external_id[:500],
                metadata=metadata or {},
                created_at=now,
            )
        )
        for upload in attachments:
            _attach(ticket, message, upload)
        update: dict[str, Any] = {
            "last_message_at": now,
            "updated_at": now,
            "message_count": F("message_count") + 1,
        }
        if not automated:
            update.update(last_customer_message_at=now, preview=_preview(text))
        if not automated and status in (Status.PENDING, Status.SOLVED, Status.ON_HOLD):
            update.update(status=Status.OPEN, solved_at=None)
            record(
                ticket, None, "status_changed", "status", status, Status.OPEN, at=now, label=contact.display_name
            )
        Ticket.objects.filter(pk=ticket.pk).update(**update)
    publish(events.MESSAGE_CREATED, {"ticket_id": ticket.pk, "message_id": message.pk, "kind": message.kind})
    return message


def _locked_status(ticket_id: int) -> str:
    """The ticket's status, its row locked until the transaction ends (PostgreSQL; SQLite's writer holds the
    database). Hand-written: customer messages arrive on this path at the rate mail does."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {Ticket._meta.db_table} WHERE id = %s{lock}", [ticket_id])
        row = cursor.fetchone()
    if row is None:
        raise Ticket.DoesNotExist(f"Ticket {ticket_id} does not exist.")
    return str(row[0])


def post_reply(
    actor: Agent,
    ticket: Ticket,
    *,
    text: str = "",
    html: str = "",
    attachments: Sequence[Upload] = (),
    status: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Message:
    """An agent answers the customer; the reply goes out through the channel's outbox."""
    permissions.require_writer(actor)
    permissions.require(permissions.can_see_ticket(actor, ticket), "You cannot see this ticket.")
    return _post(
        actor,
        ticket,
        MessageKind.REPLY,
        text=text,
        html=html,
        attachments=attachments,
        status=status,
        metadata=metadata,
    )


def add_note(
    actor: Agent,
    ticket: Ticket,
    *,
    text: str = "",
    html: str = "",
    attachments: Sequence[Upload] = (),
    metadata: dict[str, Any] | None = None,
) -> Message:
    """An internal note: seen by agents only, never sent to the customer."""
    permissions.require(permissions.can_add_note(actor), "Your role cannot add notes.")
    permissions.require(permissions.can_see_ticket(actor, ticket), "You cannot see this ticket.")
    return _post(actor, ticket, MessageKind.NOTE, text=text, html=html, attachments=attachments, metadata=metadata)


def _post(
    actor: Agent,
    ticket: Ticket,
    kind: str,
    *,
    text: str,
    html: str,
    attachments: Sequence[Upload],
    status: str | None = None,
    metadata: dict[str, Any] | None = None,
    send: bool = True,
    external_id: str = "",
    at: dt.datetime | None = None,
) -> Message:
    text, html = _bodies(text, html)
    if not text and not attachments:
        raise ValidationFailed("The message is empty.", code=errors.EMPTY_MESSAGE)
    if status is not None:
        _validate_choice("status", status, Status)
    now = at or timezone.now()
    is_reply = kind == MessageKind.REPLY
    sends = send and is_reply and capabilities(ticket.channel_kind).outbound
    if sends:
        delivery = DeliveryStatus.QUEUED
    elif is_reply and not send:
        delivery = DeliveryStatus.SENT  # it went out already, by the agent's own mail client
    else:
        delivery = DeliveryStatus.NOT_APPLICABLE
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        message = Message.objects.create(
            ticket=locked,
            direction=Direction.OUTBOUND if is_reply else Direction.INTERNAL,
            kind=kind,
            channel_kind=locked.channel_kind,
            author_agent=actor,
            body_text=text,
            body_html=html,
            delivery_status=delivery,
            external_id=external_id[:500],
            metadata=metadata or {},
            created_at=now,
        )
        for upload in attachments:
            _attach(locked, message, upload)
        update: dict[str, Any] = {"updated_at": now, "message_count": F("message_count") + 1}
        if is_reply:
            update.update(last_message_at=now, preview=_preview(text))
            if locked.first_response_at is None:
                update["first_response_at"] = now
            if locked.assignee_id is None and actor.role != "admin":
                update["assignee_id"] = actor.pk
                record(locked, actor, "assigned", "assignee", None, _agent_ref(actor), at=now)
        Ticket.objects.filter(pk=locked.pk).update(**update)
        new_status = status or (Status.OPEN if is_reply and locked.status == Status.NEW else None)
        if new_status and new_status != locked.status:
            locked.refresh_from_db()
            _apply_changes(actor, locked, {"status": new_status}, now)
    ticket.refresh_from_db()
    publish(events.MESSAGE_CREATED, {"ticket_id": ticket.pk, "message_id": message.pk, "kind": kind})
    if sends:
        publish(events.REPLY_QUEUED, {"ticket_id": ticket.pk, "message_id": message.pk})
    return message


def _agent_ref(agent: Agent | None) -> dict[str, Any] | None:
    return {"id": agent.pk, "name": str(agent)} if agent else None


def _team_ref(team: Team | None) -> dict[str, Any] | None:
    return {"id": team.pk, "name": team.name} if team else None


TICKET_FIELDS = {"subject", "status", "priority", "ticket_type", "assignee", "team", "custom_fields"}
SET_FIELDS = {"tags", "add_tags", "remove_tags", "followers"}


def update_ticket(actor: Agent, ticket: Ticket, **changes: Any) -> Ticket:
    """Change any of subject, status, priority, ticket_type, assignee, team, custom_fields (merged), tags
    (replaced), add_tags, remove_tags, followers; each real change is recorded on the timeline."""
    permissions.require_writer(actor)
    permissions.require(permissions.can_see_ticket(actor, ticket), "You cannot see this ticket.")
    unknown = set(changes) - TICKET_FIELDS - SET_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown ticket field(s): {', '.join(sorted(unknown))}.", code=errors.INVALID_FIELD)
    now = timezone.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        changed = _apply_changes(actor, locked, changes, now)
    if changed:
        publish(events.TICKET_UPDATED, {"ticket_id": locked.pk, "fields": sorted(changed)})
    return locked


def _apply_changes(actor: Agent | None, ticket: Ticket, changes: dict[str, Any], now: dt.datetime) -> set[str]:
    changed: set[str] = set()
    update_fields: list[str] = []
    if "subject" in changes:
        subject = " ".join(str(changes["subject"] or "").split())[:300]
        if not subject:
            raise ValidationFailed("The subject cannot be empty.", code=errors.INVALID_FIELD)
        if subject != ticket.subject:
            record(ticket, actor, "subject_changed", "subject", ticket.subject, subject, at=now)
            ticket.subject = subject
            update_fields.append("subject")
    for name, field, choices in (
        ("status", "status", Status),
        ("priority", "priority", Priority),
        ("type", "ticket_type", TicketType),
    ):
        if field not in changes:
            continue
        value = changes[field] or ""
        if value or field != "ticket_type":
            _validate_choice(name, value, choices)
        if value != getattr(ticket, field):
            if field == "status":
                _status_side_fields(ticket, value, now, update_fields)
            record(ticket, actor, f"{field}_changed", field, getattr(ticket, field), value, at=now)
            setattr(ticket, field, value)
            update_fields.append(field)
    if "assignee" in changes:
        assignee = changes["assignee"]
        _check_assignee(ticket.brand_id, assignee)
        if (assignee.pk if assignee else None) != ticket.assignee_id:
            before = _agent_ref(ticket.assignee) if ticket.assignee_id else None
            record(
                ticket,
                actor,
                "assigned" if assignee else "unassigned",
                "assignee",
                before,
                _agent_ref(assignee),
                at=now,
            )
            ticket.assignee = assignee
            update_fields.append("assignee")
            if assignee and ticket.status == Status.NEW and "status" not in changes:
                record(ticket, actor, "status_changed", "status", Status.NEW, Status.OPEN, at=now)
                ticket.status = Status.OPEN
                update_fields.append("status")
    if "team" in changes:
        team = changes["team"]
        _check_team(ticket.brand_id, team)
        if (team.pk if team else None) != ticket.team_id:
            before = _team_ref(ticket.team) if ticket.team_id else None
            record(ticket, actor, "team_changed", "team", before, _team_ref(team), at=now)
            ticket.team = team
            update_fields.append("team")
    if "custom_fields" in changes:
        merged = {**ticket.custom_fields, **(changes["custom_fields"] or {})}
        cleaned = clean_custom_fields(ticket.brand_id, merged)
        for key in sorted(set(cleaned) | set(ticket.custom_fields)):
            if cleaned.get(key) != ticket.custom_fields.get(key):
                record(
                    ticket,
                    actor,
                    "field_changed",
                    f"custom.{key}",
                    ticket.custom_fields.get(key),
                    cleaned.get(key),
                    at=now,
                )
        if cleaned != ticket.custom_fields:
            ticket.custom_fields = cleaned
            update_fields.append("custom_fields")
    if ticket.status in (Status.SOLVED, Status.CLOSED) and "status" in update_fields:
        missing = missing_required_fields(ticket.brand_id, ticket.custom_fields)
        if missing:
            raise ValidationFailed(
                f"Fill in {', '.join(missing)} before solving.",
                code=errors.REQUIRED_FIELD_MISSING,
                details={"fields": missing},
            )
    if update_fields:
        ticket.updated_at = now
        ticket.save(update_fields=[*dict.fromkeys(update_fields), "updated_at"])
        changed.update(update_fields)
    if {"tags", "add_tags", "remove_tags"} & set(changes) and _change_tags(actor, ticket, changes, now):
        changed.add("tags")
    if "followers" in changes and _change_followers(actor, ticket, changes["followers"], now):
        changed.add("followers")
    if changed - set(update_fields):
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    return changed


def _status_side_fields(ticket: Ticket, status: str, now: dt.datetime, update_fields: list[str]) -> None:
    if ticket.status == Status.CLOSED:
        raise ValidationFailed(
            "A closed ticket cannot change status; open a follow-up instead.", code=errors.INVALID_FIELD
        )
    if status == Status.SOLVED:
        ticket.solved_at = now
        update_fields.append("solved_at")
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
        update_fields.extend(["closed_at", "solved_at"])
    elif status in UNSOLVED and ticket.solved_at:
        ticket.solved_at = None
        update_fields.append("solved_at")


def _change_tags(actor: Agent | None, ticket: Ticket, changes: dict[str, Any], now: dt.datetime) -> bool:
    current = set(ticket.tags.values_list("name", flat=True))
    wanted = {normalise_tag(n) for n in changes["tags"] or []} if "tags" in changes else set(current)
    wanted |= {normalise_tag(n) for n in changes.get("add_tags") or []}
    wanted -= {normalise_tag(n) for n in changes.get("remove_tags") or []}
    if wanted == current:
        return False
    added, removed = wanted - current, current - wanted
    if removed:
        TicketTag.objects.filter(ticket=ticket, tag__name__in=removed).delete()
    if added:
        TicketTag.objects.bulk_create(
            [TicketTag(ticket=ticket, tag=t) for t in tags_by_name(added)], ignore_conflicts=True
        )
    record(ticket, actor, "tags_changed", "tags", sorted(current), sorted(wanted), at=now)
    return True


def _change_followers(actor: Agent | None, ticket: Ticket, followers: Sequence[Agent], now: dt.datetime) -> bool:
    wanted = {a.pk: a for a in followers or []}
    for agent in wanted.values():
        if not permissions.can_see_ticket(agent, ticket):
            raise ValidationFailed(f"{agent} cannot see this ticket and cannot follow it.", code=errors.INVALID_FIELD)
    current = set(ticket.followers.values_list("id", flat=True))
    if set(wanted) == current:
        return False
    ticket.followers.set(list(wanted.values()))
    record(ticket, actor, "followers_changed", "followers", sorted(current), sorted(wanted), at=now)
    return True


def bulk_update(actor: Agent, tickets: Sequence[Ticket], **changes: Any) -> int:
    """Apply the same change to many tickets at once; all or nothing."""
    permissions.require_writer(actor)
    if not tickets:
        return 0
    for ticket in tickets:
        if not permissions.can_see_ticket(actor, ticket):
            raise PermissionDenied(f"You cannot change ticket #{ticket.number}.")
    now = timezone.now()
    done: list[tuple[int, set[str]]] = []
    with transaction.atomic():
        for ticket in (
            # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins to assignee and team.
            Ticket.objects.select_for_update(of=("self",))
            .filter(pk__in=[t.pk for t in tickets])
            .select_related("assignee", "team")
        ):
            changed = _apply_changes(actor, ticket, dict(changes), now)
            if changed:
                done.append((ticket.pk, changed))
    for ticket_id, changed in done:
        publish(events.TICKET_UPDATED, {"ticket_id": ticket_id, "fields": sorted(changed)})
    return len(done)


def reassign_requester(actor: Agent, *, source: Contact, target: Contact) -> int:
    """Move every ticket of `source` to `target` (used by contact merge), recorded on each ticket."""
    now = timezone.now()
    tickets = list(Ticket.objects.filter(requester=source).only("id"))
    for ticket in tickets:
        record(
            ticket,
            actor,
            "requester_changed",
            "requester",
            {"id": source.pk, "name": source.display_name},
            {"id": target.pk, "name": target.display_name},
            at=now,
        )
    Ticket.objects.filter(requester=source).update(requester=target, organisation=target.organisation, updated_at=now)
    Message.objects.filter(author_contact=source).update(author_contact=target)
    return len(tickets)


def record_agent_mail(
    agent: Agent,
    ticket: Ticket,
    *,
    as_note: bool = False,
    text: str = "",
    html: str = "",
    attachments: Sequence[Upload] = (),
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
) -> Message:
    """A mail an agent wrote from their own mail client, copied to the support address: stored as their reply
    (already sent: the customer was on that mail, so it is never sent again) or, with `as_note`, as a note."""
    kind = MessageKind.NOTE if as_note else MessageKind.REPLY
    return _post(
        agent, ticket, kind, text=text, html=html, attachments=attachments, metadata=metadata, send=False,
        external_id=external_id,
    )


def open_ticket_by_agent_mail(
    agent: Agent,
    *,
    brand: Brand,
    inbox: Inbox,
    requester: Contact,
    subject: str,
    text: str = "",
    html: str = "",
    attachments: Sequence[Upload] = (),
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
) -> Message:
    """A conversation an agent began from their own mail client with the support address copied in: a ticket for
    the customer they wrote to, whose first message is the agent's reply (already sent: never sent again),
    assigned to them and pending the customer's answer. Returns that reply (its `.ticket` is the ticket)."""
    permissions.require_writer(agent)
    permissions.require(permissions.can_see_brand(agent, brand.pk), "You do not work for this brand.")
    if requester.brand_id != brand.pk or inbox.brand_id != brand.pk:
        raise ValidationFailed("The requester and the inbox must belong to the ticket's brand.")
    subject = " ".join((subject or "").split())[:300]
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=Counter.advance(TICKET_NUMBER_SEQUENCE), brand=brand, inbox=inbox, channel_kind=inbox.channel_kind,
            subject=subject or _preview(html_to_text(html) if html and not text else text)[:80] or "(no subject)",
            requester=requester, organisation_id=requester.organisation_id, team=inbox.default_team,
            created_at=now, updated_at=now, last_message_at=now, message_count=0,
        )
        record(
            ticket, agent, "created", after={"status": ticket.status, "priority": ticket.priority,
                                             "channel_kind": ticket.channel_kind, "tags": []}, at=now,
        )
        message = _post(
            agent, ticket, MessageKind.REPLY, text=text, html=html, attachments=attachments, status=Status.PENDING,
            metadata=metadata, send=False, external_id=external_id, at=now,
        )
    publish(events.TICKET_CREATED, {"ticket_id": ticket.pk, "brand_id": brand.pk})
    return message


def add_system_message(
    ticket: Ticket,
    text: str,
    *,
    outbound: bool = False,
    metadata: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Message:
    """A message written by the product itself: a notice for agents (a bounce), or with `outbound` an automatic
    mail to the customer (an acknowledgement) that the outbox sends; it never changes the ticket's status."""
    now = at or timezone.now()
    message = rows.insert(
        Message(
            ticket=ticket,
            direction=Direction.OUTBOUND if outbound else Direction.INTERNAL,
            kind=MessageKind.SYSTEM,
            channel_kind=ticket.channel_kind,
            body_text=text,
            body_html=text_to_html(text),
            delivery_status=DeliveryStatus.QUEUED if outbound else DeliveryStatus.NOT_APPLICABLE,
            metadata=metadata or {},
            created_at=now,
        )
    )
    with connection.cursor() as cursor:  # hand-written: every new email ticket writes its acknowledgement here
        cursor.execute(
            f"UPDATE {Ticket._meta.db_table} SET updated_at = %s, message_count = message_count + 1 WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(now), ticket.pk],
        )
    publish(events.MESSAGE_CREATED, {"ticket_id": ticket.pk, "message_id": message.pk, "kind": message.kind})
    return message


def set_delivery_status(
    message: Message, status: str, *, error: str = "", external_id: str | None = None, at: dt.datetime | None = None
) -> None:
    """Record what became of an outbound message (sent, failed, bounced); failures are put on the timeline."""
    _validate_choice("delivery status", status, DeliveryStatus)
    now = at or timezone.now()
    changes: dict[str, Any] = {"delivery_status": status, "delivery_error": error[:2000]}
    if external_id is not None:
        changes["external_id"] = external_id[:500]
    Message.objects.filter(pk=message.pk).update(**changes)
    before = message.delivery_status
    for field, value in changes.items():
        setattr(message, field, value)
    if status in (DeliveryStatus.FAILED, DeliveryStatus.BOUNCED) and before != status:
        record(
            message.ticket, None, f"delivery_{status}", "delivery_status", before,
            {"message_id": message.pk, "status": status, "error": error[:500]}, at=now,
        )
    publish(
        events.DELIVERY_UPDATED,
        {"ticket_id": message.ticket_id, "message_id": message.pk, "delivery_status": status},
    )


def _participant_ref(contact: Contact) -> dict[str, Any]:
    return {"contact_id": contact.pk, "name": contact.display_name, "address": contact.primary_address}


def add_participants(
    ticket: Ticket,
    contacts: Iterable[Contact],
    *,
    actor: Agent | None = None,
    label: str = "",
    role: str = "cc",
    at: dt.datetime | None = None,
) -> list[TicketParticipant]:
    """Put contacts on a ticket besides its requester (copied in on a mail); those already on it are skipped."""
    wanted = {c.pk: c for c in contacts if c.pk != ticket.requester_id}
    if not wanted:
        return []
    now = at or timezone.now()
    present = set(
        TicketParticipant.objects.filter(ticket_id=ticket.pk, contact_id__in=list(wanted)).values_list(
            "contact_id", flat=True
        )
    )
    added = [
        TicketParticipant(ticket=ticket, contact=c, role=role, added_at=now)
        for pk, c in wanted.items()
        if pk not in present
    ]
    if not added:
        return []
    TicketParticipant.objects.bulk_create(added, ignore_conflicts=True)
    for participant in added:
        record(ticket, actor, "participant_added", "participants", None, _participant_ref(participant.contact),
               at=now, label=label)
    return added


def add_participant(actor: Agent, ticket: Ticket, email: str, name: str = "") -> TicketParticipant:
    """An agent copies someone in on a ticket: later replies reach them too (Cc)."""
    permissions.require_writer(actor)
    permissions.require(permissions.can_see_ticket(actor, ticket), "You cannot see this ticket.")
    brand = Brand.objects.get(pk=ticket.brand_id)
    with transaction.atomic():
        contact, _ = resolve_contact(brand, IdentityKind.EMAIL, email, name=name.strip())
        if contact.pk == ticket.requester_id:
            raise ValidationFailed(f"{contact.display_name} is the requester of this ticket.",
                                   code=errors.INVALID_FIELD)
        added = add_participants(ticket, [contact], actor=actor)
        participant = added[0] if added else TicketParticipant.objects.get(ticket=ticket, contact=contact)
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    publish(events.TICKET_UPDATED, {"ticket_id": ticket.pk, "fields": ["participants"]})
    return participant


def remove_participant(actor: Agent, ticket: Ticket, email: str) -> bool:
    """Stop copying someone in on a ticket; False when they were not on it."""
    from frontdesk.contacts.identities import normalise
    from frontdesk.contacts.queries import contact_by_address

    permissions.require_writer(actor)
    permissions.require(permissions.can_see_ticket(actor, ticket), "You cannot see this ticket.")
    contact = contact_by_address(ticket.brand_id, IdentityKind.EMAIL, normalise(IdentityKind.EMAIL, email))
    if contact is None:
        return False
    with transaction.atomic():
        deleted, _ = TicketParticipant.objects.filter(ticket=ticket, contact=contact).delete()
        if deleted:
            record(ticket, actor, "participant_removed", "participants", _participant_ref(contact), None)
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    if deleted:
        publish(events.TICKET_UPDATED, {"ticket_id": ticket.pk, "fields": ["participants"]})
    return bool(deleted)


def set_external_id(message: Message, external_id: str, *, metadata: dict[str, Any] | None = None) -> None:
    """Store the channel's id of a message (an outbound email's Message-ID, set before the mail leaves), and
    with `metadata` what the channel is about to send (merged into the message's metadata)."""
    changes: dict[str, Any] = {"external_id": external_id[:500]}
    if metadata:
        changes["metadata"] = {**(message.metadata or {}), **metadata}
    Message.objects.filter(pk=message.pk).update(**changes)
    for field, value in changes.items():
        setattr(message, field, value)


def resolve_inline_images(message: Message) -> None:
    """Point `cid:` references of a received HTML body at the stored inline attachments (access-checked URLs)."""
    from urllib.parse import unquote

    from django.urls import reverse

    from frontdesk.tickets.models import Attachment

    if "cid:" not in message.body_html.lower():
        return
    by_cid = {
        a.content_id.lower(): a.pk
        for a in Attachment.objects.filter(message_id=message.pk).exclude(content_id="").only("id", "content_id")
    }
    if not by_cid:
        return

    def swap(match: re.Match[str]) -> str:
        pk = by_cid.get(unquote(match.group(2)).strip().lower())
        return f"{match.group(1)}{reverse('workspace:attachment', args=[pk])}" if pk else match.group(0)

    html = _CID_RE.sub(swap, message.body_html)
    if html != message.body_html:
        Message.objects.filter(pk=message.pk).update(body_html=html)
        message.body_html = html


_CID_RE = re.compile(r"""(\bsrc\s*=\s*["']?)cid:([^"'\s>]+)""", re.IGNORECASE)
