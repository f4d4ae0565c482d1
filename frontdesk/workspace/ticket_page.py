"""Everything the ticket page shows: the conversation with its story, the side panel and the customer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, prefetch_related_objects

from frontdesk.accounts import permissions
from frontdesk.accounts import queries as accounts
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.tickets import queries
from frontdesk.tickets.choices import FieldType, Priority, Status, TicketType
from frontdesk.tickets.fields import definitions
from frontdesk.tickets.models import Ticket
from frontdesk.workspace.forms import shown_value
from frontdesk.workspace.timeline import stream

OTHER_TICKETS = 10
# The statuses a reply can leave the ticket in ("submit as ...").
SUBMIT_AS = [Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED]


def staff_for(agent: Agent, ticket: Ticket) -> list[Agent]:
    """Colleagues who work for the ticket's brand (admins work for every brand)."""
    return list(accounts.agents_for(agent).filter(Q(role=Role.ADMIN) | Q(brands=ticket.brand_id)).distinct())


def ticket_context(agent: Agent, ticket: Ticket, **extra: Any) -> dict[str, Any]:
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
    items = stream(
        messages,
        queries.timeline(agent, ticket),
        agent_names=names,
        field_labels={f.key: f.label for f in field_defs},
    )
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
        "composer": {"kind": "reply" if permissions.can_write(agent) else "note", "text": "", "status": ""},
    }
    context.update(extra)
    return context
