"""The inbox's ticket rows: a page of fifty rows is the hot path of the whole workspace.

Rows are read as plain values (one query with the joined names, one for the tags, one for the addresses of
requesters without a name) rather than as model instances with prefetches, and written with plain string
formatting (badges and icons made once per value) rather than a template loop; each is many times cheaper,
which keeps the inbox inside its time budget on large installs. The markup is the one the inbox template and
the stylesheet expect (templates/workspace/inbox/_list.html).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import ContactIdentity
from frontdesk.tickets.models import Ticket, TicketTag
from frontdesk.workspace.templatetags import workspace_ui as ui

COLUMNS = (
    "id", "number", "subject", "status", "priority", "channel_kind", "preview", "last_message_at", "created_at",
    "requester_id", "requester__name", "assignee_id", "assignee__name", "assignee__email", "team__name",
    "brand__name", "brand__color",
)  # fmt: skip


@dataclass
class Row:
    """One line of a ticket list, with the names it shows already joined in."""

    id: int
    number: int
    subject: str
    status: str
    priority: str
    channel_kind: str
    preview: str
    last_message_at: dt.datetime
    created_at: dt.datetime
    requester_id: int
    requester: str
    assignee_id: int | None
    assignee: str
    team: str
    brand: str
    brand_color: str
    tags: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id


def load_rows(qs: QuerySet[Ticket]) -> list[Row]:
    """The rows of `qs` (ordered and sliced by the caller), in its order."""
    rows = [
        Row(
            id=v["id"], number=v["number"], subject=v["subject"], status=v["status"], priority=v["priority"],
            channel_kind=v["channel_kind"], preview=v["preview"], last_message_at=v["last_message_at"],
            created_at=v["created_at"], requester_id=v["requester_id"], requester=v["requester__name"] or "",
            assignee_id=v["assignee_id"], assignee=v["assignee__name"] or v["assignee__email"] or "",
            team=v["team__name"] or "", brand=v["brand__name"], brand_color=v["brand__color"],
        )
        for v in qs.values(*COLUMNS)
    ]  # fmt: skip
    if not rows:
        return rows
    tags: dict[int, list[str]] = defaultdict(list)
    for ticket_id, name in (
        TicketTag.objects.filter(ticket_id__in=[r.id for r in rows])
        .order_by("tag__name")
        .values_list("ticket_id", "tag__name")
    ):
        tags[ticket_id].append(name)
    nameless = {r.requester_id for r in rows if not r.requester}
    addresses = _addresses(nameless) if nameless else {}
    for row in rows:
        row.tags = tags.get(row.id, [])
        if not row.requester:
            row.requester = addresses.get(row.requester_id) or f"Contact {row.requester_id}"
    return rows


def _addresses(contact_ids: set[int]) -> dict[int, str]:
    """Each contact's address shown in place of a name: primary first, email before other kinds (as Contact)."""
    best: dict[int, tuple[tuple[bool, bool, int], str]] = {}
    identities = ContactIdentity.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "is_primary", "kind", "id", "value"
    )
    for contact_id, primary, kind, pk, value in identities:
        rank = (not primary, kind != IdentityKind.EMAIL, pk)
        if contact_id not in best or rank < best[contact_id][0]:
            best[contact_id] = (rank, value)
    return {contact_id: value for contact_id, (_, value) in best.items()}


@lru_cache(maxsize=64)
def _status(status: str) -> str:
    return str(ui.status_badge(status))


@lru_cache(maxsize=64)
def _priority(priority: str) -> str:
    return str(ui.priority_badge(priority))


@lru_cache(maxsize=64)
def _channel(kind: str) -> tuple[str, str]:
    return str(ui.channel_icon(kind)), escape(str(ui.CHANNEL_LABELS.get(kind, kind)))


def _row(t: Row, avatars: dict[int, str]) -> str:
    url = f"/tickets/{t.number}/"
    tags = "".join(f'<span class="tag">{escape(name)}</span>' for name in t.tags)
    preview = f' — <span class="preview">{escape(t.preview)}</span>' if t.preview else ""
    if t.assignee_id:
        if t.assignee_id not in avatars:
            avatars[t.assignee_id] = f'{ui.avatar(t.assignee, "sm")}<span class="asg-name">{escape(t.assignee)}</span>'
        assignee = avatars[t.assignee_id]
    else:
        assignee = '<span class="unassigned">Unassigned</span>'
    icon, channel = _channel(t.channel_kind)
    brand = escape(t.brand)
    at = t.last_message_at
    return (
        f'<div class="trow{" is-new" if t.status == "new" else ""}" role="listitem" data-row data-href="{url}">'
        f'<label class="c-check"><input type="checkbox" name="ids" value="{t.pk}" '
        f'aria-label="Select ticket #{t.number}"></label>'
        f'<span class="c-status">{_status(t.status)}</span>'
        f'<span class="c-main"><span class="c-line1">'
        f'<a class="subject" href="{url}">{escape(t.subject)}</a>{tags}</span>'
        f'<span class="c-line2"><span class="num">#{t.number}</span> '
        f'<span class="req-name">{escape(t.requester)}</span>{preview}</span></span>'
        f'<span class="c-prio">{_priority(t.priority)}</span>'
        f'<span class="c-asg">{assignee}</span>'
        f'<span class="c-chan" title="{channel} · {brand}">{icon}'
        f'<span class="brand-dot" style="background: {escape(t.brand_color)}"></span>'
        f'<span class="brand-name">{brand}</span></span>'
        f'<span class="c-time" title="Last activity {ui.when(at)}">'
        f'<time datetime="{at.isoformat()}">{ui.ago(at)}</time></span>'
        "</div>"
    )


def ticket_rows(tickets: Iterable[Row]) -> SafeString:
    avatars: dict[int, str] = {}
    return mark_safe("".join(_row(t, avatars) for t in tickets))  # every value above is escaped
