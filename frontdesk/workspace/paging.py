"""Keyset ("newer / older") paging of ticket lists: every page costs the same, however deep it is.

A cursor carries the sort keys of the row it stands on; the next page is the rows strictly past it in the
sort order. No OFFSET, so page 2,000 of a million-message inbox answers as fast as page 1.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from frontdesk.core.errors import ValidationFailed
from frontdesk.tickets.filters import SORTS
from frontdesk.tickets.models import Ticket

PAGE_SIZE = 50
DATETIME_KEYS = {"last_message_at", "created_at"}
STALE_CURSOR = "This page link is out of date; start again from the first page."


@dataclass
class Page:
    rows: list[Ticket]
    older: str | None  # cursor of the page after this one in the sort order
    newer: str | None  # cursor of the page before this one


def _keys(sort: str) -> list[tuple[str, bool]]:
    return [(key.lstrip("-"), key.startswith("-")) for key in SORTS[sort]]


def encode(sort: str, row: Ticket) -> str:
    values = []
    for field, _ in _keys(sort):
        value = getattr(row, field)
        values.append(value.isoformat() if isinstance(value, dt.datetime) else value)
    raw = json.dumps([sort, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(sort: str, token: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_sort, values = json.loads(raw)
        keys = _keys(sort)
        if token_sort != sort or len(values) != len(keys):
            raise ValueError
        return [_value(field, v) for (field, _), v in zip(keys, values, strict=True)]
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(STALE_CURSOR, code="invalid_cursor") from None


def _value(field: str, value: Any) -> Any:
    if field in DATETIME_KEYS:
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        if when is None or when.tzinfo is None:
            raise ValueError(value)
        return when
    if type(value) is not int or not -(2**63) < value < 2**63:
        raise ValueError(value)
    return value


def _past(keys: list[tuple[str, bool]], values: list[Any], *, backwards: bool = False) -> Q:
    """Rows strictly past the cursor in sort order (before it when `backwards`)."""
    either = Q()
    equal: dict[str, Any] = {}
    for (field, descending), value in zip(keys, values, strict=True):
        op = "lt" if descending != backwards else "gt"
        either |= Q(**equal, **{f"{field}__{op}": value})
        equal[field] = value
    # The leading key alone bounds the range, so the database seeks into its index instead of scanning.
    field, descending = keys[0]
    bound = Q(**{f"{field}__{'lte' if descending != backwards else 'gte'}": values[0]})
    return bound & either


def paginate(qs: QuerySet[Ticket], sort: str, *, after: str = "", before: str = "", size: int = PAGE_SIZE) -> Page:
    """One page of `qs` (already ordered by SORTS[sort]) after or before a cursor."""
    keys = _keys(sort)
    if before:
        reverse = [("" if descending else "-") + field for field, descending in keys]
        rows = list(qs.filter(_past(keys, decode(sort, before), backwards=True)).order_by(*reverse)[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
        return Page(rows, encode(sort, rows[-1]) if rows else None, encode(sort, rows[0]) if more and rows else None)
    if after:
        qs = qs.filter(_past(keys, decode(sort, after)))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode(sort, rows[-1]) if more else None, encode(sort, rows[0]) if after and rows else None)
