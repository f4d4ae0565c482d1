"""The API channel: tickets created by other systems over the REST API (and web forms posting to it)."""

from __future__ import annotations

import json
from typing import Any

from frontdesk.inboxes.adapters.base import Capabilities, DeliveryResult, InboundMessage
from frontdesk.inboxes.choices import ChannelKind


class ApiAdapter:
    kind = ChannelKind.API.value
    capabilities = Capabilities(subject=True, html=True, attachments=True, outbound=False)

    def parse_inbound(self, raw: bytes, headers: dict[str, str]) -> list[InboundMessage]:
        data = json.loads(raw)
        return [
            InboundMessage(
                sender_kind="email",
                sender_address=data["email"],
                sender_name=data.get("name", ""),
                subject=data.get("subject", ""),
                text=data.get("text", ""),
                html=data.get("html", ""),
                external_id=data.get("external_id", ""),
            )
        ]

    def verify_request(self, inbox: Any, raw: bytes, headers: dict[str, str]) -> bool:
        return True  # authenticated by the API token, not by a provider signature

    def deliver(self, inbox: Any, message: Any) -> DeliveryResult:
        # Replies on API tickets are read back through the API (or an outgoing webhook); nothing to send.
        return DeliveryResult(ok=True)
