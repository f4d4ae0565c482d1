"""Delivery events from email providers (anymail's tracking webhooks): what became of a reply sent through them.

A provider that sends our mail learns of bounces itself and reports them as events, not as bounce mails:
`/tracking/email/<provider>/` (Mailgun, SendGrid, Postmark, Amazon SES) takes those events, checked like the
inbound webhooks (Mailgun's signature, Amazon SNS's signature, the basic auth secret). An event names the
provider's id of the message, which the outbox kept (`Delivery.provider_id`):
- `delivered`: the reply shows "delivered";
- `bounced` and `rejected` (the provider refused to send to a known-bad address): the reply is marked bounced,
  the address bouncing, and the ticket says so, as for a bounce mail (bounces.py);
- `failed` (the provider could not send it at all): the reply is marked failed;
- `deferred`: a notice that delivery is delayed; `complained`: a notice that the recipient reported it as spam.
Providers repeat events (retries, several recipients): what was recorded once is not recorded again. Opens,
clicks and the rest are ignored.
"""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import tracking
from django.db import transaction

from frontdesk.inboxes import bounces
from frontdesk.inboxes.models import Delivery
from frontdesk.tickets import services as tickets
from frontdesk.tickets.choices import DeliveryStatus
from frontdesk.tickets.models import Message

logger = logging.getLogger(__name__)
HANDLED = {"delivered", "bounced", "rejected", "failed", "deferred", "complained"}


def _reason(event: Any) -> str:
    parts = [str(p) for p in (event.description, event.mta_response) if p]
    return " ".join(dict.fromkeys(parts))[:500]


def _notice(message: Message, text: str, kind: str, event: Any) -> None:
    """A notice for the agents, once per message, kind and recipient (providers post an event again)."""
    key = {"event": kind, "recipient": event.recipient or "", "message_id": message.pk}
    if message.ticket.messages.filter(metadata__automatic="provider_event", metadata__provider_event=key).exists():
        return
    tickets.add_system_message(
        message.ticket, text, metadata={"automatic": "provider_event", "provider_event": key}
    )


def record(event: Any) -> bool:
    """Apply one event; False when it is about nothing we sent (or is not one we act on)."""
    kind = str(event.event_type or "")
    if kind not in HANDLED or not event.message_id:
        return False
    delivery = (
        Delivery.objects.select_related("message__ticket").filter(provider_id=str(event.message_id)).first()
    )
    if delivery is None:
        logger.info("tracking: a %s event about message %s, which we did not send", kind, event.message_id)
        return False
    message, who = delivery.message, event.recipient or "the recipient"
    with transaction.atomic():
        if kind == "delivered":
            if message.delivery_status == DeliveryStatus.SENT:
                tickets.set_delivery_status(message, DeliveryStatus.DELIVERED)
        elif kind in ("bounced", "rejected"):
            if message.delivery_status != DeliveryStatus.BOUNCED:
                metadata = {"automatic": "bounce", "bounce": {"provider_event": kind, "message_id": message.pk}}
                failed = [event.recipient] if event.recipient else []
                bounces.record_bounce(message, failed, _reason(event), permanent=True, metadata=metadata)
        elif kind == "failed":
            if message.delivery_status not in (DeliveryStatus.FAILED, DeliveryStatus.BOUNCED):
                tickets.set_delivery_status(message, DeliveryStatus.FAILED, error=_reason(event) or "Not sent.")
        elif kind == "deferred":
            _notice(message, f"Delivery to {who} is delayed; the provider keeps trying: {_reason(event)}", kind, event)
        else:
            _notice(message, f"{who} reported the message as spam.", kind, event)
    return True


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail's `tracking` signal."""
    from frontdesk.inboxes.adapters.email.webhooks import receiving

    receiving()
    record(event)


tracking.connect(on_tracking, dispatch_uid="frontdesk-email-tracking")
