"""Bounces: a mail server tells us that something we sent did not arrive.

The original outbound message is found by the Message-ID the bounce quotes, else by the references of the
bounce itself, else as the latest message we sent to the failed recipient in the last days. A permanent
failure marks that message bounced (with the reason) and the address as bouncing; either way the ticket gets
a system message for its agents. A bounce about nothing we sent stores nothing (the intake is "ignored").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.identities import normalise
from frontdesk.contacts.models import ContactIdentity
from frontdesk.contacts.services import mark_bouncing
from frontdesk.core.errors import ValidationFailed
from frontdesk.inboxes.adapters.base import InboundMessage
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets import services as tickets
from frontdesk.tickets.choices import DeliveryStatus, Direction
from frontdesk.tickets.models import Message

RECENT = dt.timedelta(days=14)  # how far back a bounce without a Message-ID is matched to what we sent


def _addresses(values: list[str]) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(normalise(IdentityKind.EMAIL, value))
        except ValidationFailed:
            continue
    return list(dict.fromkeys(out))


def _sent(brand_id: int) -> Any:
    return Message.objects.filter(ticket__brand_id=brand_id, direction=Direction.OUTBOUND).select_related("ticket")


def find_original(brand_id: int, info: dict[str, Any], references: list[str], failed: list[str]) -> Message | None:
    """The outbound message a bounce is about, or None."""
    ids = [i for i in [info.get("original_message_id") or "", *reversed(references)] if i]
    if ids:
        found = _sent(brand_id).filter(external_id__in=ids[:50]).exclude(external_id="").order_by("-id").first()
        if found is not None:
            return found
    if not failed:
        return None
    contact_ids = list(
        ContactIdentity.objects.filter(brand_id=brand_id, kind=IdentityKind.EMAIL, value__in=failed).values_list(
            "contact_id", flat=True
        )
    )
    if not contact_ids:
        return None
    return (
        _sent(brand_id)
        .filter(created_at__gte=timezone.now() - RECENT)
        .exclude(delivery_status=DeliveryStatus.NOT_APPLICABLE)
        .filter(Q(ticket__requester_id__in=contact_ids) | Q(ticket__participants__contact_id__in=contact_ids))
        .order_by("-id")
        .first()
    )


def receive_bounce(inbox: Inbox, message: InboundMessage, *, intake: Any = None) -> Message | None:
    """Record a bounce on what it is about; None when it is about nothing we sent."""
    info = dict(message.bounce or {})
    failed = _addresses(list(info.get("failed_recipients") or []))
    original = find_original(inbox.brand_id, info, list(message.references), failed)
    if original is None:
        return None
    permanent = bool(info.get("permanent", True))
    reason = " ".join(str(p) for p in (info.get("status"), info.get("diagnostic")) if p).strip()
    metadata: dict[str, Any] = {
        "automatic": "bounce",
        "bounce": {**info, "failed_recipients": failed, "message_id": original.pk},
        "intake_id": intake.pk if intake is not None else None,
    }
    if message.metadata.get(inbox.channel_kind):
        metadata[inbox.channel_kind] = {**message.metadata[inbox.channel_kind], "intake_id": metadata["intake_id"]}
    return record_bounce(original, failed, reason, permanent=permanent, metadata=metadata)


def record_bounce(
    original: Message, failed: list[str], reason: str, *, permanent: bool, metadata: dict[str, Any]
) -> Message:
    """A bounce of `original` (from a bounce mail or a provider's event): a permanent one marks it bounced and
    the addresses bouncing; either way the ticket gets a notice for its agents."""
    reason = reason.strip()[:500] or "The receiving mail server refused the message."
    now = timezone.now()
    if permanent:
        tickets.set_delivery_status(original, DeliveryStatus.BOUNCED, error=reason, at=now)
        mark_bouncing(original.ticket.brand_id, failed, reason=reason, at=now)
    who = ", ".join(failed) or "the recipient"
    text = (
        f"The message to {who} bounced: {reason}"
        if permanent
        else f"Delivery to {who} is delayed; the mail server keeps trying: {reason}"
    )
    return tickets.add_system_message(original.ticket, text, metadata=metadata, at=now)
