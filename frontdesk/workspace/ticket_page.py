"""Everything the ticket page shows: the conversation with its story, the side panel and the customer."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db.models import Q, prefetch_related_objects

from frontdesk.accounts import permissions
from frontdesk.accounts import queries as accounts
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import ContactIdentity
from frontdesk.inboxes import queries as inbox_queries
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.tickets import queries
from frontdesk.tickets.choices import FieldType, Priority, Status, TicketType
from frontdesk.tickets.fields import definitions
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.recipients import default_recipients
from frontdesk.workspace.forms import shown_value
from frontdesk.workspace.timeline import stream

OTHER_TICKETS = 10
# The statuses a reply can leave the ticket in ("submit as ...").
SUBMIT_AS = [Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED]


def staff_for(agent: Agent, ticket: Ticket) -> list[Agent]:
    """Colleagues who work for the ticket's brand (admins work for every brand)."""
    return list(accounts.agents_for(agent).filter(Q(role=Role.ADMIN) | Q(brands=ticket.brand_id)).distinct())


def _bounce(identity: ContactIdentity) -> dict[str, Any] | None:
    bounced_at = getattr(identity, "bounced_at", None)
    if not bounced_at and not identity.is_bouncing:
        return None
    return {"address": identity.value, "at": bounced_at, "reason": getattr(identity, "bounce_reason", "") or ""}


def _inbox_signature(ticket: Ticket) -> str:
    values = ticket.inbox.settings if ticket.inbox is not None and isinstance(ticket.inbox.settings, dict) else {}
    return str(values.get("signature") or "")


def addressing(agent: Agent, ticket: Ticket, composer: dict[str, Any]) -> dict[str, Any] | None:
    """To and Cc of the composer on a channel that addresses people, and the addresses known to bounce."""
    if not capabilities(ticket.channel_kind).cc or not permissions.can_write(agent):
        return None
    people = list(queries.participants(agent, ticket))
    addresses = [p.contact.primary_address for p in people]
    defaults = default_recipients(ticket, addresses)
    signature = agent.signature or _inbox_signature(ticket)
    identities = [
        i
        for contact in [ticket.requester, *(p.contact for p in people)]
        for i in contact.identities.all()
        if i.kind == IdentityKind.EMAIL
    ]
    return {
        "to": composer.get("to", ", ".join(defaults.to)),
        "cc": composer.get("cc", ", ".join(defaults.cc)),
        "bcc": composer.get("bcc", ""),
        # What the reply will be signed with: the agent's own signature, else the inbox's (as the outbox does).
        "signature": composer.get("signature", signature),
        "default_signature": signature,
        "bouncing": [b for b in map(_bounce, identities) if b],
        "participants": people,
    }


def ticket_context(
    agent: Agent, ticket: Ticket, *, show_images: Collection[int] = (), **extra: Any
) -> dict[str, Any]:
    staff = staff_for(agent, ticket)
    names = {a.pk: str(a) for a in staff}
    field_defs = sorted(definitions(ticket.brand_id).values(), key=lambda f: (f.position, f.label))
    requester = ticket.requester
    prefetch_related_objects([requester], "identities")
    messages = list(queries.conversation(agent, ticket))
    for message in messages:
        if message.author_contact_id == requester.pk:
            # One contact object for the whole page: its addresses are loaded once, not per message.
            message.author_contact = requester
    message_ids = [m.pk for m in messages]
    items = stream(
        messages,
        queries.timeline(agent, ticket),
        agent_names=names,
        field_labels={f.key: f.label for f in field_defs},
        show_images=set(show_images),
        originals=inbox_queries.messages_with_original(message_ids),
        deliveries=inbox_queries.deliveries_of(m.pk for m in messages if m.kind == "reply"),
    )
    composer = extra.pop("composer", None) or {
        "kind": "reply" if permissions.can_write(agent) else "note", "text": "", "status": ""
    }
    followers = list(ticket.followers.all())
    context = {
        "section": "inbox",
        "ticket": ticket,
        "stream": items,
        "tags": [t.name for t in ticket.tags.all()],
        "followers": followers,
        "follower_ids": {a.pk for a in followers},
        "staff": staff,
        "assignable": [a for a in staff if permissions.can_write(a)],
        "teams": list(accounts.teams_for(agent).filter(brand_id=ticket.brand_id)),
        "custom": [
            {
                "field": f,
                "value": shown_value(ticket.custom_fields.get(f.key), checkbox=f.field_type == FieldType.CHECKBOX),
            }
            for f in field_defs
        ],
        "all_tags": list(queries.tags_for(agent).values_list("name", flat=True)[:300]),
        "requester": requester,
        "identities": list(requester.identities.all()),
        "other_tickets": queries.contact_tickets(agent, requester.pk, exclude=ticket.pk, limit=OTHER_TICKETS),
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "types": TicketType.choices,
        "submit_as": [(s.value, s.label) for s in SUBMIT_AS],
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "can_reply": permissions.can_write(agent),
        "can_note": permissions.can_add_note(agent),
        "can_edit": permissions.can_write(agent),
        "composer": composer,
        "addressing": addressing(agent, ticket, composer),
        "images_shown": ",".join(str(i) for i in sorted(set(show_images))),
    }
    context.update(extra)
    return context
