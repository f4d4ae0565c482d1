"""Keyset ("newer / older") paging of ticket lists: every page costs the same, however deep it is.

A cursor carries the sort keys of the row it stands on; the next page is the rows strictly past it in the
sort order. No OFFSET, so page 2,000 of a million-message inbox answers as fast as page 1.

Lists over several statuses ("unsolved") or sorted by priority would make the database sort every matching row:
an index on (status, last activity) is ordered within one status only. Such a page is read as one query of
branches, one per status (and priority), each walking its index for just one page, merged by the database; then
the page's rows are fetched by id.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, IntegerField, Q, QuerySet, Value

from frontdesk.accounts.models import Agent
from frontdesk.core.errors import ValidationFailed
from frontdesk.tickets.choices import PRIORITY_RANK, Priority
from frontdesk.tickets.filters import SORTS, TicketFilter
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.queries import tickets_for

PAGE_SIZE = 50
DATETIME_KEYS = {"last_message_at", "created_at"}
RANK = "priority_rank"
# Sorts whose keys an index on (status, last_message_at, id) provides within one status.
BRANCHING_SORTS = {"updated", "oldest", "priority"}
STALE_CURSOR = "This page link is out of date; start again from the first page."

# Turns a queryset of tickets (ordered and sliced, or narrowed to a page's ids) into the rows a list shows.
Load = Callable[[QuerySet[Ticket]], list[Any]]


@dataclass
class Page:
    rows: list[Any]  # Ticket-like: at least id, number, priority, last_message_at, created_at
    older: str | None  # cursor of the page after this one in the sort order
    newer: str | None  # cursor of the page before this one


def _keys(sort: str) -> list[tuple[str, bool]]:
    return [(key.lstrip("-"), key.startswith("-")) for key in SORTS[sort]]


def encode(sort: str, row: Any) -> str:
    values = []
    for field, _ in _keys(sort):
        value = PRIORITY_RANK.get(row.priority, 1) if field == RANK else getattr(row, field)  # type: ignore[call-overload]
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


def _order(keys: list[tuple[str, bool]], *, backwards: bool) -> list[str]:
    return [("-" if descending != backwards else "") + field for field, descending in keys]


def paginate(
    agent: Agent, f: TicketFilter, load: Load, *, after: str = "", before: str = "", size: int = PAGE_SIZE
) -> Page:
    """One page of the tickets `agent` may see under `f`, after or before a cursor."""
    keys = _keys(f.sort)
    cursor = decode(f.sort, before or after) if (before or after) else None
    backwards = bool(before)
    branches = _branches(f)
    if branches:
        ids = _branch_ids(agent, f, branches, keys, cursor, backwards, size + 1)
        by_id = {row.id: row for row in load(Ticket.objects.filter(pk__in=ids))} if ids else {}
        rows = [by_id[i] for i in ids if i in by_id]
    else:
        qs = tickets_for(agent, f)
        if cursor is not None:
            qs = qs.filter(_past(keys, cursor, backwards=backwards))
        rows = load(qs.order_by(*_order(keys, backwards=backwards))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        return Page(
            rows, encode(f.sort, rows[-1]) if rows else None, encode(f.sort, rows[0]) if more and rows else None
        )
    return Page(rows, encode(f.sort, rows[-1]) if more else None, encode(f.sort, rows[0]) if cursor and rows else None)


def _branches(f: TicketFilter) -> list[dict[str, Any]]:
    """The single-status (and single-priority) filters a page is read as; [] when one plain query is better."""
    # A search is a short list of ids already; "unassigned" has its own ordered index (assignee IS NULL).
    if f.q or f.sort not in BRANCHING_SORTS or f.assignee == "none":
        return []
    statuses: list[tuple[str, ...]] = [(s,) for s in f.status] if len(f.status) > 1 else [f.status]
    priorities: list[tuple[str, ...]] = (
        [(p,) for p in f.priority or Priority.values] if f.sort == "priority" else [f.priority]
    )
    if len(statuses) == 1 and len(priorities) == 1:
        return []
    return [{"status": s, "priority": p} for s, p in itertools.product(statuses, priorities)]


def _branch_ids(
    agent: Agent,
    f: TicketFilter,
    branches: list[dict[str, Any]],
    keys: list[tuple[str, bool]],
    cursor: list[Any] | None,
    backwards: bool,
    limit: int,
) -> list[int]:
    parts: list[str] = []
    params: list[Any] = []
    inner_keys = [(field, descending) for field, descending in keys if field != RANK]
    for index, branch in enumerate(branches):
        qs: QuerySet[Ticket] = tickets_for(agent, f.with_(**branch, sort="updated")).order_by()
        rank = PRIORITY_RANK[branch["priority"][0]] if keys[0][0] == RANK else None  # type: ignore[index]
        if cursor is not None:
            inner_cursor: list[Any] | None = cursor
            if rank is not None:
                leading, descending = cursor[0], keys[0][1]
                ahead = rank > leading if descending != backwards else rank < leading
                if ahead:
                    continue  # every row of this priority comes before the cursor
                inner_cursor = cursor[1:] if rank == leading else None
            if inner_cursor is not None:
                qs = qs.filter(_past(inner_keys, inner_cursor, backwards=backwards))
        columns: dict[str, Any] = {"pk_": F("id")}
        for position, (field, _) in enumerate(keys):
            columns[f"k{position}"] = Value(rank, output_field=IntegerField()) if field == RANK else F(field)
        page = qs.order_by(*_order(inner_keys, backwards=backwards)).values(**columns)[:limit]
        sql, sql_params = page.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS branch_{index}")
        params.extend(sql_params)
    if not parts:
        return []
    order = ", ".join(
        f"k{position} {'DESC' if descending != backwards else 'ASC'}" for position, (_, descending) in enumerate(keys)
    )
    sql = f"SELECT pk_ FROM ({' UNION ALL '.join(parts)}) AS page ORDER BY {order} LIMIT {int(limit)}"
    with connection.cursor() as db:
        db.execute(sql, params)
        return [row[0] for row in db.fetchall()]
