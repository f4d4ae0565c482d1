"""Pushing committed changes to connected agents (called after commit by core.events)."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from frontdesk.realtime.groups import brand_group

logger = logging.getLogger(__name__)
RELAYED_PREFIXES = ("ticket.", "message.")


def relay_ticket_event(event_name: str, payload: dict[str, Any]) -> None:
    """Tell the ticket's brand group that something changed; clients re-fetch what they show (access-checked)."""
    if not event_name.startswith(RELAYED_PREFIXES) or "ticket_id" not in payload:
        return
    layer = get_channel_layer()
    if layer is None:
        return
    from frontdesk.tickets.models import Ticket

    brand_id = payload.get("brand_id") or Ticket.objects.filter(pk=payload["ticket_id"]).values_list(
        "brand_id", flat=True
    ).first()
    if brand_id is None:
        return
    message = {"type": "ticket.changed", "event": event_name, "ticket_id": payload["ticket_id"]}
    async_to_sync(layer.group_send)(brand_group(brand_id), message)
