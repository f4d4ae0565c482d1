"""Walk a parsed MIME tree: body text and HTML, attachments, inline images, attached messages, report parts."""

from __future__ import annotations

import binascii
import quopri
import re
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import unquote
from io import BytesIO

from .charsets import decode_bytes, fix_surrogates
from .headers import decode_text, decode_words, first, raw_headers
from .model import ParsedAttachment
from .tnef import extract_tnef

MAX_DEPTH = 25  # deeper nesting is an attack or a loop, not a mail
MAX_PARTS = 1_000

_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar"}
_DELIVERY_STATUS_TYPES = {"message/delivery-status", "message/global-delivery-status"}
_HEADERS_TYPES = {"text/rfc822-headers", "message/rfc822-headers", "text/global-headers", "message/global-headers"}
_MESSAGE_TYPES = {"message/rfc822", "message/global"}
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "message/rfc822": ".eml",
    "application/zip": ".zip",
}
_UNSAFE_FILENAME_RE = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass
class MimeContent:
    text_parts: list[str] = field(default_factory=list)
    html_parts: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    attached_messages: list[Message] = field(default_factory=list)  # message/rfc822 parts, parsed
    delivery_status: list[str] = field(default_factory=list)  # message/delivery-status bodies as text
    feedback_reports: list[str] = field(default_factory=list)  # message/feedback-report bodies as text
    returned_headers: list[str] = field(default_factory=list)  # text/rfc822-headers bodies
    defects: list[str] = field(default_factory=list)
    parts_seen: int = 0


def walk_message(msg: Message) -> MimeContent:
    content = MimeContent()
    _walk(msg, content, depth=0)
    return content


def _walk(part: Message, content: MimeContent, depth: int) -> None:
    content.parts_seen += 1
    if depth > MAX_DEPTH or content.parts_seen > MAX_PARTS:
        _defect(content, "too_many_parts")
        return
    for defect in getattr(part, "defects", ()):
        _defect(content, type(defect).__name__)
    try:
        ctype = part.get_content_type()
    except Exception:
        ctype = "text/plain"
        _defect(content, "bad_content_type")

    if ctype in _DELIVERY_STATUS_TYPES:
        content.delivery_status.append(_part_as_text(part))
        return
    if ctype == "message/feedback-report":
        content.feedback_reports.append(_part_as_text(part))
        return
    if ctype in _HEADERS_TYPES:
        content.returned_headers.append(_part_as_text(part))
        return
    if ctype in _MESSAGE_TYPES or (ctype.startswith("message/") and part.is_multipart()):
        _attached_message(part, content)
        return
    if part.is_multipart():
        payload = part.get_payload()
        if ctype == "multipart/alternative":
            _alternative(payload, content, depth)
            return
        for child in payload if isinstance(payload, list) else ():
            if isinstance(child, Message):
                _walk(child, content, depth + 1)
        return
    if ctype.startswith("multipart/"):
        # A multipart whose boundary never appears: what is left is the raw body, read it as text.
        _defect(content, "multipart_without_parts")
        content.text_parts.append(_decoded_text(part))
        return
    _leaf(part, ctype, content)


def _alternative(children: object, content: MimeContent, depth: int) -> None:
    """Of the alternatives keep one plain text and one HTML rendering, and every attachment (invites)."""
    found = MimeContent(parts_seen=content.parts_seen)
    for child in children if isinstance(children, list) else ():
        if isinstance(child, Message):
            _walk(child, found, depth + 1)
    content.parts_seen = found.parts_seen
    content.text_parts.extend(found.text_parts[:1])
    content.html_parts.extend(found.html_parts[-1:])  # the richest rendering comes last (RFC 2046)
    content.attachments.extend(found.attachments)
    content.attached_messages.extend(found.attached_messages)
    content.delivery_status.extend(found.delivery_status)
    content.feedback_reports.extend(found.feedback_reports)
    content.returned_headers.extend(found.returned_headers)
    content.defects.extend(d for d in found.defects if d not in content.defects)


def _leaf(part: Message, ctype: str, content: MimeContent) -> None:
    disposition = _disposition(part)
    filename = _filename(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        text = _decoded_text(part)
        (content.text_parts if ctype == "text/plain" else content.html_parts).append(text)
        return
    data = _payload_bytes(part)
    if (ctype in _TNEF_TYPES or filename.lower() == "winmail.dat") and _tnef(data, content):
        return
    is_calendar = ctype in _CALENDAR_TYPES or filename.lower().endswith((".ics", ".vcs"))
    content_id = _content_id(part)
    content.attachments.append(
        ParsedAttachment(
            filename=filename or _default_filename(ctype, "invite" if is_calendar else "attachment"),
            content=data,
            content_type=ctype,
            content_id=content_id,
            is_inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
            is_calendar=is_calendar,
        )
    )


def _tnef(data: bytes, content: MimeContent) -> bool:
    extracted = extract_tnef(data)
    if extracted is None:
        _defect(content, "tnef_unreadable")
        return False
    content.attachments.extend(extracted.attachments)
    if extracted.text:
        content.text_parts.append(extracted.text)
    if extracted.html:
        content.html_parts.append(extracted.html)
    return True


def _attached_message(part: Message, content: MimeContent) -> None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], Message) else None
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if inner is not None and not inner.keys() and encoding in ("base64", "quoted-printable"):
        inner = _parse_bytes(_transfer_decoded(inner.get_payload(), encoding))
    if inner is None:
        # Some clients base64-encode attached messages (not allowed, but common): parse the decoded bytes.
        data = _payload_bytes(part)
        inner = _parse_bytes(data) if data.strip() else None
        subject = decode_text(first(raw_headers(inner), "subject")) if inner is not None else ""
        if inner is not None:
            content.attached_messages.append(inner)
    else:
        content.attached_messages.append(inner)
        data = _flatten(inner)
        subject = decode_text(first(raw_headers(inner), "subject"))
    name = _filename(part) or (_safe_filename(subject)[:80] + ".eml" if subject else "message.eml")
    content.attachments.append(ParsedAttachment(filename=name, content=data, content_type="message/rfc822"))


def _transfer_decoded(payload: object, encoding: str) -> bytes:
    raw = str(payload if isinstance(payload, str) else "").encode("ascii", "replace")
    try:
        return binascii.a2b_base64(raw) if encoding == "base64" else quopri.decodestring(raw)
    except (binascii.Error, ValueError):
        return b""


def _parse_bytes(data: bytes) -> Message | None:
    try:
        parsed = BytesParser(policy=compat32).parsebytes(data)
    except Exception:
        return None
    return parsed if parsed.keys() else None


def _flatten(msg: Message) -> bytes:
    out = BytesIO()
    try:
        BytesGenerator(out, mangle_from_=False).flatten(msg)
    except Exception:
        return str(msg).encode("utf-8", "surrogateescape")
    return out.getvalue()


def _part_as_text(part: Message) -> str:
    """A report part as text, whether the parser split it into header blocks or kept it raw."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                lines = [f"{name}: {fix_surrogates(str(value))}" for name, value in block.raw_items()]
                body = block.get_payload()
                if isinstance(body, str) and body.strip():
                    lines.append(fix_surrogates(body))
                blocks.append("\n".join(lines))
        return "\n\n".join(blocks)
    return _decoded_text(part)


def _decoded_text(part: Message) -> str:
    """The part's text, with line ends as "\n" (mail carries CRLF on the wire, some clients a lone CR)."""
    data = _payload_bytes(part)
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(data, charset).replace("\r\n", "\n").replace("\r", "\n")


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _filename(part: Message) -> str:
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        name = _param(part, header, param)
        if name:
            return _safe_filename(decode_words(name))
    return ""


def _param(part: Message, header: str, param: str) -> str:
    """A header parameter, RFC 2231 included, decoded with its charset (or a guess when that fails)."""
    source = part
    raw = next((value for name, value in part.raw_items() if name.lower() == header), None)
    if raw is None:
        return ""
    if isinstance(raw, str) and not raw.isascii():
        # Raw 8-bit bytes (RFC 6532): decode them before the stdlib turns them into U+FFFD.
        source = Message()
        source[header] = fix_surrogates(raw)
    try:
        value = source.get_param(param, None, header=header)
    except Exception:
        return ""
    if isinstance(value, tuple):  # RFC 2231: (charset, language, text as latin-1 code points)
        charset, _language, text = (*value, "", "", "")[:3]
        try:
            return decode_bytes(str(text).encode("latin-1"), str(charset or "") or None)
        except UnicodeEncodeError:
            return str(text)
    return unquote(str(value)) if value else ""


def _safe_filename(name: str) -> str:
    name = _UNSAFE_FILENAME_RE.sub("", name).strip().strip("\"'")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()  # never a path from the sender
    return name[:255]


def _content_id(part: Message) -> str:
    value = part.get("Content-ID")
    if not value:
        return ""
    return fix_surrogates(str(value)).strip().strip("<>").strip()


def _default_filename(ctype: str, stem: str) -> str:
    return stem + _EXTENSIONS.get(ctype, ".bin")


def _defect(content: MimeContent, name: str) -> None:
    if name not in content.defects:
        content.defects.append(name)
