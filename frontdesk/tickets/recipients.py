"""Who a reply goes to on channels that address people (email): To, Cc and Bcc, checked before anything is sent.

The workspace composer and the API both reply through `reply_to_recipients`, so an address is judged the same
way everywhere: a bad one refuses the whole reply (nothing stored, nothing sent) with the code `invalid_address`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from frontdesk.accounts.models import Agent
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.identities import normalise
from frontdesk.contacts.queries import contact_by_address
from frontdesk.core.errors import ValidationFailed
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.tickets import services
from frontdesk.tickets.models import Message, Ticket

INVALID_ADDRESS = "invalid_address"
RECIPIENTS_NOT_SUPPORTED = "recipients_not_supported"
MAX_RECIPIENTS = 50  # per field; a reply to more people than this is a mailing, not support
_SEPARATORS = re.compile(r"[;\n\r]+")
_LABELS = {"to": "To", "cc": "Cc", "bcc": "Bcc"}


@dataclass
class Recipients:
    """The addresses of one reply; None means "the channel's default" (the requester, the participants)."""

    to: list[str] | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    # The signature the mail goes out with, as the agent left it in the composer ("" for none); None: the
    # outbox adds the agent's (or the inbox's) own. Kept apart from the text so the conversation stays clean.
    signature: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # names typed beside addresses, for new participants

    def metadata(self) -> dict[str, Any]:
        fields = (("to", self.to), ("cc", self.cc), ("bcc", self.bcc), ("signature", self.signature))
        chosen = {name: value for name, value in fields if value is not None}
        return {"email": chosen} if chosen else {}


def parse_addresses(value: str | Sequence[str] | None, *, field_name: str) -> list[str]:
    """Addresses typed or sent as a list ("Ann <ann@example.com>, bob@example.com"), lower-cased, each once.

    Raises ValidationFailed (code invalid_address, details.field and details.addresses) naming every bad one.
    """
    return list(parse_named(value, field_name=field_name))


def parse_named(value: str | Sequence[str] | None, *, field_name: str) -> dict[str, str]:
    """Like parse_addresses, with the name written beside each address ("" when none), in order."""
    if value is None:
        return {}
    parts = [value] if isinstance(value, str) else [str(v) for v in value]
    found: dict[str, str] = {}
    bad: list[str] = []
    for part in parts:
        for chunk in _SEPARATORS.split(part):
            if not chunk.strip():
                continue
            pairs = getaddresses([chunk])
            if not pairs or any(not address for _, address in pairs):
                bad.append(chunk.strip())
                continue
            for name, address in pairs:
                if _valid(address):
                    key = address.strip().lower()
                    found[key] = found.get(key) or name.strip()
                else:
                    bad.append(address.strip() or chunk.strip())
    if bad:
        shown = ", ".join(f"\u201c{b}\u201d" for b in bad[:5])
        verb = "is not an email address" if len(bad) == 1 else "are not email addresses"
        raise ValidationFailed(
            f"{_LABELS.get(field_name, field_name)}: {shown} {verb}.",
            code=INVALID_ADDRESS,
            details={"field": field_name, "addresses": bad},
        )
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed(
            f"{_LABELS.get(field_name, field_name)}: at most {MAX_RECIPIENTS} addresses.",
            code=INVALID_ADDRESS,
            details={"field": field_name, "addresses": []},
        )
    return found


def _valid(address: str) -> bool:
    address = address.strip()
    if not address or len(address) > 320 or any(ord(c) < 33 for c in address):
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def clean_recipients(
    ticket: Ticket,
    *,
    to: str | Sequence[str] | None = None,
    cc: str | Sequence[str] | None = None,
    bcc: str | Sequence[str] | None = None,
    signature: str | None = None,
) -> Recipients:
    """Check the addresses of a reply on `ticket`; fields left None keep the channel's default."""
    if (to is not None or cc is not None or bcc is not None) and not capabilities(ticket.channel_kind).cc:
        raise ValidationFailed(
            "This ticket's channel does not address replies to people: leave out to, cc and bcc.",
            code=RECIPIENTS_NOT_SUPPORTED,
        )
    named = {
        name: parse_named(value, field_name=name) if value is not None else None
        for name, value in (("to", to), ("cc", cc), ("bcc", bcc))
    }
    chosen = Recipients(
        to=list(named["to"]) if named["to"] is not None else None,
        cc=list(named["cc"]) if named["cc"] is not None else None,
        bcc=list(named["bcc"]) if named["bcc"] is not None else None,
        signature=_clean_signature(signature),
        names={a: n for found in named.values() if found for a, n in found.items() if n},
    )
    if chosen.to is not None and not chosen.to:
        raise ValidationFailed(
            "A reply needs at least one address in To.", code=INVALID_ADDRESS, details={"field": "to", "addresses": []}
        )
    # Someone in To is not also copied: each person gets the reply once, in the most direct field.
    if chosen.cc is not None and chosen.to:
        chosen.cc = [a for a in chosen.cc if a not in chosen.to]
    if chosen.bcc is not None:
        visible = set(chosen.to or []) | set(chosen.cc or [])
        chosen.bcc = [a for a in chosen.bcc if a not in visible]
    return chosen


MAX_SIGNATURE = 4000


def _clean_signature(signature: str | None) -> str | None:
    if signature is None:
        return None
    lines = [line.rstrip() for line in signature.replace("\r\n", "\n").split("\n")]
    cleaned = "\n".join(lines).strip()
    if len(cleaned) > MAX_SIGNATURE:
        raise ValidationFailed(f"A signature is at most {MAX_SIGNATURE} characters.", code="invalid_field")
    return cleaned


@dataclass
class ReplyRecipients:
    """What the composer prefills for an email reply: the requester in To, the ticket's participants in Cc."""

    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)


def default_recipients(ticket: Ticket, participant_addresses: Iterable[str]) -> ReplyRecipients:
    requester = ticket.requester.primary_address
    to = [requester] if requester else []
    return ReplyRecipients(to=to, cc=[a for a in dict.fromkeys(participant_addresses) if a and a not in to])


def reply_to_recipients(
    actor: Agent,
    ticket: Ticket,
    recipients: Recipients,
    *,
    text: str = "",
    html: str = "",
    attachments: Sequence[services.Upload] = (),
    status: str | None = None,
) -> Message:
    """Post a reply addressed to `recipients` (already cleaned); new people in To or Cc join the ticket."""
    with transaction.atomic():
        message = services.post_reply(
            actor, ticket, text=text, html=html, attachments=attachments, status=status, metadata=recipients.metadata()
        )
        _add_participants(actor, ticket, [*(recipients.to or []), *(recipients.cc or [])], recipients.names)
    return message


def _add_participants(actor: Agent, ticket: Ticket, addresses: Sequence[str], names: dict[str, str]) -> None:
    for address in dict.fromkeys(addresses):
        known = contact_by_address(ticket.brand_id, IdentityKind.EMAIL, normalise(IdentityKind.EMAIL, address))
        if known is not None and known.pk == ticket.requester_id:
            continue  # the requester (by any of their addresses) is on the ticket already
        services.add_participant(actor, ticket, address, names.get(address, ""))


def address_entries(value: Any) -> list[dict[str, str]]:
    """Addresses as stored in a message's email metadata, whatever their shape, as [{"address", "name"}].

    Accepts "Ann <ann@example.com>" strings, {"address", "name"} mappings and (address, name) pairs, alone or in
    a list; anything else is skipped, so an odd row never breaks a page or an API answer.
    """
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) and not _is_pair(value) else [value]
    entries: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            address, name = str(item.get("address") or ""), str(item.get("name") or "")
        elif _is_pair(item):
            address, name = str(item[0] or ""), str(item[1] or "")
        elif isinstance(item, str):
            pairs = getaddresses([item])
            name, address = pairs[0] if pairs else ("", item)
        else:
            continue
        if address or name:
            entries.append({"address": address.strip().lower(), "name": name.strip()})
    return entries


def _is_pair(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
        and "@" in value[0]
        and "@" not in value[1]
    )
