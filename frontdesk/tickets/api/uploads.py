"""Attachments sent as base64 in JSON: size-checked before decoding, refused clearly when not base64."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from frontdesk.core.errors import ValidationFailed
from frontdesk.tickets.api.schemas import AttachmentIn
from frontdesk.tickets.attachments import check_size
from frontdesk.tickets.services import Upload


def decode(items: Sequence[AttachmentIn]) -> list[Upload]:
    uploads = []
    for index, item in enumerate(items):
        encoded = "".join(item.content_base64.split())
        check_size(len(encoded) * 3 // 4)  # the decoded size, known before spending memory on it
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                f"attachments.{index}.content_base64 is not base64.",
                code="invalid_attachment",
                details={"field": f"attachments.{index}.content_base64"},
            ) from None
        check_size(len(content))
        uploads.append(Upload(filename=item.filename, content=content, content_type=item.content_type))
    return uploads
