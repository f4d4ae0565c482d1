"""Building the neutral inbound messages the pipeline receives, as the email adapter would fill them."""

from __future__ import annotations

import uuid
from typing import Any

from frontdesk.inboxes.adapters.base import InboundAttachment, InboundMessage
from frontdesk.inboxes.adapters.email import addresses


def new_id() -> str:
    return f"{uuid.uuid4().hex}@mail.example.test"


def mail(
    sender: str = "ann@example.test",
    subject: str = "My parcel has not arrived",
    text: str = "Order 1001 is a week late.",
    *,
    to: tuple[str, ...] = ("help@acme.test",),
    cc: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
    name: str = "",
    attachments: tuple[InboundAttachment, ...] = (),
    **fields: Any,
) -> InboundMessage:
    recipients = [*to, *cc]
    fields.setdefault("message_id", new_id())
    fields.setdefault("subject_number", addresses.subject_number(subject))
    fields.setdefault("thread_token", next((t for t in map(addresses.read_reply_token, recipients) if t), ""))
    return InboundMessage(
        sender_kind="email",
        sender_address=sender,
        sender_name=name,
        subject=subject,
        text=text,
        recipients=recipients,
        cc=[(a, "") for a in cc],
        references=list(references),
        attachments=list(attachments),
        **fields,
    )


def raw_mail(n: int, *, replying_to: int | None = None, sender: str = "ann@example.test") -> bytes:
    """Mail number `n` as a mail client sends it (to help@acme.test), optionally answering mail `replying_to`."""
    lines = [
        f"From: Ann <{sender}>", "To: help@acme.test", f"Subject: Question {n}", f"Message-ID: <q{n}@mail.example.test>"
    ]
    if replying_to is not None:
        lines += [f"In-Reply-To: <q{replying_to}@mail.example.test>", f"References: <q{replying_to}@mail.example.test>"]
    return ("\r\n".join(lines) + f"\r\n\r\nQuestion number {n}.\r\n").encode()
