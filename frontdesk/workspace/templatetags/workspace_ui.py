"""Small pieces of the workspace's look: avatars, badges, relative times, links that keep the filters."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frontdesk.accounts import permissions
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets.choices import Priority, Status

register = template.Library()
AVATAR_COLOURS = 8
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)
CHANNEL_LABELS = dict(ChannelKind.choices)


def _initials(name: str) -> str:
    parts = name.replace("@", " ").replace(".", " ").split()
    return ("".join(p[0] for p in parts[:2]) or "?").upper()


@register.simple_tag
def avatar(person: Any, size: str = "") -> SafeString:
    """A round badge with the person's initials in a colour of their own (agents and contacts alike)."""
    if person is None:
        return format_html('<span class="avatar avatar-none {}" title="Unassigned" aria-hidden="true"></span>', size)
    name = getattr(person, "display_name", None) or str(person)
    colour = zlib.crc32(name.encode()) % AVATAR_COLOURS
    return format_html(
        '<span class="avatar av-{} {}" title="{}" aria-hidden="true">{}</span>', colour, size, name, _initials(name)
    )


@register.simple_tag
def status_badge(status: str) -> SafeString:
    return format_html('<span class="badge st-{}">{}</span>', status, STATUS_LABELS.get(status, status))


@register.simple_tag
def priority_badge(priority: str, quiet: bool = True) -> SafeString:
    """Normal priority is the usual case and stays quiet in lists; the others stand out."""
    if quiet and priority == Priority.NORMAL:
        return format_html('<span class="prio prio-normal">{}</span>', PRIORITY_LABELS[priority])
    return format_html(
        '<span class="prio prio-{}"><i aria-hidden="true"></i>{}</span>',
        priority,
        PRIORITY_LABELS.get(priority, priority),
    )


@register.filter
def channel_label(kind: str) -> str:
    return str(CHANNEL_LABELS.get(kind, kind))


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def ago(value: dt.datetime | None) -> str:
    """A compact age: now, 5m, 3h, 2d, then the date."""
    if not value:
        return ""
    now = timezone.now()
    seconds = (now - value).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        return f"{local:%b} {local.day}"
    return f"{local:%b} {local.day}, {local.year}"


@register.filter
def since(value: dt.datetime | None) -> str:
    """An age in words: just now, 5 minutes ago, 3 hours ago, 2 days ago, on Mar 4."""
    if not value:
        return ""
    seconds = (timezone.now() - value).total_seconds()
    for limit, size, unit in ((3600, 60, "minute"), (86400, 3600, "hour"), (7 * 86400, 86400, "day")):
        if seconds < limit:
            count = int(seconds // size)
            if count < 1:
                return "just now"
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return f"on {ago(value)}"


@register.filter
def when(value: dt.datetime | None) -> str:
    """The full local date and time, for tooltips and headers."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"


@register.filter
def can_write(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and permissions.can_write(user)


@register.filter
def can_note(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and permissions.can_add_note(user)


@register.simple_tag
def query_with(params: dict[str, Any], **changes: Any) -> str:
    """`params` (a dict of lists or strings) with `changes` applied, as a query string starting with "?"."""
    merged: dict[str, list[str]] = {}
    for key, value in params.items():
        merged[key] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    for key, value in changes.items():
        if value in (None, ""):
            merged.pop(key, None)
        else:
            merged[key] = [str(value)]
    pairs = [(k, v) for k, values in merged.items() for v in values if v != ""]
    return "?" + urlencode(pairs) if pairs else "?"


@register.simple_tag
def realtime_url() -> str:
    """Where the page listens for changes (the realtime process); empty when it is not configured."""
    from django.conf import settings

    return str(getattr(settings, "REALTIME_URL", "") or "")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


# Simple line icons drawn on a 24-unit grid; stroke colour follows the text colour.
ICONS = {
    "inbox": '<path d="M3 13h5l1.5 2.5h5L16 13h5"/><path d="M5.5 5h13L21 13v6H3v-6z"/>',
    "contacts": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5"/>'
    '<path d="M16 4.8a3.5 3.5 0 0 1 0 6.4M18 14.8c1.8.8 3 2.5 3.5 5.2"/>',
    "organisations": '<path d="M4 21V4h10v17M14 9h6v12M2 21h20M8 8h2M8 12h2M8 16h2M17 13v.01M17 17v.01"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "settings": '<path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/><circle cx="15" cy="6" r="2"/>'
    '<circle cx="9" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="m16 16 4.5 4.5"/>',
    "logout": '<path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10"/>',
    "keyboard": '<rect x="2.5" y="6" width="19" height="12" rx="2"/><path d="M6.5 10h.01M10 10h.01M14 10h.01'
    'M17.5 10h.01M7.5 14h9"/>',
    "clip": '<path d="M20 11.5 12.5 19a5 5 0 0 1-7-7L13 4.5a3.3 3.3 0 0 1 4.7 4.7l-7.5 7.5a1.7 1.7 0 0 1-2.4-2.4'
    'L14.5 7.6"/>',
    "email": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3.5 6.5 8.5 6.5 8.5-6.5"/>',
    "phone": '<path d="M6.6 3.5h3l1.5 4-2 1.3a11 11 0 0 0 6.1 6.1l1.3-2 4 1.5v3a2 2 0 0 1-2 2A16.5 16.5 0 0 1 4.5 5.5'
    'a2 2 0 0 1 2.1-2z"/>',
    "chat": '<path d="M4 5h16v11H9.5L5 20v-4H4z"/>',
    "lock": '<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    "download": '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
    "close": '<path d="M6 6l12 12M18 6 6 18"/>',
    "view": '<path d="M6.5 3.5h11v17l-5.5-4-5.5 4z"/>',
    "trash": '<path d="M4 7h16M9 7V4.5h6V7M6.5 7l1 13h9l1-13"/>',
    "left": '<path d="M15 6l-6 6 6 6"/>',
    "right": '<path d="M9 6l6 6-6 6"/>',
    "check": '<path d="M5 12.5 10 17 19 7"/>',
    "person": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4.5 4.3-6.5 8-6.5s7 2 8 6.5"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c2.5 2.7 3.7 5.7 3.7 9s-1.2 6.3-3.7 9'
    'c-2.5-2.7-3.7-5.7-3.7-9S9.5 5.7 12 3z"/>',
    "code": '<path d="M8 7l-5 5 5 5M16 7l5 5-5 5"/>',
    "filter": '<path d="M4 5h16l-6.5 7.5V18l-3 2v-7.5z"/>',
    "bolt": '<path d="M13 3 5 13.5h6L10 21l8-10.5h-6z"/>',
    "image": '<rect x="3.5" y="4.5" width="17" height="15" rx="2"/><circle cx="9" cy="10" r="1.8"/>'
    '<path d="m4 18 5.5-5 4 3.5 2.5-2 4 3.5"/>',
    "warning": '<path d="M12 3.5 2.5 20h19z"/><path d="M12 10v4.5M12 17.5v.01"/>',
    "forward": '<path d="M14 5l6 6-6 6"/><path d="M20 11H9a5 5 0 0 0-5 5v3"/>',
    "clock": '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>',
    "source": '<path d="M6 3.5h8l4 4v13H6z"/><path d="M14 3.5v4h4M9 12h6M9 15.5h6"/>',
    "robot": '<rect x="5" y="8" width="14" height="11" rx="2.5"/><path d="M12 4v4M9 13h.01M15 13h.01M9.5 16h5"/>',
    "merge": '<path d="M7 4v4a5 5 0 0 0 5 5h0a5 5 0 0 1 5 5v2M17 4v4a5 5 0 0 1-3 4.6M4 7l3-3 3 3"/>',
}
CHANNEL_ICONS = {
    "email": "email",
    "livechat": "chat",
    "sms": "chat",
    "whatsapp": "chat",
    "telegram": "chat",
    "messenger": "chat",
    "instagram": "chat",
    "social": "globe",
    "phone": "phone",
    "video": "phone",
    "in_person": "person",
    "web_form": "globe",
    "api": "code",
}


@register.simple_tag
def icon(name: str, size: int = 16, css: str = "") -> SafeString:
    paths = ICONS.get(name) or ICONS[CHANNEL_ICONS.get(name, "bolt")]
    return format_html(
        '<svg class="icon {}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{}</svg>',
        css,
        size,
        size,
        SafeString(paths),
    )


@register.simple_tag
def channel_icon(kind: str, size: int = 14) -> SafeString:
    return icon(CHANNEL_ICONS.get(kind, "bolt"), size)
