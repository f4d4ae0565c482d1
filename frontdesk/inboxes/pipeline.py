"""The shared receive pipeline: a neutral InboundMessage becomes a message on the right ticket.

Channel-neutral: what a channel can do is asked from its capabilities. In order:
- our own mail coming back (from a support address) is dropped: nothing may loop;
- a bounce is recorded on the message it is about (see bounces.py);
- mail from an agent of the brand is an agent action, never a customer's: on a ticket it continues it is their
  reply (already sent: the customer was on it) or their note; forwarded into the support address, it opens a
  ticket for the forwarded original's sender, the forwarder's words becoming an internal note; written to a
  customer with the support address copied in, it opens that customer's ticket with the mail as its first reply;
- otherwise the sender is the customer: the message continues a ticket (threads.py) or opens one. A solved
  ticket is reopened within the inbox's `reopen_days` (default 14) of being solved; a closed or older one gets
  a new ticket linked to it (`follow_up_of`). Automatic answers (out-of-office, feedback reports) are stored
  without reopening anything; no automated mail is ever acknowledged or copies people in;
- people copied in become participants; a new ticket is acknowledged (autoreply.py), rate-limited.
The reads (`prepare`) run before the intake's transaction, the writes (`receive`) inside it, so that SQLite's
single write lock is held as briefly as possible.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from frontdesk.accounts import permissions
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.contacts.identities import normalise
from frontdesk.contacts.models import Contact
from frontdesk.contacts.queries import contact_by_address
from frontdesk.contacts.services import resolve_contact
from frontdesk.core.db import rows
from frontdesk.core.errors import ValidationFailed
from frontdesk.inboxes import autoreply, bounces, reply_tokens
from frontdesk.inboxes.adapters.base import InboundMessage
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.inboxes.models import Inbox
from frontdesk.inboxes.threads import Thread, find_thread
from frontdesk.tickets import services as tickets
from frontdesk.tickets.choices import Status
from frontdesk.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)
MAX_PARTICIPANTS = 20  # people copied in on one message; a mail to a whole department adds no more
DEFAULT_REOPEN_DAYS = 14
QUIET_KINDS = {"auto_reply", "feedback_report"}  # written by machines: stored, but they reopen nothing
_CID_RE = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


@dataclass
class Incoming:
    """One inbound message with what the pipeline looked up about it before writing."""

    inbox: Inbox
    message: InboundMessage
    intake: Any
    sender: str
    own: set[str]
    agents: dict[str, Agent]


@dataclass
class Prepared:
    """What `prepare` read about a message before its transaction began (reads only: nothing is written)."""

    sender: str
    own: set[str]
    action: str  # drop, bounce, agent, customer
    candidates: list[str] = field(default_factory=list)
    agents: dict[str, Agent] = field(default_factory=dict)
    contact: Contact | None = None  # the sender's contact when it exists already
    thread: Thread | None = None


def prepare(inbox: Inbox, message: InboundMessage) -> Prepared:
    """The reads `receive` needs (who sent it, who is copied in, which ticket it continues), done before the
    intake's transaction so that the write lock (SQLite) is held for the writes only."""
    sender = _normalised(message.sender_kind, message.sender_address)
    own = own_addresses(inbox)
    if sender in own or _is_reply_address(sender):
        return Prepared(sender, own, "drop")
    if message.automated == "bounce" or message.bounce is not None:
        return Prepared(sender, own, "bounce")
    candidates = _copied_in(message, own) if capabilities(inbox.channel_kind).cc else []
    agents = _agents(inbox.brand_id, [sender, *candidates])
    if sender in agents:
        thread = find_thread(inbox, message, agent=agents[sender])
        return Prepared(sender, own, "agent", candidates, agents, thread=thread)
    contact = _known_contact(inbox, message.sender_kind, sender)
    thread = find_thread(inbox, message, contact=contact)
    return Prepared(sender, own, "customer", candidates, agents, contact, thread)


def receive(
    inbox: Inbox, message: InboundMessage, *, intake: Any = None, prepared: Prepared | None = None
) -> Message | None:
    """Store `message`, received on `inbox`; returns the stored message (None when nothing was stored).

    `prepared` is what `prepare` read before the transaction; without it the reads are done here.
    """
    early = prepared is not None
    found = prepared if prepared is not None else prepare(inbox, message)
    if found.action == "drop":
        logger.info("inbox %s: dropped a message from our own address %s", inbox.pk, found.sender)
        return None
    if found.action == "bounce":
        return bounces.receive_bounce(inbox, message, intake=intake)
    if not found.sender:
        raise ValidationFailed("The mail names no sender: no address in From, Sender, Return-Path or the envelope.")
    thread = found.thread
    if thread is None and early and _may_thread(message):
        # Read before the transaction: a message it refers to may have been committed since. Look again, so
        # that two mails of one conversation arriving together never split it.
        sender_agent = found.agents.get(found.sender)
        thread = find_thread(inbox, message, contact=found.contact, agent=sender_agent)
    incoming = Incoming(inbox, message, intake, found.sender, found.own, found.agents)
    if found.action == "agent":
        return _from_agent(incoming, found.agents[found.sender], found.candidates, thread)
    return _from_customer(incoming, found.candidates, found.contact, thread)


def _may_thread(message: InboundMessage) -> bool:
    return bool(message.references or message.thread_token or message.subject_number)


# --- who is who ------------------------------------------------------------------------------------------------


def _normalised(kind: str, value: str) -> str:
    try:
        return normalise(kind, value)
    except ValidationFailed:
        return (value or "").strip().lower()


def own_addresses(inbox: Inbox) -> set[str]:
    """The inbox's support address, its aliases and the brand's support address."""
    aliases = (inbox.settings or {}).get("aliases") or []
    found = {inbox.address, inbox.brand.support_email, *aliases}
    return {str(a).strip().lower() for a in found if a}


def _is_reply_address(address: str) -> bool:
    local = address.rpartition("@")[0]
    return "+" in local and reply_tokens.looks_like_token(local.rpartition("+")[2])


def _copied_in(message: InboundMessage, own: set[str]) -> list[str]:
    """Everyone else the message went to (To and Cc), without our own addresses; at most MAX_PARTICIPANTS."""
    out: list[str] = []
    for raw in [*(a for a, _ in message.cc), *message.recipients]:
        address = _normalised(message.sender_kind, raw)
        if "@" not in address or address in own or _is_reply_address(address) or address in out:
            continue
        out.append(address)
        if len(out) >= MAX_PARTICIPANTS:
            break
    return out


def _agents(brand_id: int, addresses: list[str]) -> dict[str, Agent]:
    """The active agents of the brand among these addresses: one hand-written query (it runs for every mail)."""
    wanted = [a for a in dict.fromkeys(addresses) if a]
    if not wanted:
        return {}
    memberships = Agent.brands.through._meta.db_table
    sql = (
        f"SELECT {rows.columns(Agent, 't')} FROM {Agent._meta.db_table} t "
        f"WHERE t.email IN ({', '.join(['%s'] * len(wanted))}) AND t.is_active = %s AND (t.role = %s "
        f"OR EXISTS (SELECT 1 FROM {memberships} b WHERE b.agent_id = t.id AND b.brand_id = %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*wanted, True, Role.ADMIN, brand_id])
        found = [rows.from_row(Agent, row) for row in cursor.fetchall()]
    return {agent.email.lower(): agent for agent in found}


def _known_contact(inbox: Inbox, kind: str, address: str) -> Contact | None:
    try:
        return contact_by_address(inbox.brand_id, kind, address)
    except ValidationFailed:  # an unusable sender address: resolve_contact says why, inside the transaction
        return None


def _names(message: InboundMessage) -> dict[str, str]:
    return {address.lower(): name for address, name in message.cc if name}


# --- what gets stored ------------------------------------------------------------------------------------------


def _metadata(incoming: Incoming, **extra: Any) -> dict[str, Any]:
    message, intake = incoming.message, incoming.intake
    metadata = dict(message.metadata)
    kind = incoming.inbox.channel_kind
    if isinstance(metadata.get(kind), dict):
        metadata[kind] = dict(metadata[kind])
    if intake is not None:
        metadata["intake_id"] = intake.pk
        if isinstance(metadata.get(kind), dict):
            metadata[kind]["intake_id"] = intake.pk
    if message.visible_text and message.visible_text.strip() != (message.text or "").strip():
        metadata["visible_text"] = message.visible_text  # what agents see first; "show full message" expands
    if message.automated:
        metadata["automated"] = message.automated
    metadata.update(extra)
    return metadata


def _uploads(message: InboundMessage, html: str, metadata: dict[str, Any]) -> list[tickets.Upload]:
    """Attachments to store; an inline one counts as inline only when the HTML shows it (else it is a file)."""
    shown = {c.strip("<>").lower() for c in _CID_RE.findall(html or "")}
    limit = settings.ATTACHMENT_MAX_BYTES
    uploads, skipped = [], []
    for a in message.attachments:
        if len(a.content) > limit:  # kept in the raw mail; storing it would refuse the whole message
            skipped.append({"filename": a.filename, "size": len(a.content)})
            continue
        cid = (a.content_id or "").strip("<>")
        uploads.append(
            tickets.Upload(
                filename=a.filename, content=a.content, content_type=a.content_type, content_id=cid,
                is_inline=bool(cid) and cid.lower() in shown,
            )
        )
    if skipped:
        metadata["skipped_attachments"] = skipped
    return uploads


def _after_store(stored: Message) -> Message:
    if stored.body_html and "cid:" in stored.body_html.lower():
        tickets.resolve_inline_images(stored)
    return stored


def _add_participants(ticket: Ticket, incoming: Incoming, addresses: list[str], label: str) -> None:
    """Contacts for everyone copied in (not agents, not the support addresses), put on the ticket."""
    names = _names(incoming.message)
    contacts: list[Contact] = []
    for address in addresses:
        if address in incoming.agents or address in incoming.own:
            continue
        try:
            contact, _ = resolve_contact(
                incoming.inbox.brand, incoming.message.sender_kind, address, name=names.get(address, "")
            )
        except ValidationFailed:
            continue
        contacts.append(contact)
    if contacts:
        tickets.add_participants(ticket, contacts, label=label)


# --- customers -------------------------------------------------------------------------------------------------


def _subject(message: InboundMessage) -> str:
    # A ticket needs a subject or a text; a mail may have neither (an attachment alone), and is kept all the same.
    if message.subject.strip() or message.text.strip() or message.html.strip():
        return message.subject
    return "(no subject)"


def may_reopen(ticket: Ticket, inbox: Inbox, now: dt.datetime) -> bool:
    """A message on this ticket reopens it (or simply joins it); False: it needs a follow-up ticket."""
    if ticket.status == Status.CLOSED:
        return False
    if ticket.status != Status.SOLVED or ticket.solved_at is None:
        return True
    try:
        days = float((inbox.settings or {}).get("reopen_days", DEFAULT_REOPEN_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_REOPEN_DAYS
    return now - ticket.solved_at <= dt.timedelta(days=days)


def _from_customer(
    incoming: Incoming, candidates: list[str], contact: Contact | None, thread: Thread | None
) -> Message | None:
    inbox, message = incoming.inbox, incoming.message
    if contact is None or (message.sender_name and not contact.name):
        contact, _ = resolve_contact(inbox.brand, message.sender_kind, incoming.sender, name=message.sender_name)
    quiet = message.automated in QUIET_KINDS
    copies = [] if message.automated else candidates
    metadata = _metadata(incoming)
    uploads = _uploads(message, message.html, metadata)
    external_id = message.message_id or message.external_id
    follow_up_of = None
    if thread is not None:
        metadata["threaded_by"] = thread.rule
        if quiet or may_reopen(thread.ticket, inbox, timezone.now()):
            stored = tickets.receive_customer_message(
                thread.ticket, contact, text=message.text, html=message.html, attachments=uploads,
                channel_kind=inbox.channel_kind, external_id=external_id, metadata=metadata, automated=quiet,
            )
            _after_store(stored)
            if not message.automated and (copies or contact.pk != thread.ticket.requester_id):
                # Whoever answers on the thread (someone the requester forwarded our mail to) follows it too.
                _add_participants(thread.ticket, incoming, [incoming.sender, *copies], contact.display_name)
            return stored
        follow_up_of = thread.ticket
        metadata["follow_up_of"] = thread.ticket.number
    stored = tickets.open_ticket_message(
        None, brand=inbox.brand, requester=contact, subject=_subject(message), text=message.text, html=message.html,
        inbox=inbox, channel_kind=inbox.channel_kind, attachments=uploads, external_id=external_id,
        metadata=metadata, follow_up_of=follow_up_of,
    )
    _after_store(stored)
    ticket = stored.ticket
    if copies:
        _add_participants(ticket, incoming, copies, contact.display_name)
    if not message.automated:
        autoreply.acknowledge(inbox, ticket, contact, incoming.sender)
    return stored


# --- agents ----------------------------------------------------------------------------------------------------


def _forwarded_sender(incoming: Incoming) -> tuple[str, str] | None:
    forwarded = incoming.message.forwarded or {}
    address = _normalised(incoming.message.sender_kind, str(forwarded.get("address") or ""))
    if "@" not in address or address in incoming.own or _is_reply_address(address):
        return None
    return address, str(forwarded.get("name") or "")


def _from_agent(incoming: Incoming, agent: Agent, candidates: list[str], thread: Thread | None) -> Message | None:
    inbox, message = incoming.inbox, incoming.message
    external_id = message.message_id or message.external_id
    metadata = _metadata(incoming, sent_by_agent=agent.pk)
    uploads = _uploads(message, message.html, metadata)
    if thread is not None:
        metadata["threaded_by"] = thread.rule
        as_note = bool(message.forwarded) or not permissions.can_write(agent)
        stored = tickets.record_agent_mail(
            agent, thread.ticket, as_note=as_note, text=message.text, html=message.html, attachments=uploads,
            external_id=external_id, metadata=metadata,
        )
        _after_store(stored)
        if candidates and not as_note:  # the customers the agent wrote to stay on the ticket
            _add_participants(thread.ticket, incoming, candidates, str(agent))
        return stored
    original = _forwarded_sender(incoming)
    if original is not None and original[0] not in _agents(inbox.brand_id, [original[0]]):
        return _forwarded_by_agent(incoming, agent, original, uploads, metadata, external_id)
    customer = _addressed_customer(incoming, candidates)
    if customer is not None and not message.automated and permissions.can_write(agent):
        return _begun_by_agent(incoming, agent, customer, candidates, uploads, metadata, external_id)
    # An agent wrote to the support address alone, about no ticket, and forwarded no customer's mail: an agent is
    # never a customer, so nothing is opened; the raw mail stays in the intake (status "ignored").
    logger.info("inbox %s: mail from agent %s matches no ticket and forwards no customer mail", inbox.pk, agent.pk)
    return None


def _addressed_customer(incoming: Incoming, candidates: list[str]) -> str | None:
    """The person an agent's own mail was written to: the first address of To, else of Cc, that is no agent."""
    people = {a for a in candidates if a not in incoming.agents}
    recipients = (_normalised(incoming.message.sender_kind, a) for a in incoming.message.recipients)  # To first
    return next((a for a in recipients if a in people), None)


def _to(incoming: Incoming) -> list[dict[str, Any]]:
    kind = incoming.inbox.channel_kind
    found = (incoming.message.metadata.get(kind) or {}).get("to") if isinstance(incoming.message.metadata, dict) else []
    return [a for a in found or [] if isinstance(a, dict)]


def _begun_by_agent(
    incoming: Incoming,
    agent: Agent,
    customer: str,
    candidates: list[str],
    uploads: list[tickets.Upload],
    metadata: dict[str, Any],
    external_id: str,
) -> Message:
    """An agent wrote to a customer from their own mail client and copied the support address in: the
    conversation becomes the customer's ticket, the agent's mail its first reply (the customer has it already),
    and the others they wrote to its participants; the customer's answer threads onto it by its Message-ID."""
    inbox, message = incoming.inbox, incoming.message
    names = {**{str(a.get("address") or "").lower(): str(a.get("name") or "") for a in _to(incoming)},
             **_names(message)}
    requester, _ = resolve_contact(inbox.brand, message.sender_kind, customer, name=names.get(customer, ""))
    stored = tickets.open_ticket_by_agent_mail(
        agent, brand=inbox.brand, inbox=inbox, requester=requester, subject=message.subject, text=message.text,
        html=message.html, attachments=uploads, external_id=external_id, metadata={**metadata, "begun_by_agent": True},
    )
    _after_store(stored)
    others = [a for a in candidates if a != customer]
    if others:
        _add_participants(stored.ticket, incoming, others, str(agent))
    return stored


def _forwarded_by_agent(
    incoming: Incoming,
    agent: Agent,
    original: tuple[str, str],
    uploads: list[tickets.Upload],
    metadata: dict[str, Any],
    external_id: str,
) -> Message:
    """An agent forwarded a customer's mail into the support address: the customer's ticket, the agent's note."""
    inbox, message = incoming.inbox, incoming.message
    forwarded = message.forwarded or {}
    address, name = original
    requester, _ = resolve_contact(inbox.brand, message.sender_kind, address, name=name)
    subject = str(forwarded.get("subject") or "").strip() or message.subject.strip() or "(no subject)"
    note = str(forwarded.get("note") or "").strip()
    metadata = {**metadata, "forwarded_by": {"id": agent.pk, "name": str(agent)}}
    metadata.pop("visible_text", None)
    stored = tickets.open_ticket_message(
        None, brand=inbox.brand, requester=requester, subject=subject, text=str(forwarded.get("text") or ""),
        inbox=inbox, channel_kind=inbox.channel_kind, attachments=uploads,
        external_id="" if note else external_id, metadata=metadata,
    )
    if note:
        tickets.record_agent_mail(
            agent, stored.ticket, as_note=True, text=note, external_id=external_id,
            metadata={"intake_id": metadata.get("intake_id"), "forward_note": True},
        )
    return stored
