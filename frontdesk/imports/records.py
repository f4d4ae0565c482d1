"""The import format (docs/operations/import.md): reading and checking one JSON line into a TicketRecord.

Everything here is about the line alone; what the line refers to (brands, agents, teams, numbers in use) is
checked by services.py against the database. A bad value raises LineError naming the field, so that the report
says exactly what to fix: `line 12: messages[2].created_at: expected an ISO 8601 date-time, got 'yesterday'`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.identities import normalise
from frontdesk.core.errors import ValidationFailed
from frontdesk.imports import errors
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets.choices import MessageKind, Priority, Status, TicketType
from frontdesk.tickets.services import normalise_tag

MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_MESSAGES = 10_000
MAX_BODY_CHARS = 1_000_000
MAX_TAGS = 50
SUBJECT_LENGTH = 300
NAME_LENGTH = 200
EXTERNAL_ID_LENGTH = 500
KINDS = (MessageKind.CUSTOMER, MessageKind.REPLY, MessageKind.NOTE)

TICKET_KEYS = frozenset(
    {
        "brand", "number", "subject", "status", "priority", "type", "channel", "inbox", "requester", "assignee",
        "team", "tags", "custom_fields", "created_at", "updated_at", "solved_at", "closed_at", "messages",
    }
)
REQUESTER_KEYS = frozenset({"email", "name", "organisation", "language"})
MESSAGE_KEYS = frozenset({"kind", "author", "text", "body", "html", "created_at", "external_id"})
PERSON_KEYS = frozenset({"email", "name"})


class LineError(Exception):
    """A line that cannot be imported, with the reason and a stable code."""

    def __init__(self, message: str, code: str = errors.INVALID_FIELD):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class MessageRecord:
    kind: str
    author_email: str  # "" means the requester (customer) or the assignee (reply, note)
    author_name: str
    text: str
    html: str
    created_at: dt.datetime | None
    external_id: str = ""


@dataclass
class TicketRecord:
    line: int
    brand: str
    subject: str
    requester_email: str
    messages: list[MessageRecord]
    number: int | None = None
    status: str = Status.NEW
    priority: str = Priority.NORMAL
    ticket_type: str = ""
    channel: str = ChannelKind.API
    inbox: str = ""
    requester_name: str = ""
    organisation: str = ""
    language: str = ""
    assignee: str = ""
    team: str = ""
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    solved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(data: dict[str, Any], key: str, path: str, *, limit: int | None = None, cut: int | None = None) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineError(f"{path}{key}: expected text, got {_type_name(value)} ({_shown(value)}).")
    if limit is not None and len(value) > limit:
        raise LineError(
            f"{path}{key} is {len(value):,} characters; the limit is {limit:,}.", code=errors.TOO_LARGE
        )
    return value[:cut] if cut is not None else value


STATUSES = tuple(Status.values)
PRIORITIES = tuple(Priority.values)
TICKET_TYPES = tuple(TicketType.values)
CHANNEL_KINDS = tuple(ChannelKind.values)


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], default: str, path: str = "") -> str:
    value = data.get(key)
    if value is None or value == "":
        return default
    if value in choices:
        return value  # type: ignore[no-any-return]
    value = _text(data, key, path).strip()
    if not value:
        return default
    if value not in choices:
        raise LineError(f"{path}{key}: {value!r} is not one of {', '.join(choices)}.")
    return value


# Addresses repeat on almost every line of an import: each distinct one is checked once.
_EMAILS: dict[str, str] = {}
_EMAILS_MAX = 500_000


def _email(value: Any, path: str) -> str:
    if type(value) is str:
        known = _EMAILS.get(value)
        if known is not None:
            return known
    if not isinstance(value, str):
        raise LineError(f"{path}: expected an email address, got {_type_name(value)} ({_shown(value)}).")
    try:
        email = normalise(IdentityKind.EMAIL, value.strip())
    except ValidationFailed as exc:
        raise LineError(f"{path}: {exc.message}") from None
    if len(_EMAILS) < _EMAILS_MAX:
        _EMAILS[value] = email
    return email


def _person(value: Any, path: str) -> tuple[str, str]:
    """An email address given as text or as {"email": ..., "name": ...}; returns (email, name)."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, dict):
        _no_unknown(value, PERSON_KEYS, path + ".")
        email = _email(value.get("email"), f"{path}.email")
        return email, " ".join(_text(value, "name", path + ".").split())[:NAME_LENGTH]
    return _email(value, path), ""


def _datetime(value: Any, path: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            # A time without a zone is read as UTC (documented), so that every stored time is aware.
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
    raise LineError(f"{path}: expected an ISO 8601 date-time like 2026-01-31T09:30:00Z, got {_shown(value)}.")


def _no_unknown(data: dict[str, Any], known: frozenset[str], path: str) -> None:
    unknown = [key for key in data if key not in known]
    if unknown:
        raise LineError(
            f"{path}{unknown[0]}: unknown field{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(k) for k in unknown)}; the fields are {', '.join(sorted(known))}.",
            code=errors.UNKNOWN_FIELD,
        )


def _body(value: dict[str, Any], key: str, index: int) -> str:
    body = value.get(key)
    if body is None:
        return ""
    if type(body) is not str:
        raise LineError(f"messages[{index}].{key}: expected text, got {_type_name(body)} ({_shown(body)}).")
    if len(body) > MAX_BODY_CHARS:
        raise LineError(
            f"messages[{index}].{key} is {len(body):,} characters; the limit is {MAX_BODY_CHARS:,}.",
            code=errors.TOO_LARGE,
        )
    return body


def _message(index: int, value: Any) -> MessageRecord:
    # The hot path of an import (a million calls for a million messages): paths are only built for errors.
    if type(value) is not dict:
        raise LineError(f"messages[{index}]: expected an object, got {_type_name(value)} ({_shown(value)}).")
    if not MESSAGE_KEYS.issuperset(value):
        _no_unknown(value, MESSAGE_KEYS, f"messages[{index}].")
    kind = value.get("kind") or MessageKind.CUSTOMER
    if kind not in KINDS:
        raise LineError(f"messages[{index}].kind: {_shown(kind)} is not one of {', '.join(KINDS)}.")
    author = value.get("author")
    if type(author) is str and author in _EMAILS:
        author_email, author_name = _EMAILS[author], ""
    else:
        author_email, author_name = _person(author, f"messages[{index}].author")
    text = _body(value, "text", index) or _body(value, "body", index)
    html = _body(value, "html", index)
    if not text.strip() and not html.strip():
        raise LineError(f"messages[{index}]: a message needs a text or html body.")
    created = value.get("created_at")
    external_id = value.get("external_id")
    return MessageRecord(
        kind=kind,
        author_email=author_email,
        author_name=author_name,
        text=text,
        html=html,
        created_at=_datetime(created, f"messages[{index}].created_at") if created else None,
        external_id=_text(value, "external_id", f"messages[{index}].", cut=EXTERNAL_ID_LENGTH) if external_id else "",
    )


def _number(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise LineError(f"number: expected a whole number above 0, got {_shown(value)}.")
    return value


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise LineError(f"tags: expected a list of texts, got {_shown(value)}.")
    if len(value) > MAX_TAGS:
        raise LineError(f"tags: {len(value)} tags; the limit is {MAX_TAGS}.", code=errors.TOO_LARGE)
    try:
        return list(dict.fromkeys(normalise_tag(t) for t in value))
    except ValidationFailed as exc:
        raise LineError(f"tags: {exc.message}") from None


def parse_record(line: int, data: Any) -> TicketRecord:
    """Check one decoded JSON line; raises LineError on the first problem found."""
    if not isinstance(data, dict):
        raise LineError(f"expected a JSON object for one ticket, got {_type_name(data)}.")
    if not TICKET_KEYS.issuperset(data):
        _no_unknown(data, TICKET_KEYS, "")
    raw_messages = data.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise LineError("messages: a ticket needs a list of at least one message.")
    if len(raw_messages) > MAX_MESSAGES:
        raise LineError(
            f"messages: {len(raw_messages):,} messages; the limit is {MAX_MESSAGES:,} per ticket.",
            code=errors.TOO_LARGE,
        )
    requester = data.get("requester")
    if isinstance(requester, str):
        requester = {"email": requester}
    if not isinstance(requester, dict):
        raise LineError(f"requester: expected an object with an email, got {_shown(requester)}.")
    _no_unknown(requester, REQUESTER_KEYS, "requester.")
    custom_fields = data.get("custom_fields") or {}
    if not isinstance(custom_fields, dict):
        raise LineError(f"custom_fields: expected an object of key: value, got {_shown(custom_fields)}.")
    assignee, _ = _person(data.get("assignee"), "assignee")
    return TicketRecord(
        line=line,
        brand=_text(data, "brand", "").strip(),
        number=_number(data.get("number")),
        subject=" ".join(_text(data, "subject", "", limit=100_000).split())[:SUBJECT_LENGTH],
        status=_choice(data, "status", STATUSES, Status.NEW),
        priority=_choice(data, "priority", PRIORITIES, Priority.NORMAL),
        ticket_type=_choice(data, "type", TICKET_TYPES, ""),
        channel=_choice(data, "channel", CHANNEL_KINDS, ChannelKind.API),
        inbox=_text(data, "inbox", "").strip(),
        requester_email=_email(requester.get("email"), "requester.email"),
        requester_name=" ".join(_text(requester, "name", "requester.").split())[:NAME_LENGTH],
        organisation=" ".join(_text(requester, "organisation", "requester.").split())[:NAME_LENGTH],
        language=_text(requester, "language", "requester.").strip()[:16],
        assignee=assignee,
        team=_text(data, "team", "").strip(),
        tags=_tags(data.get("tags")),
        custom_fields=custom_fields,
        created_at=_datetime(data.get("created_at"), "created_at"),
        updated_at=_datetime(data.get("updated_at"), "updated_at"),
        solved_at=_datetime(data.get("solved_at"), "solved_at"),
        closed_at=_datetime(data.get("closed_at"), "closed_at"),
        messages=[_message(i, m) for i, m in enumerate(raw_messages)],
    )


def decode_line(line: int, raw: bytes) -> Any:
    """The JSON value of one raw line; raises LineError for bad UTF-8 or bad JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(f"not valid UTF-8 (byte {exc.start + 1}).", code=errors.INVALID_ENCODING) from None
    if line == 1:
        text = text.removeprefix("\ufeff")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON: {exc.msg} at column {exc.colno}.", code=errors.INVALID_JSON) from None
