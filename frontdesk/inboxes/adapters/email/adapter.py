"""The email channel: raw RFC 5322 bytes in, neutral InboundMessages out; replies out as MIME through the outbox."""

from __future__ import annotations

import re
from typing import Any

from frontdesk.inboxes.adapters.base import Capabilities, DeliveryResult, InboundAttachment, InboundMessage
from frontdesk.inboxes.adapters.email import addresses
from frontdesk.inboxes.choices import ChannelKind

_REMOTE_IMAGE_RE = re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
# Headers a mail server adds with the envelope recipient: a reply address may only be there (Bcc, aliases).
ENVELOPE_HEADERS = ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to")


def _address(item: Any) -> dict[str, str]:
    return {"address": item.address, "name": item.name}


def _forwarded(mail: Any) -> dict[str, Any] | None:
    fwd = mail.forwarded
    if fwd is None:
        return None
    sender = fwd.sender
    return {
        "address": sender.address if sender else "",
        "name": sender.name if sender else "",
        "subject": fwd.subject,
        "date": fwd.date,
        "text": fwd.text,
        "note": fwd.note,
        "to": [_address(a) for a in fwd.to if a.address],
        "cc": [_address(a) for a in fwd.cc if a.address],
    }


def _bounce(mail: Any) -> dict[str, Any] | None:
    info = mail.bounce
    if info is None:
        return None
    return {
        "failed_recipients": [r.lower() for r in info.failed_recipients if r],
        "status": info.status,
        "permanent": info.permanent,
        "diagnostic": info.diagnostic,
        "original_message_id": addresses.bare_message_id(info.original_message_id),
    }


def _envelope_recipients(mail: Any, headers: dict[str, str]) -> list[str]:
    found: list[str] = []
    for source in (mail.headers or {}, {k.lower(): v for k, v in (headers or {}).items()}):
        for name in ENVELOPE_HEADERS:
            value = source.get(name) or ""
            found.extend(part.strip().strip("<>").lower() for part in str(value).split(",") if "@" in part)
    return found


def _envelope_sender(mail: Any, headers: dict[str, str]) -> str:
    """Who sent a mail whose From names no address: its Return-Path, else the transport's MAIL FROM."""
    transport = {k.lower(): v for k, v in (headers or {}).items()}
    for value in ((mail.headers or {}).get("return-path"), transport.get("envelope-from")):
        address = str(value or "").strip().strip("<>").strip()
        if "@" in address:
            return address
    return ""


def to_inbound(mail: Any, headers: dict[str, str] | None = None) -> InboundMessage:
    """A parsed mail as the pipeline reads it (ParsedEmail -> InboundMessage)."""
    sender = mail.sender
    references = [r for r in mail.references if r]
    references += [r for r in mail.in_reply_to if r and r not in references]
    to_addresses = [a.address for a in mail.to if a.address]
    cc_addresses = [a.address for a in mail.cc if a.address]
    recipients = list(dict.fromkeys([*to_addresses, *cc_addresses, *_envelope_recipients(mail, headers or {})]))
    token = next((t for t in map(addresses.read_reply_token, recipients) if t), "")
    automated = str(mail.auto.value) if mail.auto else ""
    forwarded = _forwarded(mail)
    metadata = {
        "email": {
            "message_id": mail.message_id,
            "in_reply_to": list(mail.in_reply_to),
            "references": list(mail.references),
            "from": _address(sender) if sender else None,
            "to": [_address(a) for a in mail.to if a.address],
            "cc": [_address(a) for a in mail.cc if a.address],
            "bcc": [],
            "reply_to": [_address(a) for a in mail.reply_to if a.address],
            "subject": mail.subject,
            "date": mail.date.isoformat() if mail.date else None,
            "automated": automated,
            "auto_reasons": list(mail.auto_reasons or []),
            "forwarded": forwarded,
            "has_remote_images": bool(mail.html and _REMOTE_IMAGE_RE.search(mail.html)),
            "defects": list(mail.defects or [])[:20],
        }
    }
    return InboundMessage(
        sender_kind="email",
        sender_address=(sender.address if sender else "") or _envelope_sender(mail, headers or {}),
        sender_name=sender.name if sender else "",
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        external_id=mail.message_id,
        message_id=mail.message_id,
        references=references[-100:],
        recipients=recipients,
        cc=[(a.address, a.name) for a in mail.cc if a.address],
        visible_text=mail.visible_text,
        sent_at=mail.date,
        automated=automated,
        bounce=_bounce(mail),
        forwarded=forwarded,
        thread_token=token,
        subject_number=addresses.subject_number(mail.subject),
        attachments=[
            InboundAttachment(
                filename=a.filename,
                content=a.content,
                content_type=a.content_type,
                content_id=a.content_id,
                is_inline=a.is_inline,
            )
            for a in mail.attachments
        ],
        metadata=metadata,
    )


class EmailAdapter:
    kind = ChannelKind.EMAIL.value
    capabilities = Capabilities(
        threading_by_reference=True, subject=True, html=True, attachments=True, cc=True, auto_acknowledge=True
    )

    def parse_inbound(self, raw: bytes, headers: dict[str, str]) -> list[InboundMessage]:
        from frontdesk.inboxes.adapters.email.parsing import parse_email

        return [to_inbound(parse_email(raw), headers)]

    def verify_request(self, inbox: Any, raw: bytes, headers: dict[str, str]) -> bool:
        return False  # provider webhooks are verified by their own receivers (webhooks.py)

    def deliver(self, inbox: Any, message: Any) -> DeliveryResult:
        from frontdesk.inboxes.adapters.email.outbound import send

        return send(inbox, message)
