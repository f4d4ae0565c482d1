"""parse_email: raw RFC 5322 bytes to a ParsedEmail, whatever the bytes are."""

from __future__ import annotations

from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from .automation import classify
from .forwards import detect_forward, subject_kind
from .headers import decode_text, first, parse_addresses, parse_date, parse_message_ids, raw_headers, unfold
from .html_text import html_texts, text_from_html
from .mime import walk_message
from .model import AutoKind, ForwardedMail, ParsedEmail
from .quotes import split_reply

KEPT_HEADERS = (
    "auto-submitted", "precedence", "list-id", "list-unsubscribe", "list-post", "x-autoreply", "x-autorespond",
    "x-auto-response-suppress", "return-path", "x-failed-recipients", "x-mailer", "user-agent", "x-loop",
    "x-mailing-list", "sender", "delivered-to", "x-original-to", "feedback-id", "content-type",
)
MAX_KEPT_HEADER_CHARS = 1_000
MAX_FORWARD_NOTE_CHARS = 2_000  # a longer text with an attached message is a message, not a forward note


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse a raw mail; never raises (empty or binary input gives an empty ParsedEmail with defects)."""
    try:
        return _parse(raw)
    except Exception as exc:  # the last guard: one bad mail must never stop intake
        return ParsedEmail(defects=[f"unparseable:{type(exc).__name__}"])


def _parse(raw: bytes) -> ParsedEmail:
    # Callers should pass bytes, but text must not be an error either.
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
    if not data.strip():
        return ParsedEmail(defects=["empty"])
    msg = BytesParser(policy=compat32).parsebytes(data)
    headers = raw_headers(msg)
    defects: list[str] = []
    if not headers:
        defects.append("no_headers")

    message_ids = parse_message_ids(first(headers, "message-id"))
    subject = decode_text(first(headers, "subject"))
    senders = parse_addresses(headers.get("from", []) or headers.get("sender", []))
    sender = next((a for a in senders if a.address), senders[0] if senders else None)

    content = walk_message(msg)
    defects.extend(d for d in content.defects if d not in defects)
    text = "\n".join(part for part in content.text_parts if part.strip())
    html = "\n".join(part for part in content.html_parts if part.strip())
    if text.strip():
        split = split_reply(text)
    else:
        text, visible_html_text = html_texts(html) if html else ("", "")
        split = split_reply(visible_html_text)

    if not text.strip() and not content.attachments:
        defects.append("no_content")

    own_id = message_ids[0] if message_ids else ""
    verdict = classify(msg, headers, content, text, subject, sender, own_id, raw_size=len(data))
    forwarded = None
    if verdict.kind not in (AutoKind.BOUNCE, AutoKind.FEEDBACK_REPORT):
        forwarded = detect_forward(text, subject if "subject" in headers else None)
        if forwarded is None and content.attached_messages:
            forwarded = _attached_forward(content.attached_messages[0], subject, split.visible)

    return ParsedEmail(
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=parse_message_ids(first(headers, "in-reply-to")),
        references=parse_message_ids(" ".join(headers.get("references", []))),
        subject=subject,
        sender=sender,
        reply_to=parse_addresses(headers.get("reply-to", [])),
        to=parse_addresses(headers.get("to", [])),
        cc=parse_addresses(headers.get("cc", [])),
        date=parse_date(first(headers, "date")),
        text=text,
        html=html,
        visible_text=split.visible or text.strip(),  # never show an empty message when there is text
        reply_text=split.reply,
        attachments=content.attachments,
        auto=verdict.kind,
        auto_reasons=verdict.reasons,
        bounce=verdict.bounce,
        forwarded=forwarded,
        headers=_kept(headers),
        defects=defects,
    )


def _kept(headers: dict[str, list[str]]) -> dict[str, str]:
    return {name: unfold(first(headers, name))[:MAX_KEPT_HEADER_CHARS] for name in KEPT_HEADERS if name in headers}


def _attached_forward(inner: Message, subject: str, note: str) -> ForwardedMail | None:
    """A mail forwarded as an attachment (message/rfc822), unless it only illustrates a reply."""
    if subject_kind(subject) == "reply":
        return None
    if subject_kind(subject) != "forward" and len(note) > MAX_FORWARD_NOTE_CHARS:
        return None
    headers = raw_headers(inner)
    content = walk_message(inner)
    text = "\n".join(part for part in content.text_parts if part.strip())
    if not text.strip() and content.html_parts:
        text = text_from_html("\n".join(content.html_parts))
    senders = parse_addresses(headers.get("from", []))
    return ForwardedMail(
        sender=senders[0] if senders else None,
        to=parse_addresses(headers.get("to", [])),
        cc=parse_addresses(headers.get("cc", [])),
        subject=decode_text(first(headers, "subject")),
        date=unfold(first(headers, "date")).strip(),
        text=text.strip(),
        note=note,
    )
