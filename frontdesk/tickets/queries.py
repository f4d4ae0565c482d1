"""Access-checked reads of tickets, conversations and timelines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import NotFound
from frontdesk.tickets import errors, search
from frontdesk.tickets.choices import PRIORITY_RANK, MessageKind
from frontdesk.tickets.filters import SORTS, TicketFilter, filter_q
from frontdesk.tickets.models import Attachment, Message, SavedView, Tag, Ticket, TicketParticipant, TimelineEvent

PRIORITY_RANK_EXPR = Case(
    *[When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()],
    default=Value(1),
    output_field=IntegerField(),
)


def tickets_for(actor: Agent, f: TicketFilter | None = None) -> QuerySet[Ticket]:
    """The tickets `actor` may see, narrowed by `f` and sorted; rows carry what a list shows (no N+1)."""
    f = f or TicketFilter()
    qs = Ticket.objects.filter(permissions.ticket_scope(actor)).filter(filter_q(actor, f))
    if f.q:
        # The scope and filters go into the search, so its newest matches are tickets this actor may see.
        ids = search.matching_ticket_ids(f.q, within=qs)
        qs = qs.filter(pk__in=ids or [])
    if f.sort == "priority":
        qs = qs.annotate(priority_rank=PRIORITY_RANK_EXPR)
    return qs.order_by(*SORTS[f.sort])


def with_list_columns(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related("requester", "assignee", "team", "brand").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name", "color"))
    )


def get_ticket(actor: Agent, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.filter(permissions.ticket_scope(actor), pk=ticket_id)
        .select_related("requester", "requester__organisation", "assignee", "team", "brand", "inbox", "organisation")
        .prefetch_related("tags", "followers")
        .first()
    )
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} does not exist or is not visible to you.", code=errors.TICKET_NOT_FOUND)
    return ticket


def get_ticket_by_number(actor: Agent, number: int) -> Ticket:
    ticket_id = (
        Ticket.objects.filter(permissions.ticket_scope(actor), number=number).values_list("id", flat=True).first()
    )
    if ticket_id is None:
        raise NotFound(f"Ticket #{number} does not exist or is not visible to you.", code=errors.TICKET_NOT_FOUND)
    return get_ticket(actor, ticket_id)


def conversation(actor: Agent, ticket: Ticket) -> QuerySet[Message]:
    """All messages of a ticket the actor can see (access was checked when the ticket was fetched)."""
    if not permissions.can_see_ticket(actor, ticket):
        raise NotFound("Ticket not visible.", code=errors.TICKET_NOT_FOUND)
    return (
        Message.objects.filter(ticket=ticket)
        .select_related("author_agent", "author_contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def public_messages(actor: Agent, ticket: Ticket) -> QuerySet[Message]:
    return conversation(actor, ticket).filter(kind__in=[MessageKind.CUSTOMER, MessageKind.REPLY])


def get_message(actor: Agent, message_id: int) -> Message:
    message = (
        Message.objects.filter(permissions.ticket_scope(actor, "ticket__"), pk=message_id)
        .select_related("ticket", "author_agent", "author_contact")
        .prefetch_related("attachments")
        .first()
    )
    if message is None:
        raise NotFound(f"Message {message_id} does not exist or is not visible to you.", code=errors.MESSAGE_NOT_FOUND)
    return message


def timeline(actor: Agent, ticket: Ticket) -> QuerySet[TimelineEvent]:
    if not permissions.can_see_ticket(actor, ticket):
        raise NotFound("Ticket not visible.", code=errors.TICKET_NOT_FOUND)
    return TimelineEvent.objects.filter(ticket=ticket).select_related("actor_agent").order_by("created_at", "id")


def participants(actor: Agent, ticket: Ticket) -> QuerySet[TicketParticipant]:
    """The people copied in on a ticket besides its requester, with their addresses (two queries)."""
    if not permissions.can_see_ticket(actor, ticket):
        raise NotFound("Ticket not visible.", code=errors.TICKET_NOT_FOUND)
    return (
        TicketParticipant.objects.filter(ticket=ticket)
        .select_related("contact")
        .prefetch_related("contact__identities")
        .order_by("id")
    )


def get_attachment(actor: Agent, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(permissions.ticket_scope(actor, "ticket__"), pk=attachment_id)
        .select_related("ticket")
        .first()
    )
    if attachment is None:
        raise NotFound(
            f"Attachment {attachment_id} does not exist or is not visible to you.", code=errors.ATTACHMENT_NOT_FOUND
        )
    return attachment


def contact_tickets(actor: Agent, contact_id: int, *, exclude: int | None = None, limit: int = 20) -> list[Ticket]:
    """A customer's tickets on any channel, newest first (the profile beside a ticket)."""
    qs = Ticket.objects.filter(permissions.ticket_scope(actor), requester_id=contact_id)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.select_related("assignee").order_by("-created_at", "-id")[:limit])


def count_tickets(actor: Agent, f: TicketFilter) -> int:
    return tickets_for(actor, f.with_(sort="updated")).order_by().count()


def tags_for(actor: Agent, *, search: str = "") -> QuerySet[Tag]:
    """Tags are install-wide labels: every active agent may read them."""
    qs = Tag.objects.all() if actor.is_active else Tag.objects.none()
    if search:
        qs = qs.filter(name__icontains=search.strip().lower())
    return qs.order_by("name")


def custom_fields_for(actor: Agent, *, brand_id: int | None = None, include_inactive: bool = False):  # type: ignore[no-untyped-def]
    from django.db.models import Q

    from frontdesk.tickets.models import CustomField

    qs = CustomField.objects.select_related("brand")
    brands = permissions.brand_ids(actor)
    if brands is not None:
        qs = qs.filter(Q(brand__isnull=True) | Q(brand_id__in=brands))
    if brand_id:
        qs = qs.filter(Q(brand__isnull=True) | Q(brand_id=brand_id))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("position", "label")


def count_tickets_capped(actor: Agent, filters: Sequence[TicketFilter], *, cap: int = 500) -> list[int]:
    """How many tickets each filter selects, counting at most `cap` + 1 each, all in one query.

    Counting stops at the cap, so the cost stays small however many tickets match (lists show "500+").
    """
    if not filters:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for index, f in enumerate(filters):
        qs = tickets_for(actor, f.with_(sort="updated")).order_by().values("id")[: cap + 1]
        sql, sql_params = qs.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [int(n) for n in row]


def saved_views_for(actor: Agent) -> QuerySet[SavedView]:
    """The actor's own saved views and the shared ones (no owner)."""
    if not actor.is_active:
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=actor) | Q(owner__isnull=True)).order_by("position", "name", "id")


def get_saved_view(actor: Agent, view_id: int) -> SavedView:
    view = saved_views_for(actor).filter(pk=view_id).first()
    if view is None:
        raise NotFound(f"View {view_id} does not exist or is not yours.", code="saved_view_not_found")
    return view


def ticket_counts_by_requester(actor: Agent, contact_ids: Sequence[int]) -> dict[int, int]:
    """How many visible tickets each of these contacts has opened (one grouped query, for lists of contacts)."""
    from django.db.models import Count

    if not contact_ids:
        return {}
    rows = (
        Ticket.objects.filter(permissions.ticket_scope(actor), requester_id__in=list(contact_ids))
        .values("requester_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["requester_id"]: row["n"] for row in rows}


def get_tag(actor: Agent, tag_id: int) -> Tag:
    tag = tags_for(actor).filter(pk=tag_id).first()
    if tag is None:
        raise NotFound(f"Tag {tag_id} does not exist.", code=errors.TAG_NOT_FOUND)
    return tag


def get_custom_field(actor: Agent, field_id: int):  # type: ignore[no-untyped-def]
    field = custom_fields_for(actor, include_inactive=True).filter(pk=field_id).first()
    if field is None:
        raise NotFound(
            f"Custom field {field_id} does not exist or is not visible to you.", code=errors.CUSTOM_FIELD_NOT_FOUND
        )
    return field
