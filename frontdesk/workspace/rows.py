"""The inbox's ticket rows, written in Python: a page of fifty rows is the hot path of the whole workspace.

The markup is the one documented in templates/workspace/inbox/_list.html; building it here with plain string
formatting (badges and icons made once per value) is many times faster than a template loop, which keeps the
inbox inside its time budget on large installs.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from frontdesk.tickets.models import Ticket
from frontdesk.workspace.templatetags import workspace_ui as ui


@lru_cache(maxsize=64)
def _status(status: str) -> str:
    return str(ui.status_badge(status))


@lru_cache(maxsize=64)
def _priority(priority: str) -> str:
    return str(ui.priority_badge(priority))


@lru_cache(maxsize=64)
def _channel(kind: str) -> tuple[str, str]:
    return str(ui.channel_icon(kind)), escape(str(ui.CHANNEL_LABELS.get(kind, kind)))


def _row(t: Ticket, avatars: dict[int, str]) -> str:
    url = f"/tickets/{t.number}/"
    tags = "".join(f'<span class="tag">{escape(tag.name)}</span>' for tag in t.tags.all())
    preview = f' — <span class="preview">{escape(t.preview)}</span>' if t.preview else ""
    if t.assignee_id:
        if t.assignee_id not in avatars:
            name = escape(str(t.assignee))
            avatars[t.assignee_id] = f'{ui.avatar(t.assignee, "sm")}<span class="asg-name">{name}</span>'
        assignee = avatars[t.assignee_id]
    else:
        assignee = '<span class="unassigned">Unassigned</span>'
    icon, channel = _channel(t.channel_kind)
    brand = escape(t.brand.name)
    at = t.last_message_at
    return (
        f'<div class="trow{" is-new" if t.status == "new" else ""}" role="listitem" data-row data-href="{url}">'
        f'<label class="c-check"><input type="checkbox" name="ids" value="{t.pk}" '
        f'aria-label="Select ticket #{t.number}"></label>'
        f'<span class="c-status">{_status(t.status)}</span>'
        f'<span class="c-main"><span class="c-line1">'
        f'<a class="subject" href="{url}">{escape(t.subject)}</a>{tags}</span>'
        f'<span class="c-line2"><span class="num">#{t.number}</span> '
        f'<span class="req-name">{escape(t.requester.display_name)}</span>{preview}</span></span>'
        f'<span class="c-prio">{_priority(t.priority)}</span>'
        f'<span class="c-asg">{assignee}</span>'
        f'<span class="c-chan" title="{channel} · {brand}">{icon}'
        f'<span class="brand-dot" style="background: {escape(t.brand.color)}"></span>'
        f'<span class="brand-name">{brand}</span></span>'
        f'<span class="c-time" title="Last activity {ui.when(at)}">'
        f'<time datetime="{at.isoformat()}">{ui.ago(at)}</time></span>'
        "</div>"
    )


def ticket_rows(tickets: Iterable[Ticket]) -> SafeString:
    avatars: dict[int, str] = {}
    return mark_safe("".join(_row(t, avatars) for t in tickets))  # every value above is escaped
