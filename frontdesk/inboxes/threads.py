"""Which ticket an inbound message continues, if any. Channel-neutral: each rule asks the channel's capabilities.

In order, the first that matches wins:
1. `reference`: it refers (In-Reply-To/References) to a message stored in the same brand; the nearest wins;
2. `token`: it was sent to a reply address carrying a ticket's signed token (clients that drop References);
3. `subject_number`: its subject names a ticket number (`[#1234]`) and the sender is on that ticket (its
   requester, whatever address of theirs they write from, or a participant), or an agent who can see it.
Otherwise it opens a new ticket. A match in another brand never counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.contacts.models import Contact
from frontdesk.core.db import rows
from frontdesk.inboxes import reply_tokens
from frontdesk.inboxes.adapters.base import InboundMessage
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets.models import Message, Ticket, TicketParticipant

MAX_REFERENCES = 50  # the nearest ones; a long thread's oldest references add nothing


@dataclass(frozen=True)
class Thread:
    ticket: Ticket
    rule: str  # reference, token, subject_number


def by_reference(brand_id: int, references: list[str]) -> Ticket | None:
    """The ticket of the nearest referenced message (references are ordered nearest last)."""
    wanted = list(dict.fromkeys(r for r in references[-MAX_REFERENCES:] if r))
    if not wanted:
        return None
    # A hand-written statement: it runs for most inbound mail, and the ORM's compiler costs more than the query.
    # `NOT (external_id = '')`, the partial index's own condition, lets SQLite use that index. CROSS JOIN keeps
    # SQLite from starting at the brand's tickets (without statistics it takes brand_id for selective, and
    # scans every ticket of the brand); PostgreSQL plans it as the inner join it is.
    sql = (
        f"SELECT m.external_id, {rows.columns(Ticket, 't')} FROM {Message._meta.db_table} m "
        f"CROSS JOIN {Ticket._meta.db_table} t "
        f"WHERE t.id = m.ticket_id AND m.external_id IN ({', '.join(['%s'] * len(wanted))}) "
        "AND NOT (m.external_id = '') AND t.brand_id = %s "
        f"ORDER BY m.id DESC LIMIT {MAX_REFERENCES}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*wanted, brand_id])
        found = cursor.fetchall()
    if not found:
        return None
    rank = {ref: index for index, ref in enumerate(wanted)}
    nearest = max(found, key=lambda row: rank.get(row[0], -1))  # ties: the newest message (rows come newest first)
    return rows.from_row(Ticket, nearest[1:])


def by_token(brand_id: int, token: str) -> Ticket | None:
    ticket_id = reply_tokens.ticket_id(token)
    if ticket_id is None:
        return None
    return Ticket.objects.filter(pk=ticket_id, brand_id=brand_id).first()


def is_participant(ticket: Ticket, contact: Contact) -> bool:
    """The contact is the ticket's requester or copied in on it (a contact is one person, all addresses)."""
    if ticket.requester_id == contact.pk:
        return True
    return TicketParticipant.objects.filter(ticket_id=ticket.pk, contact_id=contact.pk).exists()


def by_subject_number(brand_id: int, number: int, *, contact: Contact | None, agent: Agent | None) -> Ticket | None:
    ticket = Ticket.objects.filter(brand_id=brand_id, number=number).first()
    if ticket is None:
        return None
    if agent is not None:
        return ticket if permissions.can_see_ticket(agent, ticket) else None
    if contact is not None and is_participant(ticket, contact):
        return ticket
    return None


def find_thread(
    inbox: Inbox, message: InboundMessage, *, contact: Contact | None = None, agent: Agent | None = None
) -> Thread | None:
    """The ticket `message` continues, and the rule that found it; None for a new conversation."""
    caps = capabilities(inbox.channel_kind)
    brand_id = inbox.brand_id
    if caps.threading_by_reference and message.references:
        ticket = by_reference(brand_id, message.references)
        if ticket is not None:
            return Thread(ticket, "reference")
    if message.thread_token:
        ticket = by_token(brand_id, message.thread_token)
        if ticket is not None:
            return Thread(ticket, "token")
    if caps.subject and message.subject_number:
        ticket = by_subject_number(brand_id, message.subject_number, contact=contact, agent=agent)
        if ticket is not None:
            return Thread(ticket, "subject_number")
    return None
