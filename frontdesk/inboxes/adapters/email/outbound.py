"""Outbound mail: a reply (or an automatic acknowledgement) as MIME, sent through a Django email backend.

The mail carries what keeps the customer's answer on its ticket: its own Message-ID (stored on the message
before sending), In-Reply-To and References pointing at the customer's latest mail, the ticket number in the
subject and a `reply+<token>@` Reply-To address. Automatic mail says so (`Auto-Submitted: auto-replied`,
`X-Auto-Response-Suppress: All`) so that well-behaved auto-responders do not answer it.

The backend is chosen by the inbox's `outbound` settings: "smtp" (host, port, TLS, username; the password from
the environment variable named by `password_env`), "anymail" (an email provider, `esp`, its API key from the
variable named by `api_key_env`), or nothing: Django's EMAIL_BACKEND with the FRONTDESK_EMAIL_* settings.
"""

from __future__ import annotations

import html as html_lib
import logging
import os
import re
import smtplib
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from frontdesk.core.html import sanitize_html, text_to_html
from frontdesk.inboxes.adapters.base import DeliveryResult
from frontdesk.inboxes.adapters.email import addresses
from frontdesk.inboxes.pipeline import own_addresses
from frontdesk.tickets import services as tickets
from frontdesk.tickets.choices import Direction, MessageKind
from frontdesk.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)
MAX_REFERENCES = 20  # enough for any client to thread; long chains are cut (first one kept, as RFC 5322 suggests)
_ESP_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class PermanentFailure(Exception):
    """The mail cannot be sent as it is (no recipient, bad settings): trying again would not help."""


def _inbox_settings(inbox: Any) -> dict[str, Any]:
    return inbox.settings if isinstance(inbox.settings, dict) else {}


def from_address(inbox: Any) -> str:
    brand = inbox.brand
    name = str(_inbox_settings(inbox).get("from_name") or brand.name)
    address = inbox.address or brand.support_email or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address))


def _pairs(items: Any) -> list[tuple[str, str]]:
    """Composer recipients: ["a@x", "A <a@x>", {"address": "b@x", "name": "B"}] -> [(address, name)]."""
    out: list[tuple[str, str]] = []
    for item in items or []:
        if isinstance(item, dict):
            address, name = str(item.get("address") or ""), str(item.get("name") or "")
        else:
            name, address = parseaddr(str(item))
        address = address.strip().lower()
        if "@" in address:
            out.append((address, name))
    return out


def _participants(ticket: Ticket) -> list[tuple[str, str]]:
    from frontdesk.tickets.models import TicketParticipant

    out = []
    for participant in TicketParticipant.objects.filter(ticket_id=ticket.pk).select_related("contact").prefetch_related(
        "contact__identities"
    ):
        address = participant.contact.primary_address
        if "@" in address:
            out.append((address, participant.contact.name))
    return out


def recipients(inbox: Any, message: Message) -> tuple[list[str], list[str], list[str]]:
    """To, Cc and Bcc, formatted: what the composer chose, else the requester and the ticket's participants."""
    chosen = (message.metadata or {}).get("email") or {}
    ticket = message.ticket
    requester = ticket.requester
    to = _pairs(chosen.get("to")) or [(requester.primary_address, requester.name)]
    if "cc" in chosen:
        cc = _pairs(chosen.get("cc"))
    else:
        cc = [] if message.kind == MessageKind.SYSTEM else _participants(ticket)
    bcc = _pairs(chosen.get("bcc"))
    skip = own_addresses(inbox)
    seen: set[str] = set()

    def keep(pairs: list[tuple[str, str]]) -> list[str]:
        kept = []
        for address, name in pairs:
            if "@" not in address or address in skip or address in seen or addresses.is_reply_address(address):
                continue
            seen.add(address)
            kept.append(formataddr((name, address)))
        return kept

    return keep(to), keep(cc), keep(bcc)


def _thread_headers(message: Message) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest mail, else our latest) and References (its chain plus it)."""
    earlier = Message.objects.filter(ticket_id=message.ticket_id, id__lt=message.pk).exclude(external_id="")
    parent = earlier.filter(direction=Direction.INBOUND).order_by("-id").first() or earlier.order_by("-id").first()
    if parent is None:
        return "", []
    email_meta = (parent.metadata or {}).get("email") or {}
    chain = [addresses.bare_message_id(r) for r in [*(email_meta.get("references") or []), parent.external_id]]
    chain = [r for r in dict.fromkeys(chain) if r]
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return parent.external_id, chain


def _signature(inbox: Any, message: Message) -> str:
    """The composer's signature when it left one (even none), else the agent's, else the inbox's."""
    if message.kind == MessageKind.SYSTEM:
        return ""
    chosen = ((message.metadata or {}).get("email") or {}).get("signature")
    if chosen is not None:
        return str(chosen).strip()
    agent = message.author_agent
    own = (agent.signature if agent is not None else "") or ""
    return (own or str(_inbox_settings(inbox).get("signature") or "")).strip()


def _quoted(message: Message) -> tuple[str, str]:
    """The customer's latest message quoted below the reply (inbox setting quote_history)."""
    last = (
        Message.objects.filter(ticket_id=message.ticket_id, id__lt=message.pk, kind=MessageKind.CUSTOMER)
        .select_related("author_contact")
        .order_by("-id")
        .first()
    )
    if last is None:
        return "", ""
    shown = (last.metadata or {}).get("visible_text") or last.body_text
    who = last.author_contact.display_name if last.author_contact else "You"
    intro = f"On {last.created_at:%Y-%m-%d %H:%M} UTC, {who} wrote:"
    text = intro + "\n" + "\n".join(f"> {line}" for line in shown.splitlines())
    html = f"<p>{html_lib.escape(intro)}</p><blockquote>{text_to_html(shown)}</blockquote>"
    return text, html


def subject_for(message: Message) -> str:
    ticket = message.ticket
    chosen = ((message.metadata or {}).get("email") or {}).get("subject") or ""
    if chosen:
        return addresses.with_number(str(chosen), ticket.number)
    return addresses.reply_subject(ticket.subject, ticket.number)


def build(inbox: Any, message: Message, message_id: str) -> EmailMultiAlternatives:
    """The MIME mail of an outbound message; `message_id` with angle brackets."""
    to, cc, bcc = recipients(inbox, message)
    if not to:
        raise PermanentFailure("The requester has no email address to send to.")
    automatic = message.kind == MessageKind.SYSTEM
    text = message.body_text
    html = sanitize_html(message.body_html) if message.body_html else text_to_html(message.body_text)
    signature = _signature(inbox, message)
    if signature:
        text = f"{text}\n\n-- \n{signature}"
        html = f"{html}<p>-- <br>{html_lib.escape(signature).replace(chr(10), '<br>')}</p>"
    if _inbox_settings(inbox).get("quote_history") and not automatic:
        quoted_text, quoted_html = _quoted(message)
        if quoted_text:
            text, html = f"{text}\n\n{quoted_text}", f"{html}{quoted_html}"
    in_reply_to, references = _thread_headers(message)
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = f"<{in_reply_to}>"
        headers["References"] = " ".join(f"<{r}>" for r in references)
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: auto-responders must not answer it
        headers["X-Auto-Response-Suppress"] = "All"  # Exchange/Outlook: no out-of-office back
        headers["Precedence"] = "auto_reply"
    mail = EmailMultiAlternatives(
        subject=subject_for(message),
        body=text,
        from_email=from_address(inbox),
        to=to,
        cc=cc,
        bcc=bcc,
        reply_to=[addresses.make_reply_address(inbox, message.ticket_id)],
        headers=headers,
    )
    mail.attach_alternative(f"<!doctype html><html><body>{html}</body></html>", "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            mail.attach(attachment.filename, handle.read(), attachment.content_type or "application/octet-stream")
    return mail


_SECRET_OPTION = {"postmark": "server_token"}  # the others take api_key (Amazon SES: AWS credentials)


def connection_for(inbox: Any) -> BaseEmailBackend:
    """The email backend the inbox sends through (see the module docstring)."""
    outbound = _inbox_settings(inbox).get("outbound") or {}
    backend = str(outbound.get("backend") or "")
    timeout = int(outbound.get("timeout") or settings.EMAIL_TIMEOUT or 30)
    if settings.DEMO and backend:
        # Demo data must never reach a real mail server: every inbox writes to the demo's outbox folder.
        return get_connection(fail_silently=False, timeout=timeout)
    if backend == "smtp":
        password_env = str(outbound.get("password_env") or "")
        return get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            fail_silently=False,
            host=str(outbound.get("host") or "127.0.0.1"),
            port=int(outbound.get("port") or 587),
            username=str(outbound.get("username") or ""),
            password=os.environ.get(password_env, "") if password_env else "",
            use_tls=bool(outbound.get("use_tls", False)),
            use_ssl=bool(outbound.get("use_ssl", False)),
            timeout=timeout,
        )
    if backend == "anymail":
        esp = str(outbound.get("esp") or "")
        if not _ESP_RE.match(esp):
            raise PermanentFailure(f"Unknown email provider {esp!r} in the inbox's outbound settings.")
        options = dict(outbound.get("options") or {})
        key_env = str(outbound.get("api_key_env") or "")
        if key_env:
            # Each provider's backend names its secret differently (anymail's settings, per ESP).
            options[_SECRET_OPTION.get(esp, "api_key")] = os.environ.get(key_env, "")
        return get_connection(f"anymail.backends.{esp}.EmailBackend", fail_silently=False, **options)
    if backend:
        raise PermanentFailure(f"Unknown outbound backend {backend!r}; use smtp or anymail.")
    return get_connection(fail_silently=False, timeout=timeout)  # EMAIL_BACKEND, from FRONTDESK_EMAIL_*


def classify(exc: BaseException) -> tuple[str, bool]:
    """(error text, retry?) for a failed send: 4xx and network trouble are retried, 5xx refusals are not."""
    if isinstance(exc, PermanentFailure):
        return str(exc), False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in exc.recipients.items())
        return f"Recipients refused: {detail}", not all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"The SMTP server refused the login: {exc.smtp_code} {_text(exc.smtp_error)}", True
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        return f"The SMTP server refused the connection: {exc.smtp_code} {_text(exc.smtp_error)}", True
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}", not 500 <= exc.smtp_code < 600
    status = getattr(exc, "status_code", None)  # anymail's AnymailAPIError and friends
    if type(exc).__name__ in ("AnymailRecipientsRefused", "AnymailInvalidAddress"):
        return str(exc)[:2000], False
    if isinstance(status, int):
        return f"The email provider answered {status}: {exc}"[:2000], status >= 500 or status == 429
    if isinstance(exc, OSError):  # refused connections, timeouts, dropped connections
        return f"Could not reach the mail server: {type(exc).__name__}: {exc}", True
    return f"{type(exc).__name__}: {exc}"[:2000], True


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _sent_headers(mail: EmailMultiAlternatives, bare: str) -> dict[str, Any]:
    """What the mail says, kept on the message as metadata["email"] (recipients, subject, thread headers)."""
    headers = mail.extra_headers
    return {
        "message_id": bare,
        "from": mail.from_email,
        "to": list(mail.to),
        "cc": list(mail.cc),
        "bcc": list(mail.bcc),
        "reply_to": list(mail.reply_to),
        "subject": mail.subject,
        "in_reply_to": [addresses.bare_message_id(headers["In-Reply-To"])] if headers.get("In-Reply-To") else [],
        "references": [addresses.bare_message_id(r) for r in headers.get("References", "").split()],
    }


def send(inbox: Any, message: Message) -> DeliveryResult:
    """Build and send one outbound message; its Message-ID is stored before the mail leaves."""
    bare = message.external_id or addresses.bare_message_id(addresses.make_message_id(addresses.inbox_domain(inbox)))
    try:
        mail = build(inbox, message, f"<{bare}>")
        # Stored first: when the customer answers before our own bookkeeping commits, the answer still threads.
        chosen = (message.metadata or {}).get("email") or {}
        tickets.set_external_id(message, bare, metadata={"email": {**chosen, **_sent_headers(mail, bare)}})
        connection = connection_for(inbox)
        sent = connection.send_messages([mail])
    except Exception as exc:
        error, retry = classify(exc)
        logger.warning("message %s: sending failed (%s): %s", message.pk, "retry" if retry else "permanent", error)
        return DeliveryResult(ok=False, error=error, retry=retry)
    if not sent:
        return DeliveryResult(ok=False, error="The email backend did not send the message.", retry=True)
    status = getattr(mail, "anymail_status", None)  # set by anymail backends: the provider's own id
    provider_id = str(getattr(status, "message_id", None) or "") if status is not None else ""
    return DeliveryResult(ok=True, external_id=bare, provider_id=provider_id or bare)
