"""Automatic acknowledgements of new tickets, and the per-address limit on any automatic mail.

An acknowledgement goes through the same outbox as a reply, as a system message the agents see on the ticket.
It is never sent to automated mail (the pipeline does not ask), and at most `limit_per_hour` automatic mails
(default 3, setting AUTO_REPLY_LIMIT_PER_HOUR) go to one address per hour, never two for the same ticket: two
auto-responders cannot keep each other busy, and a flood of forged senders cannot make us a spam source.

Inbox settings: `"auto_ack": {"enabled": true, "subject": "...", "body": "...", "limit_per_hour": 3}` or
`"auto_ack": false`; on by default where the channel's capabilities say so (email). Templates may use
{ticket_number}, {subject}, {customer_name} and {brand}.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from frontdesk.contacts.models import Contact
from frontdesk.core.db import rows
from frontdesk.inboxes import outbox
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.inboxes.models import AutoReplyLog, Inbox
from frontdesk.tickets import services as tickets
from frontdesk.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)
DEFAULT_SUBJECT = "We received your request: {subject}"
DEFAULT_BODY = (
    "Hello {customer_name},\n\n"
    "thank you for writing to {brand}. Your request is ticket #{ticket_number}; we will answer as soon as we can.\n"
    "To add anything, simply reply to this mail.\n\n"
    "{brand}"
)


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:  # an unknown {placeholder} stays as written
        return "{" + key + "}"


def render(template: str, values: dict[str, Any], fallback: str) -> str:
    try:
        return template.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError):  # a stray brace in an admin's template
        logger.warning("auto_ack template could not be rendered; using the default")
        return fallback.format_map(_Keep(values))


def settings_for(inbox: Inbox) -> dict[str, Any] | None:
    """The acknowledgement settings of an inbox, or None when it sends none."""
    configured = (inbox.settings or {}).get("auto_ack")
    if configured is False:
        return None
    values = configured if isinstance(configured, dict) else {}
    enabled = values.get("enabled", capabilities(inbox.channel_kind).auto_acknowledge)
    return values if enabled and capabilities(inbox.channel_kind).outbound else None


def limit_per_hour(values: dict[str, Any]) -> int:
    try:
        return int(values.get("limit_per_hour", settings.AUTO_REPLY_LIMIT_PER_HOUR))
    except (TypeError, ValueError):
        return int(settings.AUTO_REPLY_LIMIT_PER_HOUR)


def allowed(
    brand_id: int, address: str, ticket_id: int | None, limit: int, now: dt.datetime, *, new_ticket: bool = False
) -> bool:
    """Whether one more automatic mail may go to `address` now (and none went for this ticket yet)."""
    if limit <= 0:
        return False
    # Hand-written: it runs for every new ticket, inside the intake's transaction.
    since = connection.ops.adapt_datetimefield_value(now - dt.timedelta(hours=1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ticket_id FROM {AutoReplyLog._meta.db_table} WHERE address = %s AND created_at >= %s "
            f"AND brand_id = %s LIMIT {int(limit) + 1}",
            [address, since, brand_id],
        )
        recent = [row[0] for row in cursor.fetchall()]
    if len(recent) >= limit or (ticket_id is not None and ticket_id in recent):
        return False
    if ticket_id is None or new_ticket:  # nothing can have been sent yet for a ticket opened just now
        return True
    return not AutoReplyLog.objects.filter(brand_id=brand_id, address=address, ticket_id=ticket_id).exists()


def acknowledge(inbox: Inbox, ticket: Ticket, contact: Contact, address: str) -> Message | None:
    """Queue the acknowledgement of a new ticket to `address` (inside the caller's transaction), if allowed."""
    values = settings_for(inbox)
    if values is None or not address:
        return None
    now = timezone.now()
    if not allowed(inbox.brand_id, address, ticket.pk, limit_per_hour(values), now, new_ticket=True):
        logger.info("no acknowledgement to %s for ticket %s: rate limit", address, ticket.number)
        return None
    brand = inbox.brand
    fields = {
        "ticket_number": ticket.number,
        "subject": ticket.subject,
        "customer_name": contact.name or address,
        "brand": brand.name,
    }
    subject = render(str(values.get("subject") or DEFAULT_SUBJECT), fields, DEFAULT_SUBJECT)
    body = render(str(values.get("body") or DEFAULT_BODY), fields, DEFAULT_BODY)
    metadata = {
        "automatic": "auto_ack",
        inbox.channel_kind: {"to": [{"address": address, "name": contact.name}], "cc": [], "subject": subject},
    }
    message = tickets.add_system_message(ticket, body, outbound=True, metadata=metadata, at=now)
    rows.insert(AutoReplyLog(brand_id=inbox.brand_id, address=address, ticket=ticket, created_at=now))
    outbox.queue(message, inbox)
    return message
