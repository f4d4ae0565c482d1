"""Storing uploaded and received files safely: limited in size, typed by their bytes, stored by hash."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile

from frontdesk.core.errors import ValidationFailed
from frontdesk.tickets import errors
from frontdesk.tickets.models import Attachment, Message, Ticket

# Types a browser would run or render as a page; they are always served as a download of octet-stream.
ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "application/javascript",
    "text/javascript",
    "application/x-javascript",
    "text/xml",
    "application/xml",
    "application/pdf",
}
INLINE_SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "text/plain"}


def safe_filename(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "_", name).strip(" .")
    return (name or "attachment")[:200]


def sniff_content_type(content: bytes, filename: str) -> str:
    try:
        matches = puremagic.magic_string(content[:4096], filename)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        if match.mime_type:
            return str(match.mime_type)
    if content[:4096].isascii() or _is_utf8(content[:4096]):
        guessed, _ = mimetypes.guess_type(filename)
        return "text/plain" if guessed in (None, "text/html", "image/svg+xml") else guessed
    return "application/octet-stream"


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_size(size: int) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationFailed(
            f"The file is {size:,} bytes; the limit is {limit:,} bytes.",
            code=errors.ATTACHMENT_TOO_LARGE,
            details={"limit": limit, "size": size},
        )


def store_attachment(
    ticket: Ticket,
    message: Message | None,
    *,
    filename: str,
    content: bytes,
    declared_content_type: str = "",
    content_id: str = "",
    is_inline: bool = False,
) -> Attachment:
    check_size(len(content))
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        ticket=ticket,
        message=message,
        filename=safe_filename(filename),
        content_type=sniff_content_type(content, filename),
        declared_content_type=(declared_content_type or "")[:120],
        size=len(content),
        sha256=digest,
        is_inline=is_inline,
        content_id=content_id.strip("<>")[:255],
    )
    attachment.file.save(digest, ContentFile(content), save=False)
    attachment.save()
    return attachment


def serves_inline(attachment: Attachment) -> bool:
    return attachment.content_type in INLINE_SAFE_TYPES
