"""A ticket's story in words: timeline events as sentences, merged with the messages into one stream."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from frontdesk.core.html import sanitize_html
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets.choices import Priority, Status, TicketType
from frontdesk.tickets.models import Message, TimelineEvent
from frontdesk.workspace.mail import MailView, hold_back_images, mail_view

LABELS: dict[str, Mapping[str, str]] = {
    "status": dict(Status.choices),
    "priority": dict(Priority.choices),
    "ticket_type": dict(TicketType.choices),
}
FIELD_NAMES = {"status": "status", "priority": "priority", "ticket_type": "type"}


def _label(field: str, value: Any) -> str:
    if value in (None, ""):
        return "none"
    return str(LABELS.get(field, {}).get(str(value), value))


def _name(ref: Any) -> str:
    if isinstance(ref, dict):
        return str(ref.get("name") or f"#{ref.get('id')}")
    return str(ref) if ref else "nobody"


def _person(ref: Any) -> str:
    if not isinstance(ref, dict):
        return _name(ref)
    name, address = str(ref.get("name") or ""), str(ref.get("address") or "")
    return f"{name} <{address}>" if name and address and name != address else (name or address or "someone")


def _listing(items: Iterable[str]) -> str:
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _tags(before: list[str], after: list[str]) -> str:
    added = [t for t in after if t not in before]
    removed = [t for t in before if t not in after]
    parts = []
    if added:
        parts.append(f"added tag{'s' if len(added) > 1 else ''} {_listing(added)}")
    if removed:
        parts.append(f"removed tag{'s' if len(removed) > 1 else ''} {_listing(removed)}")
    return " and ".join(parts) or "changed tags"


def _followers(before: list[int], after: list[int], names: Mapping[int, str]) -> str:
    added = [names.get(i, f"agent {i}") for i in after if i not in before]
    removed = [names.get(i, f"agent {i}") for i in before if i not in after]
    parts = []
    if added:
        parts.append(f"added {_listing(added)} as follower{'s' if len(added) > 1 else ''}")
    if removed:
        parts.append(f"removed {_listing(removed)} from the followers")
    return " and ".join(parts) or "changed the followers"


def describe(event: TimelineEvent, *, agent_names: Mapping[int, str], field_labels: Mapping[str, str]) -> str:
    """What happened, as the words after the actor's name: "changed status from New to Open"."""
    action, before, after = event.action, event.before, event.after
    if action == "created":
        channel = dict(ChannelKind.choices).get((after or {}).get("channel_kind", ""), "")
        earlier = (after or {}).get("follow_up_of") if isinstance(after, dict) else None
        follow_up = f", following up #{earlier.get('number')}" if isinstance(earlier, dict) else ""
        return f"opened the ticket{' by ' + channel if channel else ''}{follow_up}"
    if action == "follow_up_opened" and isinstance(after, dict):
        return f"wrote again after this ticket was closed: follow-up #{after.get('number')}"
    if action == "participant_added":
        return f"copied in {_person(after)}"
    if action == "participant_removed":
        return f"stopped copying in {_person(before)}"
    if action in ("delivery_failed", "delivery_bounced"):
        what = "bounced" if action == "delivery_bounced" else "could not be sent"
        reason = str((after or {}).get("error") or "") if isinstance(after, dict) else ""
        return f"reported that a reply {what}" + (f": {reason[:200]}" if reason else "")
    if action.endswith("_changed") and event.field in FIELD_NAMES:
        name = FIELD_NAMES[event.field]
        if before in (None, ""):
            return f"set {name} to {_label(event.field, after)}"
        if after in (None, ""):
            return f"cleared the {name} (was {_label(event.field, before)})"
        return f"changed {name} from {_label(event.field, before)} to {_label(event.field, after)}"
    if action == "assigned":
        if before:
            return f"reassigned the ticket from {_name(before)} to {_name(after)}"
        if isinstance(after, dict) and after.get("id") == event.actor_agent_id:
            return "took the ticket"
        return f"assigned the ticket to {_name(after)}"
    if action == "unassigned":
        return f"unassigned {_name(before)}"
    if action == "team_changed":
        if not after:
            return f"removed the ticket from team {_name(before)}"
        return f"moved the ticket to team {_name(after)}" + (f" (from {_name(before)})" if before else "")
    if action == "field_changed":
        label = field_labels.get(event.field.removeprefix("custom."), event.field.removeprefix("custom."))
        if before in (None, ""):
            return f"set {label} to {after}"
        if after in (None, ""):
            return f"cleared {label} (was {before})"
        return f"changed {label} from {before} to {after}"
    if action == "tags_changed":
        return _tags(list(before or []), list(after or []))
    if action == "followers_changed":
        return _followers(list(before or []), list(after or []), agent_names)
    if action == "subject_changed":
        return f"changed the subject to \u201c{after}\u201d"
    if action == "requester_changed":
        return f"changed the requester from {_name(before)} to {_name(after)}"
    return action.replace("_", " ")


@dataclass
class StreamItem:
    """One entry of the conversation column: a message, or a change told as a sentence."""

    kind: str  # "message" or "event"
    at: Any
    message: Message | None = None
    event: TimelineEvent | None = None
    sentence: str = ""
    html: str = ""
    mail: MailView | None = None
    remote_images: int = 0  # how many remote images the body holds (held back unless images_shown)
    images_shown: bool = False
    delivery: Any = None  # the message's outbox row, when it went out through one


def _body(message: Message, *, show_images: bool = False) -> tuple[str, int]:
    # Stored HTML was sanitised on the way in; cleaning it again here costs microseconds and guards old rows.
    html = sanitize_html(message.body_html)
    for attachment in message.attachments.all():
        if attachment.content_id:
            url = reverse("workspace:attachment", args=[attachment.pk])
            html = html.replace(f'src="cid:{attachment.content_id}"', f'src="{url}"')
    return hold_back_images(html, show=show_images)


def message_item(
    message: Message, *, show_images: bool = False, has_original: bool = False, delivery: Any = None
) -> StreamItem:
    html, remote = _body(message, show_images=show_images)
    return StreamItem(
        "message",
        message.created_at,
        message=message,
        html=html,
        mail=mail_view(message, has_original=has_original),
        remote_images=remote,
        images_shown=show_images and remote > 0,
        delivery=delivery,
    )


def stream(
    messages: Iterable[Message],
    events: Iterable[TimelineEvent],
    *,
    agent_names: Mapping[int, str],
    field_labels: Mapping[str, str],
    show_images: Collection[int] = (),
    originals: Collection[int] = (),
    deliveries: Mapping[int, Any] | None = None,
) -> list[StreamItem]:
    """Messages and changes in the order they happened; `show_images` names the messages whose remote images
    the agent asked to see, `originals` those with a kept original, `deliveries` their outbox rows."""
    deliveries = deliveries or {}
    items = [
        message_item(
            m, show_images=m.pk in show_images, has_original=m.pk in originals, delivery=deliveries.get(m.pk)
        )
        for m in messages
    ]
    items += [
        StreamItem(
            "event", e.created_at, event=e, sentence=describe(e, agent_names=agent_names, field_labels=field_labels)
        )
        for e in events
    ]
    items.sort(key=_order)
    return items


def _order(item: StreamItem) -> tuple[Any, int, int]:
    # At one instant: the opening first, then the message, then the changes it caused (a reply that solved).
    if item.event is not None:
        return item.at, 0 if item.event.action == "created" else 2, item.event.pk
    return item.at, 1, item.message.pk  # type: ignore[union-attr]
