"""Who may see and do what. Every query and service asks here; nothing else decides access.

Rules:
- admins see and change everything;
- leads see every ticket of the brands they belong to;
- agents, light agents and read-only agents see tickets of their brands that are unassigned to a team, in one
  of their teams, or assigned to them;
- agents reply, change and assign; light agents only add internal notes; read-only agents change nothing.
"""

from __future__ import annotations

from django.db.models import Q

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import PermissionDenied

WRITERS = {Role.ADMIN, Role.LEAD, Role.AGENT}
NOTE_WRITERS = WRITERS | {Role.LIGHT_AGENT}


def brand_ids(actor: Agent) -> frozenset[int] | None:
    """The brands the actor works in; None means every brand (admins)."""
    if actor.role == Role.ADMIN:
        return None
    cached = getattr(actor, "_brand_ids", None)
    if cached is None:
        cached = frozenset(actor.brands.values_list("id", flat=True))
        actor._brand_ids = cached  # type: ignore[attr-defined]
    return cached


def team_ids(actor: Agent) -> frozenset[int]:
    cached = getattr(actor, "_team_ids", None)
    if cached is None:
        cached = frozenset(actor.teams.values_list("id", flat=True))
        actor._team_ids = cached  # type: ignore[attr-defined]
    return cached


def forget(actor: Agent) -> None:
    """Drop cached memberships after they change."""
    for attr in ("_brand_ids", "_team_ids", "_only_brand"):
        if hasattr(actor, attr):
            delattr(actor, attr)


def ticket_scope(actor: Agent, prefix: str = "") -> Q:
    """A filter selecting the tickets `actor` may see (prefix e.g. "ticket__" when filtering related rows)."""
    if not actor.is_active:
        return Q(pk__in=[])
    brands = brand_ids(actor)
    if brands is None:
        return Q()
    scope = Q(**{f"{prefix}brand_id__in": brands})
    if actor.role == Role.LEAD:
        return scope
    return scope & (
        Q(**{f"{prefix}team__isnull": True})
        | Q(**{f"{prefix}team_id__in": team_ids(actor)})
        | Q(**{f"{prefix}assignee_id": actor.pk})
    )


def brand_scope(actor: Agent, field: str = "brand_id") -> Q:
    """A filter for brand-owned records (contacts, organisations, inboxes, teams)."""
    if not actor.is_active:
        return Q(pk__in=[])
    brands = brand_ids(actor)
    return Q() if brands is None else Q(**{f"{field}__in": brands})


def can_see_brand(actor: Agent, brand_id: int) -> bool:
    brands = brand_ids(actor)
    return actor.is_active and (brands is None or brand_id in brands)


def can_see_ticket(actor: Agent, ticket: object) -> bool:
    if not actor.is_active:
        return False
    brand_id = ticket.brand_id  # type: ignore[attr-defined]
    if not can_see_brand(actor, brand_id):
        return False
    if actor.role in (Role.ADMIN, Role.LEAD):
        return True
    team_id = ticket.team_id  # type: ignore[attr-defined]
    return team_id is None or team_id in team_ids(actor) or ticket.assignee_id == actor.pk  # type: ignore[attr-defined]


def can_write(actor: Agent) -> bool:
    return actor.is_active and actor.role in WRITERS


def can_add_note(actor: Agent) -> bool:
    return actor.is_active and actor.role in NOTE_WRITERS


def is_admin(actor: Agent) -> bool:
    return actor.is_active and actor.role == Role.ADMIN


def require(allowed: bool, message: str = "You are not allowed to do this.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_admin(actor: Agent) -> None:
    require(is_admin(actor), "Only admins can change settings.")


def require_writer(actor: Agent) -> None:
    require(can_write(actor), f"Your role ({actor.get_role_display()}) cannot change tickets.")  # type: ignore[attr-defined]
