"""Keyword search over messages, behind one interface for SQLite (FTS5) and PostgreSQL (full-text)."""

from __future__ import annotations

from django.db.models import Q


def matching_ticket_ids(query: str, *, limit: int = 500) -> list[int] | None:
    """Ticket ids whose messages or subject match every word of `query`, newest first; None when `query` is empty.

    Fallback implementation (substring match); the indexed backends replace it.
    """
    from frontdesk.tickets.models import Message, Ticket

    words = query.split()
    if not words:
        return None
    message_q = Q()
    for word in words:
        message_q &= Q(body_text__icontains=word)
    ids = list(
        Message.objects.filter(message_q).order_by("-ticket_id").values_list("ticket_id", flat=True).distinct()[:limit]
    )
    subject_q = Q()
    for word in words:
        subject_q &= Q(subject__icontains=word)
    ids += list(Ticket.objects.filter(subject_q).order_by("-id").values_list("id", flat=True)[:limit])
    return sorted(set(ids), reverse=True)[:limit]
