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
