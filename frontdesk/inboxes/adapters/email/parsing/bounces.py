"""Bounces: RFC 3464 delivery-status reports, and the many non-standard formats mail servers still send.

Standard reports are read field by field. For the rest (qmail, Exim, Postfix without a DSN, Exchange, Gmail,
Yahoo, …) we recognise the wording, and flufl.bounce, made for exactly this, finds the failed recipients.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import Message

from .headers import parse_message_ids, raw_headers
from .model import BounceInfo

MAX_SCANNED_CHARS = 20_000
MAX_FLUFL_BYTES = 200_000  # flufl.bounce reads every line of every part: only for bounce-sized messages

logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)  # it logs each detector and each failure

_STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_REPLY_RE = re.compile(r"(?<!\d)([45]\d\d)[ -]")
_ADDRESS_RE = re.compile(r"[\w.+\-=/!#$%&'*?^`{|}~]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}")
_MESSAGE_ID_LINE_RE = re.compile(r"^[ \t>]*Message-ID[ \t]*:[ \t]*(.{3,300})$", re.IGNORECASE | re.MULTILINE)

# Wording of non-standard failure notices (compared lower-cased, as substrings).
FAILURE_PHRASES = (
    "this is the qmail-send program",
    "i'm afraid i wasn't able to deliver",
    "this is the mail system at host",
    "this message was created automatically by mail delivery software",
    "delivery to the following recipient failed",
    "delivery to the following recipients failed",
    "your message did not reach some or all of the intended recipients",
    "delivery has failed to these recipients or groups",
    "the following addresses had permanent fatal errors",
    "could not be delivered to one or more recipients",
    "sorry, we were unable to deliver your message",
    "message delivery to the following recipients failed",
    "unable to deliver your message",
    "unable to deliver message to the following",
    "your message could not be delivered",
    "your message cannot be delivered",
    "the original message was received at",
    "a message that you sent could not be delivered",
    "a message that you sent has not yet been delivered",
    "this is a permanent error",
    "permanent failure",
    "delivery status notification",
    "undeliverable",
    "undelivered mail",
    "your message was not delivered",
    "message could not be delivered",
    "mail could not be delivered",
    "was not delivered to",
    "could not be delivered",
    "delivery failure",
    "delivery failed",
    "failed to deliver",
    "couldn't be delivered",
    "wasn't delivered",
    "returned mail",
    "mailbox full",
    "mailbox is full",
    "user unknown",
    "no such user",
    "recipient address rejected",
    "message not delivered",
    "the following message to",
    "has been rejected",
    "was rejected",
    "rejected your message",
    "nicht zugestellt",
    "unzustellbar",
    "n'a pas pu être remis",
    "non remis",
    "no se pudo entregar",
    "não foi possível entregar",
    "non è stato possibile recapitare",
    "kon niet worden bezorgd",
    "не может быть доставлено",
    "не доставлено",
    "original mail as follows",
)
# Subjects that alone say "failure notice" (matched at the start, after any "Fwd:" prefix, lower-cased).
FAILURE_SUBJECTS = (
    "undeliverable", "undelivered", "undeliverable mail", "delivery status notification (failure)",
    "delivery status notification (delay)", "delivery status notification", "mail delivery failed",
    "returned mail", "failure notice", "delivery failure", "delivery notification: delivery has failed",
    "nondeliverable", "non remis", "unzustellbar", "onbestelbaar", "mail system error", "message delivery has failed",
    "failed delivery", "failure delivery", "permanent delivery failure", "delivery failed", "mail failure",
    "warning: message", "delayed mail", "mail could not be delivered", "there was an error sending your mail",
    "returned mail: ", "email delivery failure", "[postmaster] email delivery failure", "warning--could not send",
    "mail delivery failure", "delivery status notification: error", "delivery status notification: warning",
    "message status - undeliverable", "undelivered mail returned to sender", "mail delivery status notification",
    "delivery report", "email bounce notification", "bounce notification", "loop alert", "postfix smtp server",
    "mail failed", "message you sent", "could not send message", "returned to sender", "notificación de estado",
    "non-delivery", "nicht zustellbar", "échec de la remise", "mensaje no entregado", "メールエラー", "配信エラー",
    "未送達", "送信エラー", "退信", "系统退信", "邮件退回",
)
_DAEMON_LOCALPARTS = frozenset(
    ("mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon", "postmaster", "post_master",
     "mail.delivery.system", "mdaemon", "mail-delivery-system", "mail_delivery_system", "smtp-gateway",
     "nobody", "noreply-dsn", "bounce", "bounces", "mailer", "sysadmin", "mail-delivery")
)


@dataclass
class DsnFacts:
    info: BounceInfo
    any_failed: bool
    all_delivered: bool


def parse_delivery_status(texts: list[str]) -> DsnFacts | None:
    """Recipients, status and diagnostic of RFC 3464 message/delivery-status parts."""
    recipients: list[dict[str, str]] = []
    for text in texts:
        for block in re.split(r"\n[ \t]*\n", _unfold_fields(text[:MAX_SCANNED_CHARS])):
            fields = _fields(block)
            if "final-recipient" in fields or "original-recipient" in fields or "action" in fields:
                recipients.append(fields)
    if not recipients:
        return None
    failed = [r for r in recipients if _failed(r)]
    delayed = [r for r in recipients if r.get("action", "").startswith("delayed") or r.get("status", "")[:1] == "4"]
    delivered = all(r.get("action", "").startswith(("delivered", "relayed", "expanded")) for r in recipients)
    chosen = failed or delayed or recipients
    first = chosen[0]
    status_match = _STATUS_RE.search(first.get("status", ""))
    status = ".".join(status_match.groups()) if status_match else ""
    info = BounceInfo(
        failed_recipients=_unique(_recipient_address(r) for r in chosen),
        status=status,
        permanent=bool(failed) and not status.startswith("4"),
        diagnostic=_diagnostic(first.get("diagnostic-code", "")),
    )
    return DsnFacts(info=info, any_failed=bool(failed), all_delivered=delivered and not failed and not delayed)


def _failed(recipient: dict[str, str]) -> bool:
    action = recipient.get("action", "")
    if action:
        return action.startswith("failed")
    return recipient.get("status", "").strip().startswith("5")


def _unfold_fields(text: str) -> str:
    return re.sub(r"\r?\n[ \t]+(?=\S)", " ", text.replace("\r\n", "\n"))


def _fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name and " " not in name.strip():
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _recipient_address(fields: dict[str, str]) -> str:
    value = fields.get("final-recipient") or fields.get("original-recipient") or ""
    value = value.split(";", 1)[-1].strip().strip("<>").strip()
    match = _ADDRESS_RE.search(value)
    return match.group(0).lower() if match else value.lower()


def _diagnostic(value: str) -> str:
    value = value.strip()
    if ";" in value[:12]:
        value = value.split(";", 1)[1].strip()
    return value[:1000]


def _unique(values: object) -> list[str]:
    seen: list[str] = []
    for value in values:  # type: ignore[attr-defined]
        if value and value not in seen:
            seen.append(value)
    return seen


def looks_like_failure_subject(subject: str) -> bool:
    lowered = subject.lower().lstrip()
    while lowered[:4] in ("fwd:", "fw: ") or lowered[:3] in ("fw:", "tr:", "wg:"):
        lowered = lowered.split(":", 1)[1].lstrip()
    return lowered.startswith(FAILURE_SUBJECTS)


def failure_phrase(text: str) -> str:
    lowered = text[:MAX_SCANNED_CHARS].lower()
    for phrase in FAILURE_PHRASES:
        if phrase in lowered:
            return phrase
    return ""


def is_daemon_address(address: str) -> bool:
    local = address.split("@", 1)[0].strip().strip("<>\"").lower()
    return local in _DAEMON_LOCALPARTS


def non_standard_bounce(
    msg: Message, text: str, x_failed: str, attached: list[Message], returned_headers: list[str], raw_size: int
) -> BounceInfo:
    """Failed recipients, status and diagnostic of a notice that has no delivery-status part."""
    scanned = text[:MAX_SCANNED_CHARS]
    recipients = [a.lower() for a in _ADDRESS_RE.findall(x_failed)]
    if not recipients and "final-recipient" in scanned.lower():
        facts = parse_delivery_status([scanned])  # a report pasted into the text part
        if facts is not None:
            recipients = facts.info.failed_recipients
    if not recipients and raw_size <= MAX_FLUFL_BYTES:
        recipients = _flufl_recipients(msg)
    if not recipients:
        recipients = _listed_recipients(scanned)
    if not recipients:
        recipients = _returned_to(attached, returned_headers, scanned)
    status_match = _STATUS_RE.search(scanned)
    status = ".".join(status_match.groups()) if status_match else ""
    if not status:
        reply = _SMTP_REPLY_RE.search(scanned)
        status = f"{reply.group(1)[0]}.0.0" if reply else ""
    return BounceInfo(
        failed_recipients=_unique(recipients),
        status=status,
        permanent=not status.startswith("4") and "delay" not in scanned[:2000].lower(),
        diagnostic=_diagnostic_line(scanned),
    )


_RETURNED_START = (
    "original message", "copy of the message", "copy of the original message", "unsent message follows",
    "returned message", "message returned below", "below this line",
)
_LISTED_ADDRESS_RE = re.compile(
    r"^[ \t]*<?(" + _ADDRESS_RE.pattern + r")>?[ \t]*(?::|\[|\(|\.\.\.|$|[ \t]+on[ \t])"  # "a@b on 1/12" (Exchange)
)


def _listed_recipients(text: str) -> list[str]:
    """Addresses written alone on a line ("<a@b>:", "a@b [User unknown]") above the returned message."""
    found = []
    for line in text.split("\n")[:300]:
        lowered = line.lower()
        if lowered.startswith("received:") or any(marker in lowered for marker in _RETURNED_START):
            break
        match = _LISTED_ADDRESS_RE.match(line)
        if match and not is_daemon_address(match.group(1)):
            found.append(match.group(1).lower())
    return found


def _returned_to(attached: list[Message], returned_headers: list[str], text: str) -> list[str]:
    """Last resort: whom the returned message was addressed to."""
    for msg in attached:
        values = raw_headers(msg).get("to", [])
        found = _ADDRESS_RE.findall(" ".join(values))
        if found:
            return [found[0].lower()]
    for block in [*returned_headers, text]:
        match = re.search(r"^[ \t]*To:[ \t]*(.+)$", block, re.MULTILINE)
        if match:
            found = _ADDRESS_RE.findall(match.group(1))
            if found:
                return [found[0].lower()]
    return []


def _flufl_recipients(msg: Message) -> list[str]:
    try:
        from flufl.bounce import all_failures

        temporary, permanent = all_failures(msg)
    except Exception:  # a detector choking on odd input must not cost us the mail
        return []
    found = []
    for raw in [*sorted(permanent), *sorted(temporary)]:
        value = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        match = _ADDRESS_RE.search(value)
        if match:
            found.append(match.group(0).lower())
    return found


def _diagnostic_line(text: str) -> str:
    for line in text.split("\n")[:400]:
        stripped = line.strip()
        if _SMTP_REPLY_RE.match(stripped) or _STATUS_RE.search(stripped[:40]):
            return stripped[:1000]
    return ""


def original_message_id(attached: list[Message], returned_headers: list[str], text: str, own_id: str) -> str:
    """Message-ID of the mail that bounced: from the returned message, its headers, or quoted in the text."""
    for msg in attached:
        ids = parse_message_ids((raw_headers(msg).get("message-id") or [""])[0])
        if ids:
            return ids[0]
    for block in [*returned_headers, text[:200_000]]:
        for match in _MESSAGE_ID_LINE_RE.finditer(block):
            ids = parse_message_ids(match.group(1))
            if ids and ids[0] != own_id:
                return ids[0]
    return ""
