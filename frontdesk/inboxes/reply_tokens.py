"""Signed ticket tokens that let a reply find its ticket when a client drops every reference header.

A token is `<ticket id in base 36>-<16 base-32 characters of HMAC>`: short, URL-safe, only lower-case letters,
digits and one hyphen, so it survives mail servers that lower-case the local part of an address. It is read
case-insensitively. Keys come from SECRET_KEY (and SECRET_KEY_FALLBACKS, so rotating the key keeps old tokens).
"""

from __future__ import annotations

import base64
import hmac
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "frontdesk.inboxes.reply-token"
MAC_BYTES = 10  # 80 bits: 16 base-32 characters, no padding
TOKEN_RE = re.compile(r"^([0-9a-z]{1,13})-([a-z2-7]{16})$")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _mac(ticket_id: int, secret: str) -> str:
    digest = salted_hmac(SALT, str(ticket_id), secret=secret, algorithm="sha256").digest()[:MAC_BYTES]
    return base64.b32encode(digest).decode("ascii").lower()


def sign(ticket_id: int) -> str:
    """The token of a ticket, for its reply address."""
    return f"{_base36(ticket_id)}-{_mac(ticket_id, settings.SECRET_KEY)}"


def looks_like_token(text: str) -> bool:
    return bool(TOKEN_RE.match((text or "").lower()))


def ticket_id(token: str) -> int | None:
    """The ticket id a token was signed for, or None when it is malformed or its signature does not match."""
    match = TOKEN_RE.match((token or "").strip().lower())
    if match is None:
        return None
    number = int(match.group(1), 36)
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        if hmac.compare_digest(_mac(number, secret), match.group(2)):
            return number
    return None
