"""Header values: RFC 2047 encoded words, RFC 6532 raw UTF-8, addresses, Message-IDs and dates.

The stdlib's modern header parser is exact but slow (tens of microseconds per address header), so headers
are read raw from a compat32 message and decoded here, tolerant of every malformation seen in real mail.
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from .charsets import decode_bytes, fix_surrogates
from .model import Address

MAX_HEADER_CHARS = 16_384  # longer values are cut before any parsing (no real header needs more)

_FOLD_RE = re.compile(r"\r?\n[ \t]*|\r")
_SPACE_RE = re.compile(r"\s+")
_ENCODED_WORD_RE = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]{0,4096}?)\?=")
_MSGID_RE = re.compile(r"<([^<>\s]{1,998})>")
_BARE_ADDRESS_RE = re.compile(r"[^\s<>()\[\],;:\"']{1,200}@[^\s<>()\[\],;:\"']{1,255}")


def unfold(value: str) -> str:
    """One line, raw bytes turned back into text (RFC 6532)."""
    value = fix_surrogates(value[:MAX_HEADER_CHARS])
    return _FOLD_RE.sub(" ", value) if ("\n" in value or "\r" in value) else value


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; adjacent words are joined and decoded together (split characters)."""
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # (charset, bytes) of adjacent encoded words
    pos = 0
    for match in _ENCODED_WORD_RE.finditer(value):
        between = value[pos : match.start()]
        if pending and between.strip():
            out.append(_flush(pending))
            pending = []
        if not pending:
            out.append(between)
        pending.append((match.group(1), _word_bytes(match.group(2), match.group(3))))
        pos = match.end()
    if pending:
        out.append(_flush(pending))
    out.append(value[pos:])
    return "".join(out)


def _word_bytes(encoding: str, text: str) -> bytes:
    try:
        if encoding in "bB":
            text = text.strip()
            return binascii.a2b_base64(text + "=" * (-len(text) % 4))
        return binascii.a2b_qp(text.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return text.encode("ascii", "replace")


def _flush(pending: list[tuple[str, bytes]]) -> str:
    # Words in the same charset are decoded as one run, so a character split across two words survives.
    parts: list[str] = []
    run_charset, run = pending[0][0], bytearray()
    for charset, data in pending:
        if charset.lower() != run_charset.lower():
            parts.append(decode_bytes(bytes(run), run_charset))
            run_charset, run = charset, bytearray()
        run += data
    parts.append(decode_bytes(bytes(run), run_charset))
    return "".join(parts)


def decode_text(value: str | None) -> str:
    """A free-text header (Subject, names) as readable text, whitespace collapsed."""
    if not value:
        return ""
    return _SPACE_RE.sub(" ", decode_words(unfold(value))).strip()


def parse_addresses(values: list[str]) -> list[Address]:
    """Every mailbox in these header values (groups flattened); never raises."""
    found: list[Address] = []
    for raw in values:
        value = unfold(raw)
        pairs = _getaddresses(value)
        if not any("@" in addr for _, addr in pairs) and "=?" in value:
            pairs = _getaddresses(decode_words(value))  # whole address hidden in an encoded word
        if not any("@" in addr for _, addr in pairs) and "@" in value:
            pairs = [("", addr) for addr in _BARE_ADDRESS_RE.findall(value)]
        for name, addr in pairs:
            name = _SPACE_RE.sub(" ", decode_words(name)).strip().strip("\"'").strip()
            addr = addr.strip().strip("<>").strip()
            if "@" not in addr:
                if name or addr:
                    found.append(Address("", name or addr))
                continue
            found.append(Address(addr.lower(), "" if name.lower() == addr.lower() else name))
    return found


def _getaddresses(value: str) -> list[tuple[str, str]]:
    try:
        return [(name, addr) for name, addr in getaddresses([value]) if name or addr]
    except Exception:  # the stdlib parser has raised on odd input in some releases
        return []


def parse_message_ids(value: str | None) -> list[str]:
    """Message-IDs in order, without <>; bare ids (no brackets, as some clients write) are kept too."""
    if not value:
        return []
    value = unfold(value)
    ids = _MSGID_RE.findall(value)
    if not ids:
        ids = [token.strip("<>") for token in re.split(r"[\s,]+", value) if "@" in token]
    return list(dict.fromkeys(ids))  # in order, each once


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        date = parsedate_to_datetime(unfold(value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if date is None:
        return None
    return date if date.tzinfo else date.replace(tzinfo=UTC)


def raw_headers(msg: object) -> dict[str, list[str]]:
    """Header values as stored (undecoded), by lower-case name, in order."""
    out: dict[str, list[str]] = {}
    try:
        items = msg.raw_items()  # type: ignore[attr-defined]
    except Exception:
        return out
    for name, value in items:
        out.setdefault(str(name).strip().lower(), []).append(value if isinstance(value, str) else str(value))
    return out


def first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name)
    return values[0] if values else ""
