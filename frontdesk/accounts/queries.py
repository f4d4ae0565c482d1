"""Access-checked reads of agents, teams and brands."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from frontdesk.accounts import errors, permissions
from frontdesk.accounts.models import Agent, ApiToken, Team
from frontdesk.core.errors import NotFound, ValidationFailed
from frontdesk.core.models import Brand


def brands_for(actor: Agent) -> QuerySet[Brand]:
    ids = permissions.brand_ids(actor)
    qs = Brand.objects.all() if ids is None else Brand.objects.filter(pk__in=ids)
    return qs.order_by("name")


def get_brand(actor: Agent, brand_id: int) -> Brand:
    brand = brands_for(actor).filter(pk=brand_id).first()
    if brand is None:
        raise NotFound(f"Brand {brand_id} does not exist or is not visible to you.", code=errors.BRAND_NOT_FOUND)
    return brand


def only_brand(actor: Agent) -> Brand:
    """The brand to use when none was named: the actor's only brand; refused when there is a choice."""
    memo = actor.__dict__.get("_only_brand")
    if memo is not None:  # an actor remembered across requests (API tokens) keeps it as long as it is kept
        return memo  # type: ignore[no-any-return]
    brands = list(brands_for(actor)[:2])
    if len(brands) == 1:
        actor._only_brand = brands[0]  # type: ignore[attr-defined]
    if len(brands) != 1:
        raise ValidationFailed(
            "Name the brand (brand_id): you work for several brands." if brands else "You work for no brand.",
            code=errors.BRAND_REQUIRED,
        )
    return brands[0]


def agents_for(actor: Agent, *, include_inactive: bool = False) -> QuerySet[Agent]:
    """Colleagues the actor can see: agents sharing one of their brands (admins see all)."""
    ids = permissions.brand_ids(actor)
    qs = Agent.objects.all()
    if ids is not None:
        qs = qs.filter(Q(brands__in=ids) | Q(role="admin") | Q(pk=actor.pk)).distinct()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name", "id")


def get_agent(actor: Agent, agent_id: int) -> Agent:
    agent = agents_for(actor, include_inactive=True).filter(pk=agent_id).first()
    if agent is None:
        raise NotFound(f"Agent {agent_id} does not exist or is not visible to you.", code=errors.AGENT_NOT_FOUND)
    return agent


def teams_for(actor: Agent) -> QuerySet[Team]:
    return Team.objects.filter(permissions.brand_scope(actor)).select_related("brand").order_by("brand__name", "name")


def get_team(actor: Agent, team_id: int) -> Team:
    team = teams_for(actor).filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"Team {team_id} does not exist or is not visible to you.", code=errors.TEAM_NOT_FOUND)
    return team


def tokens_for(actor: Agent) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("agent")
    return qs if permissions.is_admin(actor) else qs.filter(agent=actor)


# The console commands run as whoever installed frontdesk (no signed-in actor): these reads are for them only.


def console_agent_by_email(email: str) -> Agent | None:
    return Agent.objects.filter(email=(email or "").strip().lower()).first()


def console_tokens(*, agent: Agent | None = None, include_revoked: bool = False) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("agent").order_by("agent__email", "-created_at")
    if agent is not None:
        qs = qs.filter(agent=agent)
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    return qs


def console_token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("agent").filter(prefix=prefix).first()
