"""Email parsing: raw bytes in, a ParsedEmail out (text, HTML, attachments, reply, forward, automation).

Pure Python and Django-free, so the SMTP listener, the IMAP poller and the webhooks share it.
"""

from .model import Address, AutoKind, BounceInfo, ForwardedMail, ParsedAttachment, ParsedEmail
from .parser import parse_email

__all__ = ["Address", "AutoKind", "BounceInfo", "ForwardedMail", "ParsedAttachment", "ParsedEmail", "parse_email"]
