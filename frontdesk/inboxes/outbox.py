"""The outbox: every outbound message is stored first, then sent by the worker, with retries and backoff.

A reply (tickets publish REPLY_QUEUED after commit) or an automatic mail gets a Delivery row; after commit the
worker task `deliver(delivery_id)` makes one attempt through the channel adapter. A retryable failure (a
4xx answer, a refused connection) is tried again after 1, 5, 15, 60 and 240 minutes, then given up; a
permanent one (5xx) fails at once. The message shows the outcome: queued -> sent / failed (a later bounce:
bounced). `deliver_due`, run every minute, picks up whatever a crash left behind: rows due again, and replies
committed without a Delivery row. Two workers never send the same row at once: an attempt first claims the row.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from frontdesk.core.db import rows
from frontdesk.inboxes.adapters.base import DeliveryResult
from frontdesk.inboxes.adapters.registry import get_adapter
from frontdesk.inboxes.choices import OutboxStatus
from frontdesk.inboxes.models import Delivery, Inbox
from frontdesk.tickets import services as tickets
from frontdesk.tickets.choices import DeliveryStatus
from frontdesk.tickets.models import Message

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)  # a claimed row whose worker died is due again after this
ORPHAN_AGE = dt.timedelta(minutes=2)  # a queued reply without a Delivery row this old lost its subscriber run
DUE_BATCH = 200


def backoff() -> tuple[int, ...]:
    """Seconds to wait after the 1st, 2nd, ... failed attempt; one attempt more than there are waits."""
    return tuple(getattr(settings, "OUTBOX_BACKOFF_SECONDS", (60, 300, 900, 3600, 14400)))


def _inbox_for(message: Message) -> Inbox | None:
    ticket = message.ticket
    if ticket.inbox_id is not None:
        return ticket.inbox
    return (
        Inbox.objects.filter(brand_id=ticket.brand_id, channel_kind=message.channel_kind, is_active=True)
        .order_by("id")
        .first()
    )


def queue(message: Message, inbox: Inbox | None = None) -> Delivery | None:
    """Put `message` in the outbox (inside the caller's transaction, if any); the worker sends it after commit."""
    inbox = inbox or _inbox_for(message)
    if inbox is None:
        tickets.set_delivery_status(message, DeliveryStatus.FAILED, error="There is no inbox to send this from.")
        return None
    delivery = rows.insert(
        Delivery(message=message, inbox=inbox, status=OutboxStatus.QUEUED, next_attempt_at=timezone.now())
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: _enqueue(delivery_id))
    return delivery


def _enqueue(delivery_id: int) -> None:
    from frontdesk.inboxes.tasks import deliver

    try:
        deliver(delivery_id)
    except Exception:  # the task queue being down must not fail the request: deliver_due sends it later
        logger.exception("could not enqueue delivery %s; the periodic sweep will send it", delivery_id)


def on_reply_queued(event_name: str, payload: dict[str, Any]) -> None:
    """Subscriber of tickets' REPLY_QUEUED (runs after the reply's commit)."""
    message = Message.objects.select_related("ticket__inbox").filter(pk=payload["message_id"]).first()
    if message is None or Delivery.objects.filter(message_id=message.pk).exists():
        return
    queue(message)


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING], next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    return claimed == 1


def _call_adapter(delivery: Delivery) -> DeliveryResult:
    message = delivery.message
    try:
        return get_adapter(message.channel_kind).deliver(delivery.inbox, message)
    except Exception as exc:  # an adapter bug or an unexpected provider answer: keep the message, try again
        logger.exception("delivery %s: the %s adapter raised", delivery.pk, message.channel_kind)
        return DeliveryResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:2000], retry=True)


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> Delivery | None:
    """One delivery attempt (the worker task's body); None when the row is not due or another worker has it."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related(
        "inbox__brand", "message__ticket__brand", "message__ticket__requester", "message__author_agent"
    ).get(pk=delivery_id)
    result = _call_adapter(delivery)
    done = now
    message = delivery.message
    waits = backoff()
    if result.ok:
        delivery.status, delivery.sent_at, delivery.last_error = OutboxStatus.SENT, done, ""
        delivery.provider_id = (result.provider_id or result.external_id or "")[:500]
        status = DeliveryStatus.SENT if message.delivery_status != DeliveryStatus.BOUNCED else message.delivery_status
        tickets.set_delivery_status(message, status, external_id=result.external_id or None, at=done)
    elif result.retry and delivery.attempts <= len(waits):
        delivery.status = OutboxStatus.QUEUED
        delivery.next_attempt_at = done + dt.timedelta(seconds=waits[delivery.attempts - 1])
        delivery.last_error = result.error[:2000]
        tickets.set_delivery_status(
            message, DeliveryStatus.QUEUED, error=f"Attempt {delivery.attempts} failed, trying again: {result.error}"
        )
        _schedule(delivery.pk, waits[delivery.attempts - 1])
    else:
        delivery.status, delivery.last_error = OutboxStatus.FAILED, result.error[:2000]
        tickets.set_delivery_status(message, DeliveryStatus.FAILED, error=result.error or "Delivery failed.", at=done)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=delivery.status,
        next_attempt_at=delivery.next_attempt_at,
        last_error=delivery.last_error,
        provider_id=delivery.provider_id,
        sent_at=delivery.sent_at,
    )
    return delivery


def _schedule(delivery_id: int, delay: int) -> None:
    from frontdesk.inboxes.tasks import deliver

    try:
        deliver.schedule(args=(delivery_id,), delay=delay)
    except Exception:  # deliver_due sends it when it is due anyway
        logger.exception("could not schedule the retry of delivery %s", delivery_id)


def requeue_orphans(now: dt.datetime) -> int:
    """Replies committed as queued whose Delivery row was never written (the process died right after)."""
    orphans = list(
        Message.objects.filter(
            delivery_status=DeliveryStatus.QUEUED, delivery__isnull=True, created_at__lte=now - ORPHAN_AGE
        ).select_related("ticket__inbox")[:DUE_BATCH]
    )
    for message in orphans:
        queue(message)
    return len(orphans)


def due(now: dt.datetime) -> list[int]:
    return list(
        Delivery.objects.filter(
            Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.SENDING), next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:DUE_BATCH]
    )


def deliver_due(*, now: dt.datetime | None = None) -> int:
    """Attempt every delivery that is due (and queue orphaned replies); returns the number attempted."""
    now = now or timezone.now()
    requeue_orphans(now)
    count = 0
    for delivery_id in due(now):
        if attempt(delivery_id, now=now) is not None:
            count += 1
    return count
