"""The one interface every channel adapter implements, and the neutral shapes it speaks in.

An adapter turns a provider's raw input into `InboundMessage`s (pure: no database), verifies that a request
really comes from the provider, and delivers an outbound message. The shared pipeline does the rest.
"""

from __future__ import annotations

import datetime as dt
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
    auto_acknowledge: bool = False  # a new ticket gets an automatic "we received it" by default (email)


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
    references: list[str] = field(default_factory=list)  # ids of earlier messages it answers, nearest last
    attachments: list[InboundAttachment] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    message_id: str = ""  # the channel's own id of this message (an email's Message-ID), kept for threading
    recipients: list[str] = field(default_factory=list)  # every address it was sent to (To, Cc, envelope)
    cc: list[tuple[str, str]] = field(default_factory=list)  # (address, name) of people copied in
    visible_text: str = ""  # the new part only, without quoted history and signature ("" when all is new)
    sent_at: dt.datetime | None = None
    automated: str = ""  # why no automatic answer may go back: auto_reply, bounce, feedback_report, list
    bounce: dict[str, Any] | None = None  # failed_recipients, status, permanent, diagnostic, original_message_id
    forwarded: dict[str, Any] | None = None  # address, name, subject, text, note of a forwarded original
    thread_token: str = ""  # a signed reply token found in a recipient address
    subject_number: int | None = None  # a ticket number written in the subject ("[#1234]")


@dataclass
class DeliveryResult:
    ok: bool
    external_id: str = ""  # the channel's id of the sent message (an email's Message-ID), stored on the message
    error: str = ""
    retry: bool = False  # a failure worth trying again later (a 4xx answer, a refused connection)
    provider_id: str = ""  # the sending provider's own id, when it differs from external_id


class ChannelAdapter(Protocol):
    kind: str
    capabilities: Capabilities

    def parse_inbound(self, raw: bytes, headers: dict[str, str]) -> list[InboundMessage]: ...

    def verify_request(self, inbox: Any, raw: bytes, headers: dict[str, str]) -> bool: ...

    def deliver(self, inbox: Any, message: Any) -> DeliveryResult: ...
