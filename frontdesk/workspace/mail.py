"""How a message that came or went by email is shown: its addresses, the stripped text, automatic replies,
forwarded originals, and remote images held back until the agent asks for them.

Remote images are the reason a sender knows when (and from where) a mail was read; they are rewritten here,
server-side, so the browser never sees their address until the agent clicks "Show images" for that message.
The page's Content-Security-Policy (img-src 'self' data:) blocks them as well, should one slip through.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from typing import Any

from frontdesk.core.html import text_to_html
from frontdesk.core.middleware import CSP
from frontdesk.tickets.models import Message
from frontdesk.tickets.recipients import address_entries

# nh3 writes every attribute double-quoted, with quotes inside escaped, so a tag is `<img` + (name="value")*.
_IMG = re.compile(r'<img\b((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>', re.IGNORECASE)
_ATTR = re.compile(r'\s+([^\s"\'>/=]+)(?:="([^"]*)")?')
_REMOTE = re.compile(r"^(?:https?:)?[/\\]{2}", re.IGNORECASE)
_LOCAL = re.compile(r"^(?:data:image/|/(?![/\\]))", re.IGNORECASE)
# A placeholder of the image's size, drawn by the stylesheet: the layout of the mail stays as it was sent.
BLOCKED_CLASS = "remote-image"
# The CSP of a page on which the agent asked to see one message's remote images (only that one is rewritten
# back, so the wider policy reaches no other message).
IMAGES_CSP = CSP.replace("img-src 'self' data:", "img-src 'self' data: https: http:")

AUTOMATIC_LABELS = {"auto_ack": "Automatic acknowledgement"}
AUTOMATED_LABELS = {
    "auto_reply": "Automatic reply",
    "bounce": "Delivery failure report",
    "feedback_report": "Abuse report",
    "list": "Mailing list",
}


def hold_back_images(html: str, *, show: bool = False) -> tuple[str, int]:
    """`html` (sanitised) with its remote images replaced by placeholders, and how many there were.

    With `show`, remote images keep their address (the agent asked for them) and are still counted. Images that
    are neither remote nor ours (an unresolved `cid:`, a relative path) lose their source either way.
    """
    count = 0

    def rewrite(match: re.Match[str]) -> str:
        nonlocal count
        attrs = [(m.group(1).lower(), m.group(2)) for m in _ATTR.finditer(match.group(1))]
        src = html_lib.unescape(next((v or "" for k, v in attrs if k == "src"), "")).strip()
        kept = [(k, v) for k, v in attrs if k != "src"]
        if _LOCAL.match(src):
            return match.group(0)
        if _REMOTE.match(src):
            count += 1
            if show:
                return match.group(0)
            # The address is left out altogether: "Show images" renders the message again, with it.
            kept.append(("class", BLOCKED_CLASS))
        return "<img" + "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in kept) + ">"

    return _IMG.sub(rewrite, html), count


@dataclass
class MailView:
    """The email side of one message, ready for the template."""

    sender: dict[str, str] | None = None
    to: list[dict[str, str]] = field(default_factory=list)
    cc: list[dict[str, str]] = field(default_factory=list)
    bcc: list[dict[str, str]] = field(default_factory=list)
    automated: str = ""  # a label ("Automatic reply") or ""
    forwarded: dict[str, Any] | None = None  # name, address, subject, note of a forwarded original
    visible_html: str = ""  # the new part of the mail, when quoted history or a signature was cut from it
    has_original: bool = False
    signature: str = ""  # what a reply was signed with (kept apart from its text)
    forwarded_by: str = ""  # the agent who forwarded a customer's mail into the support address
    skipped: list[dict[str, Any]] = field(default_factory=list)  # attachments too large to store (in the original)
    automatic: str = ""  # mail the product sent by itself ("Automatic acknowledgement")
    from_mail_client: bool = False  # an agent's mail from their own mail program, copied to the support address

    @property
    def has_addresses(self) -> bool:
        return bool(self.to or self.cc or self.bcc)


def _visible_text(message: Message, email: dict[str, Any]) -> str:
    value = email.get("visible_text", (message.metadata or {}).get("visible_text", ""))
    return value if isinstance(value, str) else ""


def _forwarded(value: Any) -> dict[str, str] | None:
    """A forwarded original's sender, subject, date and the forwarder's note ("" for what is unknown)."""
    if not value:
        return None
    found = value if isinstance(value, dict) else {}
    sender = found.get("sender")
    sender = sender if isinstance(sender, dict) else {}
    return {
        "name": str(found.get("name") or sender.get("name") or ""),
        "address": str(found.get("address") or sender.get("address") or ""),
        "subject": str(found.get("subject") or ""),
        "date": str(found.get("date") or ""),
        "note": str(found.get("note") or ""),
    }


def mail_view(message: Message, *, has_original: bool = False) -> MailView | None:
    """What to show of a message's email side; None for a message that has none."""
    metadata = message.metadata or {}
    email = metadata.get("email")
    email = email if isinstance(email, dict) else {}
    has_original = has_original or bool(metadata.get("intake_id") or email.get("intake_id"))
    forwarded_by = metadata.get("forwarded_by")
    if not email and not has_original and not forwarded_by and "automatic" not in metadata:  # not a mail
        return None
    senders = address_entries(email.get("from"))
    automated = str(email.get("automated") or metadata.get("automated") or "")
    skipped = metadata.get("skipped_attachments")
    view = MailView(
        sender=senders[0] if senders else None,
        to=address_entries(email.get("to")),
        cc=address_entries(email.get("cc")),
        bcc=address_entries(email.get("bcc")) if message.direction == "outbound" else [],
        automated=AUTOMATED_LABELS.get(automated, ""),
        forwarded=_forwarded(email.get("forwarded") or metadata.get("forwarded")),
        has_original=has_original,
        signature=str(email.get("signature") or "") if message.direction == "outbound" else "",
        forwarded_by=str(forwarded_by.get("name") or "") if isinstance(forwarded_by, dict) else "",
        skipped=[s for s in skipped if isinstance(s, dict)] if isinstance(skipped, list) else [],
        automatic=AUTOMATIC_LABELS.get(str(metadata.get("automatic") or ""), ""),
        from_mail_client=bool(metadata.get("sent_by_agent")),
    )
    if view.forwarded_by and view.forwarded is None:
        view.forwarded = {"name": "", "address": "", "subject": "", "date": "", "note": ""}
    visible = _visible_text(message, email).strip()
    full = (message.body_text or "").strip()
    if visible and len(visible) < len(full):
        view.visible_html = text_to_html(visible)
    return view
