"""The ticket filters shared by the inbox page, saved views and the API (one definition, one behaviour)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.db.models import Q

from frontdesk.accounts.models import Agent
from frontdesk.core.errors import ValidationFailed
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets.choices import UNSOLVED, Priority, Status

SORTS = {
    "updated": ("-last_message_at", "-id"),
    "oldest": ("last_message_at", "id"),
    "created": ("-created_at", "-id"),
    "created_asc": ("created_at", "id"),
    "number": ("-number",),
    "priority": ("-priority_rank", "-last_message_at", "-id"),
}
UNSOLVED_ALIAS = "unsolved"


@dataclass(frozen=True)
class TicketFilter:
    """What a list of tickets is narrowed to. Every value may come from a query string."""

    status: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    brand: int | None = None
    team: int | str | None = None  # id or "none"
    assignee: int | str | None = None  # id, "me" or "none"
    tag: str = ""
    channel: str = ""
    requester: int | None = None
    organisation: int | None = None
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    q: str = ""
    sort: str = "updated"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def with_(self, **changes: Any) -> TicketFilter:
        return replace(self, **changes)

    def to_query(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if value in (None, "", ()) or (f.name == "sort" and value == "updated"):
                continue
            out[f.name] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [p.strip() for item in items for p in str(item).split(",") if p.strip()]


def _int(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise ValidationFailed(f"{name} must be a number; got {value!r}.", code="invalid_filter") from None
    if not 0 < number < 2**63:
        raise ValidationFailed(f"{name} is out of range.", code="invalid_filter")
    return number


def _date(name: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationFailed(
            f"{name} must be a date like 2026-01-31; got {value!r}.", code="invalid_filter"
        ) from None


def _id_or_word(name: str, value: Any, words: set[str]) -> int | str | None:
    if value in (None, ""):
        return None
    if str(value) in words:
        return str(value)
    return _int(name, value)


def parse_filter(params: Any) -> TicketFilter:
    """Build a TicketFilter from a mapping of strings (QueryDict or dict); raises ValidationFailed clearly."""
    get = params.get
    getlist = getattr(params, "getlist", lambda k: _split(params.get(k)))
    statuses: list[str] = []
    for value in _split(getlist("status")):
        if value == UNSOLVED_ALIAS:
            statuses.extend(UNSOLVED)
        elif value in Status.values:
            statuses.append(value)
        else:
            raise ValidationFailed(
                f"Unknown status {value!r}; use {', '.join(Status.values)} or unsolved.", code="invalid_filter"
            )
    priorities = _split(getlist("priority"))
    for value in priorities:
        if value not in Priority.values:
            raise ValidationFailed(f"Unknown priority {value!r}.", code="invalid_filter")
    channel = (get("channel") or "").strip()
    if channel and channel not in ChannelKind.values:
        raise ValidationFailed(f"Unknown channel {channel!r}.", code="invalid_filter")
    sort = (get("sort") or "updated").strip()
    if sort not in SORTS:
        raise ValidationFailed(f"Unknown sort {sort!r}; use {', '.join(SORTS)}.", code="invalid_filter")
    q = (get("q") or "").strip()
    if len(q) > 200:
        raise ValidationFailed("The search text is limited to 200 characters.", code="invalid_filter")
    return TicketFilter(
        status=tuple(dict.fromkeys(statuses)),
        priority=tuple(dict.fromkeys(priorities)),
        brand=_int("brand", get("brand")),
        team=_id_or_word("team", get("team"), {"none"}),
        assignee=_id_or_word("assignee", get("assignee"), {"me", "none"}),
        tag=(get("tag") or "").strip().lower()[:60],
        channel=channel,
        requester=_int("requester", get("requester")),
        organisation=_int("organisation", get("organisation")),
        created_after=_date("created_after", get("created_after")),
        created_before=_date("created_before", get("created_before")),
        q=q,
        sort=sort,
    )


def filter_q(actor: Agent, f: TicketFilter) -> Q:
    """The filter as a Q on Ticket (search text excluded: it goes through the search backend)."""
    q = Q()
    if f.status:
        q &= Q(status__in=f.status) if len(f.status) > 1 else Q(status=f.status[0])
    if f.priority:
        q &= Q(priority__in=f.priority)
    if f.brand:
        q &= Q(brand_id=f.brand)
    if f.team == "none":
        q &= Q(team__isnull=True)
    elif f.team:
        q &= Q(team_id=f.team)
    if f.assignee == "me":
        q &= Q(assignee_id=actor.pk)
    elif f.assignee == "none":
        q &= Q(assignee__isnull=True)
    elif f.assignee:
        q &= Q(assignee_id=f.assignee)
    if f.tag:
        q &= Q(tickettag__tag__name=f.tag)
    if f.channel:
        q &= Q(channel_kind=f.channel)
    if f.requester:
        q &= Q(requester_id=f.requester)
    if f.organisation:
        q &= Q(organisation_id=f.organisation)
    if f.created_after:
        q &= Q(created_at__date__gte=f.created_after)
    if f.created_before:
        q &= Q(created_at__date__lte=f.created_before)
    return q


# The saved views every agent has; personal and shared ones are SavedView rows with the same filters.
BUILTIN_VIEWS: list[tuple[str, str, dict[str, str]]] = [
    ("mine", "My open tickets", {"assignee": "me", "status": "unsolved"}),
    ("unassigned", "Unassigned", {"assignee": "none", "status": "unsolved"}),
    ("open", "All open", {"status": "unsolved"}),
    ("pending", "Pending", {"status": "pending"}),
    ("solved", "Solved", {"status": "solved,closed"}),
]
