"""What the inbox page shows besides the rows: the views with their counts and the current filter."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.core.cache import cache

from frontdesk.accounts.models import Agent
from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.tickets import queries
from frontdesk.tickets.choices import UNSOLVED, Status
from frontdesk.tickets.filters import BUILTIN_VIEWS, TicketFilter, parse_filter
from frontdesk.tickets.models import SavedView

DEFAULT_VIEW = "open"
COUNT_CAP = 500
# Counts are a glance, not a ledger: a few seconds old is fine and spares the database on every click.
COUNT_TTL_SECONDS = 10
BUILTIN = {key: (name, filters) for key, name, filters in BUILTIN_VIEWS}
SORT_LABELS = {
    "updated": "Last activity",
    "oldest": "Oldest activity",
    "created": "Newest first",
    "created_asc": "Oldest first",
    "number": "Ticket number",
    "priority": "Priority",
}
# Marks a request whose query string carries explicit filters (the filter form), as opposed to a view link.
EXPLICIT = "f"
FILTER_KEYS = {f.name for f in fields(TicketFilter)} - {"extra", "sort"}


@dataclass
class ViewLink:
    """One entry in the inbox's list of views."""

    key: str
    name: str
    query: dict[str, str]
    count: int | None = None
    saved: SavedView | None = None

    @property
    def count_label(self) -> str:
        if self.count is None:
            return ""
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)

    @property
    def is_builtin(self) -> bool:
        return self.saved is None


def _normal(query: Mapping[str, Any]) -> dict[str, str]:
    try:
        return parse_filter(dict(query)).to_query()
    except DomainError:
        return {}


def views_for(actor: Agent) -> list[ViewLink]:
    """Built-in views then the actor's saved views, with capped counts (cached briefly per agent)."""
    links = [ViewLink(key, name, _normal(filters)) for key, (name, filters) in BUILTIN.items()]
    links += [ViewLink(str(v.pk), v.name, _normal(v.filters), saved=v) for v in queries.saved_views_for(actor)]
    signature = hashlib.sha1(json.dumps([link.query for link in links], sort_keys=True).encode()).hexdigest()
    key = counts_key(actor)
    cached = cache.get(key)
    if cached and cached[0] == signature:
        counts = cached[1]
    else:
        filters = [parse_filter(link.query) for link in links]
        counts = queries.count_tickets_capped(actor, filters, cap=COUNT_CAP)
        cache.set(key, (signature, counts), COUNT_TTL_SECONDS)
    for link, count in zip(links, counts, strict=True):
        link.count = count
    return links


def counts_key(actor: Agent) -> str:
    return f"workspace:view-counts:{actor.pk}"


def forget_counts(actor: Agent) -> None:
    """After the actor changed tickets, their next page shows fresh counts."""
    cache.delete(counts_key(actor))


def current_filter(actor: Agent, params: Mapping[str, Any]) -> tuple[TicketFilter, str]:
    """The filter a request asks for and the key of the view it came from ("" for ad-hoc filters).

    A view link carries only `?view=key`; the filter form carries its fields and `f=1`; a bare `?q=words` or
    `?status=open` link is a filter of its own.
    """
    if EXPLICIT in params or any(key in params for key in FILTER_KEYS):
        return parse_filter(params), ""
    key = str(params.get("view") or DEFAULT_VIEW)
    if key in BUILTIN:
        base = dict(BUILTIN[key][1])
    else:
        if not key.isdigit():
            raise ValidationFailed(f"There is no view {key!r}.", code="invalid_filter")
        base = dict(queries.get_saved_view(actor, int(key)).filters)
    if params.get("sort"):
        base["sort"] = params["sort"]
    return parse_filter(base), key


def active_key(links: list[ViewLink], f: TicketFilter, requested: str) -> str:
    """The view to highlight: the one asked for, else the first whose filters equal the current ones."""
    if requested:
        return requested
    wanted = {k: v for k, v in f.to_query().items() if k != "sort"}
    for link in links:
        if {k: v for k, v in link.query.items() if k != "sort"} == wanted:
            return link.key
    return ""


def status_summary(f: TicketFilter) -> str:
    """How the status filter reads on its button: "Unsolved", "Pending", "Solved, Closed"."""
    if not f.status:
        return ""
    if set(f.status) == set(UNSOLVED):
        return "Unsolved"
    labels = dict(Status.choices)
    return ", ".join(str(labels.get(s, s)) for s in f.status)
