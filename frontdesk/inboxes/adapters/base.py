"""The one interface every channel adapter implements, and the neutral shapes it speaks in.

An adapter turns a provider's raw input into `InboundMessage`s (pure: no database), verifies that a request
really comes from the provider, and delivers an outbound message. The shared pipeline does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Capabilities:
    """What a channel kind can do; callers ask these, never the kind's name."""

    threading_by_reference: bool = False  # messages carry references to earlier ones (email)
    subject: bool = False
    html: bool = False
    attachments: bool = False
    outbound: bool = True
    cc: bool = False
    typing_indicators: bool = False
    read_receipts: bool = False
    public_replies: bool = False
    max_text_length: int | None = None


@dataclass
class InboundAttachment:
    filename: str
    content: bytes
    content_type: str = ""
    content_id: str = ""
    is_inline: bool = False


@dataclass
class InboundMessage:
    """A customer message as the pipeline sees it, whatever channel it came by."""

    sender_kind: str  # identity kind of the sender (email, phone, telegram, ...)
    sender_address: str
    sender_name: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    external_id: str = ""  # provider's id: a message seen twice with the same id is stored once
    references: list[str] = field(default_factory=list)
    attachments: list[InboundAttachment] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeliveryResult:
    ok: bool
    external_id: str = ""
    error: str = ""
    retry: bool = False


class ChannelAdapter(Protocol):
    kind: str
    capabilities: Capabilities

    def parse_inbound(self, raw: bytes, headers: dict[str, str]) -> list[InboundMessage]: ...

    def verify_request(self, inbox: Any, raw: bytes, headers: dict[str, str]) -> bool: ...

    def deliver(self, inbox: Any, message: Any) -> DeliveryResult: ...
