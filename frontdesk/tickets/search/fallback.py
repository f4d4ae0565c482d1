"""Any other database: a substring scan (slow on large data, but correct), used only where no index exists."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from frontdesk.tickets.search.terms import Terms


def search(terms: Terms, *, limit: int, within: QuerySet | None) -> list[int]:  # type: ignore[type-arg]
    from frontdesk.tickets.models import Message, Ticket

    base = within if within is not None else Ticket.objects.all()
    message_q = Q()
    for word in terms.words:
        message_q &= Q(body_text__icontains=word) | Q(ticket__subject__icontains=word)
    ids = list(
        Message.objects.filter(message_q, ticket_id__in=base.values("pk"))  # type: ignore[misc]
        .order_by("-id")
        .values_list("ticket_id", flat=True)[: limit * 10]
    )
    found = dict.fromkeys(ids)
    return list(found)[:limit]


def rebuild() -> int:
    return 0


def optimize() -> None:
    return None


def integrity_check() -> None:
    return None
