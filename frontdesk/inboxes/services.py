"""All writes to inboxes."""

from __future__ import annotations

from typing import Any

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent, Team
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.events import publish
from frontdesk.core.models import Brand
from frontdesk.inboxes import errors, events
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox, Intake


def _check_team(brand_id: int, team: Team | None) -> None:
    if team is not None and team.brand_id != brand_id:
        raise ValidationFailed("The default team belongs to another brand.")


def create_inbox(
    actor: Agent | None,
    brand: Brand,
    *,
    name: str,
    channel_kind: str,
    address: str = "",
    default_team: Team | None = None,
    settings: dict[str, Any] | None = None,
) -> Inbox:
    if actor is not None:
        permissions.require_admin(actor)
    if channel_kind not in ChannelKind.values:
        raise ValidationFailed(
            f"Unknown channel kind {channel_kind!r}; use one of {', '.join(ChannelKind.values)}.",
            code=errors.INVALID_CHANNEL_KIND,
        )
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("An inbox needs a name.")
    _check_team(brand.pk, default_team)
    inbox = Inbox.objects.create(
        brand=brand,
        name=name[:120],
        channel_kind=channel_kind,
        address=(address or "").strip()[:320],
        default_team=default_team,
        settings=settings or {},
    )
    publish(events.INBOX_CREATED, {"inbox_id": inbox.pk, "brand_id": brand.pk})
    return inbox


def update_inbox(actor: Agent, inbox: Inbox, **changes: Any) -> Inbox:
    permissions.require_admin(actor)
    allowed = {"name", "address", "default_team", "settings", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"Cannot change {', '.join(sorted(unknown))} on an inbox.")
    if "default_team" in changes:
        _check_team(inbox.brand_id, changes["default_team"])
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed("An inbox needs a name.")
    for field, value in changes.items():
        setattr(inbox, field, value.strip() if isinstance(value, str) else value)
    inbox.save(update_fields=[*changes, "updated_at"])
    publish(events.INBOX_UPDATED, {"inbox_id": inbox.pk})
    return inbox


def read_again(actor: Agent, intake: Intake) -> Intake:
    """An admin asks to read a payload that could not be made into a message again (after a fix, or once what
    it lacked is there): it becomes a message, or stays failed with the new reason."""
    from frontdesk.inboxes.intake import reprocess

    permissions.require_admin(actor)
    permissions.require(permissions.can_see_brand(actor, intake.brand_id), "You do not work for this brand.")
    return reprocess(intake).intake
