"""Addresses and headers that make email threads hold: reply addresses, Message-IDs, ticket numbers in subjects.

- Reply address: `reply+<token>@<domain>`, the token being the ticket's signed id (see inboxes.reply_tokens).
  Read back from any address whose local part ends in `+<token>`, whatever its case.
- Message-ID: `<time.message.random@domain>`, made before the mail is sent and stored on the message.
- Subject: `Re: <subject> [#1234]`, never a second "Re:", the number found again in any later subject.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django.conf import settings

from frontdesk.inboxes import reply_tokens

REPLY_LOCAL = "reply"  # the SMTP listener accepts reply+<token>@ on every domain of an inbox
_NUMBER_RE = re.compile(r"\[#(\d{1,15})\]")
# "Re:" as clients write it in many languages (Aw, Sv, Antw, Odp, Vá, 回复, ...), with "Re[2]:" and "RE :" forms.
_REPLY_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|antwort|odp|res|rif|ref|réf|r|vá|ynt|ha|atb|απ|отв|ответ|回复|回覆|答复)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]\s*)+",
    re.IGNORECASE,
)
_FORWARD_PREFIX_RE = re.compile(
    r"^\s*(?:(?:fwd?|tr|wg|rv|enc|doorst|vs|vl|i|pd|trs|转发)\s*[:\uff1a]\s*)+", re.IGNORECASE
)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def inbox_domain(inbox: Any) -> str:
    """The domain an inbox's reply addresses and Message-IDs use: its own address's (where its mail arrives)."""
    address = inbox.address or getattr(inbox.brand, "support_email", "") or settings.DEFAULT_FROM_EMAIL
    return domain_of(address) or "localhost"


def make_reply_address(inbox: Any, ticket_id: int) -> str:
    """The Reply-To address of a ticket's outbound mail: `reply+<signed ticket id>@<the inbox's domain>`."""
    return f"{REPLY_LOCAL}+{reply_tokens.sign(ticket_id)}@{inbox_domain(inbox)}"


def read_reply_token(address: str) -> str:
    """The token in an address's `+<token>` part ("" when there is none); not yet checked against its signature."""
    local, at, _ = (address or "").strip().strip("<>").rpartition("@")
    if not at or "+" not in local:
        return ""
    candidate = local.rpartition("+")[2].lower()
    return candidate if reply_tokens.looks_like_token(candidate) else ""


def is_reply_address(address: str) -> bool:
    return bool(read_reply_token(address))


def make_message_id(domain: str) -> str:
    """A new, globally unique Message-ID `<…@domain>` (angle brackets included)."""
    stamp = format(int(time.time() * 1000), "x")
    return f"<{stamp}.{secrets.token_hex(8)}@{domain or 'localhost'}>"


def bare_message_id(message_id: str) -> str:
    return (message_id or "").strip().strip("<>").strip()


def subject_number(subject: str) -> int | None:
    """The ticket number written as `[#1234]` in a subject (the last one: prefixes pile up at the front)."""
    found = _NUMBER_RE.findall(subject or "")
    return int(found[-1]) if found else None


def strip_reply_prefixes(subject: str) -> str:
    return _REPLY_PREFIX_RE.sub("", subject or "").strip()


def strip_forward_prefixes(subject: str) -> str:
    return _FORWARD_PREFIX_RE.sub("", subject or "").strip()


def with_number(subject: str, number: int) -> str:
    """The subject carrying `[#number]` once, at the end."""
    bare = " ".join(_NUMBER_RE.sub(" ", subject or "").split())
    return f"{bare} [#{number}]".strip()


def reply_subject(subject: str, number: int) -> str:
    """`Re: <subject> [#number]` with no second "Re:" and no second number."""
    bare = strip_reply_prefixes(_NUMBER_RE.sub(" ", subject or ""))
    bare = strip_reply_prefixes(" ".join(bare.split()))
    return f"Re: {with_number(bare, number)}" if bare else f"Re: [#{number}]"
