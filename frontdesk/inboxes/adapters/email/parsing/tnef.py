"""winmail.dat (Outlook's TNEF), best effort: its attachments and body, through tnefparse."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field

from .charsets import decode_bytes
from .model import ParsedAttachment

logging.getLogger("tnefparse").setLevel(logging.ERROR)  # it logs every odd property at warning level


@dataclass
class TnefContent:
    attachments: list[ParsedAttachment] = field(default_factory=list)
    text: str = ""
    html: str = ""


def extract_tnef(data: bytes) -> TnefContent | None:
    """The attachments and body inside a TNEF blob, or None when it cannot be read."""
    try:
        from tnefparse.tnef import TNEF

        tnef = TNEF(data, do_checksum=False)
        content = TnefContent()
        for item in tnef.attachments:
            name = _text(item.long_filename() or item.name or "attachment").strip("\x00 ") or "attachment"
            content.attachments.append(
                ParsedAttachment(
                    filename=name[:255],
                    content=bytes(item.data or b""),
                    content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                )
            )
        content.text = _text(tnef.body).strip("\x00")
        content.html = _text(tnef.htmlbody).strip("\x00")
    except Exception:  # a corrupt blob is kept as a plain attachment by the caller
        return None
    if not (content.attachments or content.text or content.html):
        return None  # nothing we can show (an RTF-only body): keep winmail.dat itself
    return content


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return decode_bytes(value, None)
    return str(value)
