"""Writes to saved views: an agent's named inbox filters (reads are in queries.py)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Max

from frontdesk.accounts import permissions
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import ValidationFailed
from frontdesk.tickets import errors
from frontdesk.tickets.filters import parse_filter
from frontdesk.tickets.models import SavedView

NAME_MAX = 120
VIEWS_PER_AGENT_MAX = 100


def create_saved_view(actor: Agent, *, name: str, filters: Mapping[str, str], shared: bool = False) -> SavedView:
    """Save filters under a name for the actor, or for everyone (`shared`, admins and leads only).

    The filters are checked and stored normalised, so that a saved view always opens.
    """
    permissions.require(actor.is_active, "Your account is deactivated.")
    if shared:
        permissions.require(actor.role in (Role.ADMIN, Role.LEAD), "Only admins and leads can share views.")
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise ValidationFailed(f"A view needs a name of 1 to {NAME_MAX} characters.", code=errors.INVALID_FIELD)
    cleaned = parse_filter(dict(filters)).to_query()
    owner = None if shared else actor
    existing = SavedView.objects.filter(owner=owner)
    if owner is not None and existing.count() >= VIEWS_PER_AGENT_MAX:
        raise ValidationFailed(f"You can keep at most {VIEWS_PER_AGENT_MAX} views.", code=errors.INVALID_FIELD)
    position = (existing.aggregate(top=Max("position"))["top"] or 0) + 1
    return SavedView.objects.create(owner=owner, name=name, filters=cleaned, position=position)


def delete_saved_view(actor: Agent, view: SavedView) -> None:
    """Remove a view: one's own, or a shared one for admins."""
    own = view.owner_id == actor.pk
    permissions.require(
        actor.is_active and (own or (view.owner_id is None and permissions.is_admin(actor))),
        "You can only delete your own views.",
    )
    view.delete()
