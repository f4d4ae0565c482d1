"""Request and response shapes of the tickets API, and the functions turning rows into them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import create_model

from frontdesk.api.schemas import (
    AgentRef,
    BrandRef,
    ContactRef,
    Id,
    InboxRef,
    OrganisationRef,
    PageQuery,
    RefId,
    TeamRef,
    agent_ref,
    brand_ref,
    contact_ref,
    inbox_ref,
    organisation_ref,
    team_ref,
)
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets.choices import DeliveryStatus, Direction, MessageKind, Priority, Status, TicketType
from frontdesk.tickets.filters import SORTS
from frontdesk.tickets.models import Attachment, Message, Ticket, TimelineEvent
from frontdesk.tickets.recipients import MAX_RECIPIENTS, address_entries

FieldValue = str | int | float | bool | None
MAX_ATTACHMENTS = 20


class AttachmentIn(Schema):
    filename: str = Field(..., min_length=1, max_length=255, examples=["invoice.pdf"])
    content_type: str = Field("", max_length=120, description="What the sender says it is; the bytes decide.")
    content_base64: str = Field(..., description="The file's bytes, base64-encoded.", examples=["SGVsbG8="])


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str = Field(..., description="Sniffed from the bytes, not taken from the sender.")
    size: int
    is_inline: bool
    url: str = Field(..., description="Where to download the file (same authentication).")


class RequesterIn(Schema):
    email: str = Field(..., min_length=3, max_length=320, examples=["ada@example.com"])
    name: str = Field("", max_length=200, examples=["Ada Lovelace"])


class TicketCreate(Schema):
    """A new ticket and its first message, written by the requester."""

    subject: str = Field("", max_length=300, examples=["Where is my order?"])
    text: str = Field("", description="The first message as plain text.", examples=["It has not arrived yet."])
    html: str = Field("", description="The first message as HTML (sanitised); text is derived when empty.")
    requester: RequesterIn | None = Field(
        None, description="Who wrote: the contact with this email in the ticket's brand, created if new."
    )
    requester_id: RefId | None = Field(None, description="Or an existing contact's id instead of `requester`.")
    brand_id: RefId | None = Field(None, description="Defaults to the inbox's brand, else to your only brand.")
    inbox_id: RefId | None = None
    channel: ChannelKind | None = Field(None, description="Defaults to the inbox's channel, else `api`.")
    status: Status = Status.NEW
    priority: Priority = Priority.NORMAL
    type: TicketType | None = None
    tags: list[str] = Field(default_factory=list, max_length=50, examples=[["refund", "vip"]])
    assignee_id: RefId | None = None
    team_id: RefId | None = None
    custom_fields: dict[str, FieldValue] = Field(
        default_factory=dict, description="Values of the custom fields by key.", examples=[{"order_number": "A-1001"}]
    )
    external_id: str = Field("", max_length=500, description="Your system's id of the message.")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class TicketPatch(Schema):
    """Only the fields sent change. For assignee_id, team_id and type, null clears; elsewhere null is no change."""

    subject: str | None = Field(None, min_length=1, max_length=300)
    status: Status | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    assignee_id: RefId | None = None
    team_id: RefId | None = None
    tags: list[str] | None = Field(None, max_length=100, description="Replaces all tags.")
    add_tags: list[str] | None = Field(None, max_length=100)
    remove_tags: list[str] | None = Field(None, max_length=100)
    custom_fields: dict[str, FieldValue] | None = Field(None, description="Merged into the current values.")
    follower_ids: list[RefId] | None = Field(None, max_length=100, description="Replaces the followers.")


class TicketOut(Schema):
    id: int
    number: int = Field(..., description="The number people use (#1234), one sequence per install.")
    subject: str
    status: Status
    priority: Priority
    type: TicketType | None
    channel: ChannelKind
    brand: BrandRef
    inbox: InboxRef | None
    requester: ContactRef
    organisation: OrganisationRef | None
    assignee: AgentRef | None
    team: TeamRef | None
    tags: list[str]
    custom_fields: dict[str, Any]
    message_count: int
    preview: str = Field(..., description="The start of the latest public message.")
    created_at: dt.datetime
    updated_at: dt.datetime
    last_message_at: dt.datetime
    last_customer_message_at: dt.datetime | None
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None


class TicketDetailOut(TicketOut):
    followers: list[AgentRef]


class TicketPage(Schema):
    data: list[TicketOut]
    next_cursor: str | None = Field(..., description="Pass as `cursor` for the next page; null on the last page.")


class TicketListQuery(PageQuery):
    status: str | None = Field(
        None, max_length=200, description="Comma-separated statuses, or `unsolved`.", examples=["open,pending"]
    )
    priority: str | None = Field(None, max_length=200, description="Comma-separated priorities.")
    brand: Id | None = None
    team: str | None = Field(None, max_length=20, description="A team id, or `none`.")
    assignee: str | None = Field(None, max_length=20, description="An agent id, `me` or `none`.")
    tag: str | None = Field(None, max_length=60)
    channel: ChannelKind | None = None
    requester: Id | None = Field(None, description="A contact id.")
    organisation: Id | None = None
    created_after: dt.date | None = Field(None, description="On or after this day (UTC).")
    created_before: dt.date | None = Field(None, description="On or before this day (UTC).")
    q: str | None = Field(None, max_length=200, description="Words that must all appear in the subject or a message.")
    sort: Literal[tuple(SORTS)] = Field("updated", description="Order of the list.")  # type: ignore[valid-type]


class MessageCreate(Schema):
    """A reply to the customer (sent through the ticket's channel) or an internal note."""

    kind: Literal["reply", "note"] = "reply"
    text: str = Field("", examples=["Your parcel left our warehouse today."])
    html: str = ""
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    status: Status | None = Field(None, description="Replies only: set the ticket's status with the reply.")
    to: list[str] | None = Field(
        None,
        max_length=MAX_RECIPIENTS,
        description="Replies on channels that address people (email) only: who the reply goes to. Left out, it "
        "goes to the requester. Each entry is an address or `Name <address>`.",
        examples=[["ada@example.com"]],
    )
    cc: list[str] | None = Field(
        None,
        max_length=MAX_RECIPIENTS,
        description="Replies on email only: who is copied in. Left out, the ticket's participants are; new "
        "addresses become participants of the ticket.",
        examples=[["charles@example.com"]],
    )
    bcc: list[str] | None = Field(
        None, max_length=MAX_RECIPIENTS, description="Replies on email only: hidden recipients of this reply."
    )


class AddressOut(Schema):
    address: str = Field(..., examples=["ada@example.com"])
    name: str = Field(..., examples=["Ada Lovelace"])


class _EmailFields(Schema):
    """What the message's email said about itself (inbound) or was sent with (outbound)."""

    message_id: str = Field(..., description="The Message-ID header, without angle brackets.")
    to: list[AddressOut]
    cc: list[AddressOut]
    subject: str
    automated: str = Field(
        ..., description="Why no automatic answer may go back: auto_reply, bounce, feedback_report, list, or empty."
    )


# "from" is a Python keyword, so the field that carries the sender is added by name.
EmailOut = create_model(  # type: ignore[call-overload]
    "EmailOut", __base__=_EmailFields, **{"from": (AddressOut | None, Field(..., description="The sender."))}
)


class AuthorOut(Schema):
    type: Literal["agent", "contact", "system"]
    id: int | None
    name: str


class MessageOut(Schema):
    id: int
    ticket_id: int
    kind: MessageKind
    direction: Direction
    channel: ChannelKind
    author: AuthorOut
    text: str
    html: str = Field(..., description="Sanitised HTML.")
    external_id: str
    delivery_status: DeliveryStatus
    delivery_error: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]
    email: EmailOut | None = Field(..., description="Messages that came or went by email; null otherwise.")  # type: ignore[valid-type]


class MessagePage(Schema):
    data: list[MessageOut]
    next_cursor: str | None


class TimelineEventOut(Schema):
    id: int
    action: str = Field(..., examples=["status_changed"])
    field: str
    before: Any = None
    after: Any = None
    actor: AuthorOut
    created_at: dt.datetime


class TimelinePage(Schema):
    data: list[TimelineEventOut]
    next_cursor: str | None


def ticket_out(
    ticket: Ticket,
    *,
    detail: bool = False,
    tags: list[str] | None = None,
    followers: list[Any] | None = None,
    requester_address: str | None = None,
) -> dict[str, Any]:
    """The API's view of a ticket; `tags`, `followers` and `requester_address` save queries when the caller
    knows them."""
    out = {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.ticket_type or None,
        "channel": ticket.channel_kind,
        "brand": brand_ref(ticket.brand),
        "inbox": inbox_ref(ticket.inbox),
        "requester": contact_ref(ticket.requester, address=requester_address),
        "organisation": organisation_ref(ticket.organisation),
        "assignee": agent_ref(ticket.assignee),
        "team": team_ref(ticket.team),
        "tags": sorted(t.name for t in ticket.tags.all()) if tags is None else sorted(tags),
        "custom_fields": ticket.custom_fields or {},
        "message_count": ticket.message_count,
        "preview": ticket.preview,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "last_message_at": ticket.last_message_at,
        "last_customer_message_at": ticket.last_customer_message_at,
        "first_response_at": ticket.first_response_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
    }
    if detail:
        out["followers"] = [agent_ref(a) for a in (ticket.followers.all() if followers is None else followers)]
    return out


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "is_inline": attachment.is_inline,
        "url": f"/api/v1/attachments/{attachment.pk}/content",
    }


def _author(message: Message) -> dict[str, Any]:
    if message.author_agent_id:
        agent = message.author_agent
        return {"type": "agent", "id": message.author_agent_id, "name": agent.name or agent.email}  # type: ignore[union-attr]
    if message.author_contact_id:
        return {"type": "contact", "id": message.author_contact_id, "name": message.author_contact.display_name}  # type: ignore[union-attr]
    return {"type": "system", "id": None, "name": "System"}


def message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "ticket_id": message.ticket_id,
        "kind": message.kind,
        "direction": message.direction,
        "channel": message.channel_kind,
        "author": _author(message),
        "text": message.body_text,
        "html": message.body_html,
        "external_id": message.external_id,
        "delivery_status": message.delivery_status,
        "delivery_error": message.delivery_error,
        "created_at": message.created_at,
        "attachments": [attachment_out(a) for a in message.attachments.all()],
        "email": email_out(message),
    }


def email_out(message: Message) -> dict[str, Any] | None:
    email = (message.metadata or {}).get("email")
    if not isinstance(email, dict):
        return None
    senders = address_entries(email.get("from"))
    return {
        "message_id": str(email.get("message_id") or message.external_id or ""),
        "from": senders[0] if senders else None,
        "to": address_entries(email.get("to")),
        "cc": address_entries(email.get("cc")),
        "subject": str(email.get("subject") or ""),
        "automated": str(email.get("automated") or ""),
    }


def event_out(event: TimelineEvent) -> dict[str, Any]:
    if event.actor_agent_id:
        agent = event.actor_agent
        actor = {"type": "agent", "id": event.actor_agent_id, "name": agent.name or agent.email}  # type: ignore[union-attr]
    else:
        actor = {"type": "system", "id": None, "name": event.actor_label or "System"}
    return {
        "id": event.pk,
        "action": event.action,
        "field": event.field,
        "before": event.before,
        "after": event.after,
        "actor": actor,
        "created_at": event.created_at,
    }
