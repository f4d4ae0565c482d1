"""Tickets over the REST API: list (the inbox filters, cursor pages), open, read, change."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Path, Query
from ninja.responses import Status as HttpStatus

from frontdesk.accounts import permissions
from frontdesk.accounts import queries as account_queries
from frontdesk.accounts.choices import TokenScope
from frontdesk.accounts.models import Agent
from frontdesk.api.auth import actor
from frontdesk.api.lookups import brand_for, referenced, referenced_many
from frontdesk.api.pagination import paginate
from frontdesk.api.routing import ApiRouter
from frontdesk.api.schemas import MAX_ID
from frontdesk.contacts import queries as contact_queries
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.identities import normalise
from frontdesk.contacts.models import Contact, ContactIdentity
from frontdesk.contacts.services import resolve_contact
from frontdesk.core.errors import NotFound, ValidationFailed
from frontdesk.core.models import Brand
from frontdesk.inboxes import queries as inbox_queries
from frontdesk.tickets import queries, services
from frontdesk.tickets.api import uploads
from frontdesk.tickets.api.schemas import (
    RequesterIn,
    TicketCreate,
    TicketDetailOut,
    TicketListQuery,
    TicketPage,
    TicketPatch,
    ticket_out,
)
from frontdesk.tickets.filters import TicketFilter, parse_filter
from frontdesk.tickets.models import Ticket

router = ApiRouter(tags=["tickets"])
TicketId = Path(..., ge=1, le=MAX_ID, description="The ticket's id (not its number).")


def _page_queryset(agent: Agent, f: TicketFilter) -> QuerySet[Ticket]:
    return (
        queries.with_list_columns(queries.tickets_for(agent, f))
        .select_related("inbox", "organisation")
        .prefetch_related(
            Prefetch("requester__identities", queryset=ContactIdentity.objects.order_by("-is_primary", "id"))
        )
    )


@router.get("/tickets", scope=TokenScope.TICKETS_READ, response=TicketPage, summary="List tickets")
def list_tickets(request: HttpRequest, query: Query[TicketListQuery]) -> dict[str, Any]:
    """The tickets you can see, with the inbox's filters and sorts, newest activity first by default.

    Repeat `status` or separate values with commas. Follow `next_cursor` for the next page.
    """
    agent = actor(request)
    f = parse_filter(request.GET)
    rows, next_cursor = paginate(_page_queryset(agent, f), kind="tickets", cursor=query.cursor, limit=query.limit)
    return {"data": [ticket_out(t) for t in rows], "next_cursor": next_cursor}


def _requester(agent: Agent, brand: Brand, body: TicketCreate) -> Contact | None:
    """The requester when they are known already (by id or by address), None when they are new."""
    if body.requester_id is not None:
        contact = referenced("requester_id", contact_queries.get_contact, agent, body.requester_id)
        if contact.brand_id != brand.pk:
            raise ValidationFailed("The requester belongs to another brand.", details={"field": "requester_id"})
        if contact.merged_into_id:
            raise ValidationFailed(
                f"Contact {contact.pk} was merged into contact {contact.merged_into_id}; use that one.",
                details={"field": "requester_id", "merged_into": contact.merged_into_id},
            )
        return contact
    if body.requester is None:
        raise ValidationFailed(
            "Say who wrote: requester (email and name) or requester_id.",
            code="requester_required",
            details={"field": "requester"},
        )
    known = contact_queries.contact_by_address(brand.pk, IdentityKind.EMAIL, body.requester.email)
    if known is not None and body.requester.name and not known.name:  # resolve_contact fills in a missing name
        known, _ = resolve_contact(brand, IdentityKind.EMAIL, body.requester.email, name=body.requester.name)
    return known


@router.post("/tickets", scope=TokenScope.TICKETS_WRITE, response={201: TicketDetailOut}, summary="Open a ticket")
def create_ticket(request: HttpRequest, body: TicketCreate) -> HttpStatus:
    """Open a ticket with the requester's first message; the requester is found or created by email."""
    agent = actor(request)
    permissions.require_writer(agent)  # before the requester is created: refused means nothing is written
    inbox = referenced("inbox_id", inbox_queries.get_inbox, agent, body.inbox_id) if body.inbox_id else None
    brand = brand_for(agent, body.brand_id, fallback=inbox.brand if inbox else None)
    permissions.require(permissions.can_see_brand(agent, brand.pk), "You do not work for this brand.")
    assignee = (
        referenced("assignee_id", account_queries.get_agent, agent, body.assignee_id) if body.assignee_id else None
    )
    team = referenced("team_id", account_queries.get_team, agent, body.team_id) if body.team_id else None
    files = uploads.decode(body.attachments)

    def open_for(requester: Contact) -> Ticket:
        return services.open_ticket(
            agent,
            brand=brand,
            requester=requester,
            subject=body.subject,
            text=body.text,
            html=body.html,
            inbox=inbox,
            channel_kind=body.channel,
            status=body.status,
            priority=body.priority,
            ticket_type=body.type or "",
            tags=body.tags,
            assignee=assignee,
            team=team,
            custom_fields=body.custom_fields,
            attachments=files,
            external_id=body.external_id,
        )

    # The lookup runs outside any transaction: on SQLite a transaction holds the one write lock, so a returning
    # requester's ticket holds it only while the ticket is written.
    known = _requester(agent, brand, body)
    address = None
    if known is not None:
        ticket = open_for(known)
    else:
        new = cast(RequesterIn, body.requester)  # _requester refused a body with neither requester nor id
        with transaction.atomic():  # a new requester and their ticket: both or, when the ticket is refused, neither
            requester, created = resolve_contact(brand, IdentityKind.EMAIL, new.email, name=new.name)
            ticket = open_for(requester)
        if created:  # their one address is the one just given
            address = normalise(IdentityKind.EMAIL, new.email)
    # A new ticket has no followers, and tags only when some were given: no need to read them back.
    out = ticket_out(ticket, detail=True, tags=None if body.tags else [], followers=[], requester_address=address)
    return HttpStatus(201, out)


@router.get("/tickets/{ticket_id}", scope=TokenScope.TICKETS_READ, response=TicketDetailOut, summary="Get a ticket")
def get_ticket(request: HttpRequest, ticket_id: int = TicketId) -> dict[str, Any]:
    return ticket_out(queries.get_ticket(actor(request), ticket_id), detail=True)


def _changes(agent: Agent, body: TicketPatch) -> dict[str, Any]:
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("subject", "status", "priority", "tags", "add_tags", "remove_tags", "custom_fields"):
        value = getattr(body, name)
        if value is not None:
            changes[name] = value
    if "type" in sent:
        changes["ticket_type"] = body.type or ""
    if "assignee_id" in sent:
        changes["assignee"] = (
            referenced("assignee_id", account_queries.get_agent, agent, body.assignee_id) if body.assignee_id else None
        )
    if "team_id" in sent:
        changes["team"] = referenced("team_id", account_queries.get_team, agent, body.team_id) if body.team_id else None
    if body.follower_ids is not None:
        changes["followers"] = referenced_many("follower_ids", account_queries.get_agent, agent, body.follower_ids)
    return changes


@router.patch(
    "/tickets/{ticket_id}", scope=TokenScope.TICKETS_WRITE, response=TicketDetailOut, summary="Change a ticket"
)
def update_ticket(request: HttpRequest, body: TicketPatch, ticket_id: int = TicketId) -> dict[str, Any]:
    """Change what is sent; every real change is recorded on the ticket's timeline."""
    agent = actor(request)
    ticket = queries.get_ticket(agent, ticket_id)
    permissions.require_writer(agent)
    updated = services.update_ticket(agent, ticket, **_changes(agent, body))
    try:
        return ticket_out(queries.get_ticket(agent, ticket_id), detail=True)
    except NotFound:  # the change moved it out of your sight (e.g. to another team): show it one last time
        return ticket_out(updated, detail=True)
