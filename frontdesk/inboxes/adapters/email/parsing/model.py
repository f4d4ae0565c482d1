"""What `parse_email` gives back: plain dataclasses, no database, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Address:
    address: str  # lower-cased, "" when unparseable
    name: str = ""


class AutoKind(StrEnum):
    """Why a mail must never get an automatic answer."""

    NONE = ""
    AUTO_REPLY = "auto_reply"  # RFC 3834, X-Autoreply, "Out of office", vacation
    BOUNCE = "bounce"  # DSN, multipart/report, NDR formats
    FEEDBACK_REPORT = "feedback_report"  # ARF abuse/complaint
    LIST = "list"  # List-Id / Precedence: list / bulk / junk, mailing lists


@dataclass
class BounceInfo:
    failed_recipients: list[str]
    status: str = ""  # e.g. "5.1.1"
    permanent: bool = True
    diagnostic: str = ""
    original_message_id: str = ""  # Message-ID of the mail that bounced (without <>) when found


@dataclass
class ForwardedMail:
    sender: Address | None
    to: list[Address]
    cc: list[Address]
    subject: str
    date: str
    text: str  # the forwarded body
    note: str = ""  # what the forwarder wrote above it


@dataclass
class ParsedAttachment:
    filename: str
    content: bytes
    content_type: str
    content_id: str = ""  # without <>
    is_inline: bool = False
    is_calendar: bool = False


@dataclass
class ParsedEmail:
    message_id: str = ""  # without <>; "" when missing
    in_reply_to: list[str] = field(default_factory=list)  # without <>, in order
    references: list[str] = field(default_factory=list)  # without <>, in order
    subject: str = ""  # decoded, whitespace collapsed
    sender: Address | None = None  # From (first)
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""  # whole plain text (from text/plain, else from the HTML)
    html: str = ""  # whole HTML as sent (NOT sanitised: the pipeline sanitises)
    visible_text: str = ""  # text without quoted history and signature
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto: AutoKind = AutoKind.NONE
    auto_reasons: list[str] = field(default_factory=list)
    bounce: BounceInfo | None = None
    forwarded: ForwardedMail | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names of the few headers kept
    defects: list[str] = field(default_factory=list)
    # Added beyond the shared design (all optional):
    reply_text: str = ""  # the top-posted reply only (text above the first quote), without signature
