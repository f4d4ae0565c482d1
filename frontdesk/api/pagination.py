"""Cursor pagination: keyset on the list's sort keys (no OFFSET), behind an opaque signed cursor.

A cursor carries the sort keys of the last row shown and what list it belongs to; the next page is the rows
strictly after it in sort order, so pages stay stable while new rows arrive and deep pages cost the same as the
first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Model, Q, QuerySet

from frontdesk.api.errors import InvalidCursor

SALT = "frontdesk.api.cursor"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
UNIQUE_KEYS = {"id", "pk", "number"}

M = TypeVar("M", bound=Model)


def _order(qs: QuerySet[Any]) -> list[str]:
    order = [str(o) for o in (qs.query.order_by or qs.model._meta.ordering or ())]
    if not order or order[-1].lstrip("-") not in UNIQUE_KEYS:
        order.append("-id" if order and order[0].startswith("-") else "id")
    return order


def _value(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, "pk" if part == "pk" else part)
    return obj


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        raise ValueError("unknown value")
    if isinstance(value, int | str | float) or value is None:
        return value
    raise ValueError("unknown value")


def make_cursor(kind: str, order: Sequence[str], row: Any) -> str:
    values = [_encode(_value(row, key.lstrip("-"))) for key in order]
    return signing.dumps({"k": _list_key(kind, order), "v": values}, salt=SALT, compress=True)


def _list_key(kind: str, order: Sequence[str]) -> str:
    return f"{kind}|{','.join(order)}"


def read_cursor(kind: str, order: Sequence[str], cursor: str) -> list[Any]:
    try:
        payload = signing.loads(cursor, salt=SALT)
        if not isinstance(payload, dict) or payload.get("k") != _list_key(kind, order):
            raise ValueError("cursor of another list")
        values = [_decode(v) for v in payload["v"]]
        if len(values) != len(order):
            raise ValueError("cursor of another sort")
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise InvalidCursor(
            "The cursor is not valid for this list; start again without it, with the same filters and sort."
        ) from None
    return values


def after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `order`: (k1 > v1) or (k1 = v1 and k2 > v2) or ... ("<" for descending).

    The leading bound on the first key alone lets the database walk its index from the cursor.
    """
    first = order[0]
    q = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    alternatives = Q()
    for i, key in enumerate(order):
        name = key.lstrip("-")
        step = Q(**{f"{name}__{'lt' if key.startswith('-') else 'gt'}": values[i]})
        for prev_key, prev_value in zip(order[:i], values[:i], strict=True):
            step &= Q(**{prev_key.lstrip("-"): prev_value})
        alternatives |= step
    return q & alternatives


def paginate(qs: QuerySet[M], *, kind: str, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """One page of `qs` (already filtered and ordered) and the cursor of the next page, if any."""
    order = _order(qs)
    qs = qs.order_by(*order)
    if cursor:
        qs = qs.filter(after(order, read_cursor(kind, order, cursor)))
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(qs[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, make_cursor(kind, order, rows[-1])
    return rows, None
