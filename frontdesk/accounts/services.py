"""All writes to agents, teams and API tokens."""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from frontdesk.accounts import errors, events, permissions, token_cache, tokens
from frontdesk.accounts.choices import Role, TokenScope
from frontdesk.accounts.models import Agent, ApiToken, Team, TeamMembership
from frontdesk.core.errors import Conflict, ValidationFailed
from frontdesk.core.events import publish
from frontdesk.core.models import Brand


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(f"{email!r} is not an email address.", code="invalid_email") from None
    return email


def _check_password(password: str | None, agent: Agent | None = None) -> None:
    if password is None:
        return
    try:
        validate_password(password, agent)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from None


def create_agent(
    actor: Agent | None,
    *,
    email: str,
    name: str,
    role: str = Role.AGENT,
    password: str | None = None,
    brands: Iterable[Brand] = (),
    teams: Iterable[Team] = (),
    check_password: bool = True,
) -> Agent:
    """Add an agent. `actor` None is the installer (console command, demo data)."""
    if actor is not None:
        permissions.require_admin(actor)
    email = _clean_email(email)
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", code="invalid_role")
    if Agent.objects.filter(email=email).exists():
        raise Conflict(f"An agent with {email} already exists.", code=errors.EMAIL_TAKEN)
    if check_password:
        _check_password(password)
    with transaction.atomic():
        agent = Agent.objects.create_user(email, password, name=(name or email.split("@")[0])[:120], role=role)
        agent.brands.set(list(brands))
        for team in teams:
            TeamMembership.objects.get_or_create(team=team, agent=agent)
    publish(events.AGENT_CREATED, {"agent_id": agent.pk})
    return agent


def update_agent(
    actor: Agent,
    agent: Agent,
    *,
    name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    brands: Iterable[Brand] | None = None,
    teams: Iterable[Team] | None = None,
    signature: str | None = None,
    time_zone: str | None = None,
) -> Agent:
    self_service = actor.pk == agent.pk and role is None and is_active is None and brands is None and teams is None
    if not self_service:
        permissions.require_admin(actor)
    if actor.pk == agent.pk and (is_active is False or (role is not None and role != Role.ADMIN and agent.is_admin)):
        raise ValidationFailed("You cannot deactivate or demote yourself; ask another admin.", code="self_lockout")
    if role is not None and role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", code="invalid_role")
    fields: list[str] = []
    for field, value in (
        ("name", name),
        ("role", role),
        ("is_active", is_active),
        ("signature", signature),
        ("time_zone", time_zone),
    ):
        if value is not None:
            setattr(agent, field, value)
            fields.append(field)
    with transaction.atomic():
        if fields:
            agent.save(update_fields=fields)
        if brands is not None:
            agent.brands.set(list(brands))
        if teams is not None:
            wanted = list(teams)
            TeamMembership.objects.filter(agent=agent).exclude(team__in=wanted).delete()
            for team in wanted:
                TeamMembership.objects.get_or_create(team=team, agent=agent)
    permissions.forget(agent)
    publish(events.AGENT_UPDATED, {"agent_id": agent.pk})
    return agent


def set_password(actor: Agent, agent: Agent, password: str) -> None:
    if actor.pk != agent.pk:
        permissions.require_admin(actor)
    _check_password(password, agent)
    agent.set_password(password)
    agent.save(update_fields=["password"])


def create_team(actor: Agent | None, brand: Brand, *, name: str, members: Iterable[Agent] = ()) -> Team:
    if actor is not None:
        permissions.require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed("A team needs a name.")
    if Team.objects.filter(brand=brand, name__iexact=name).exists():
        raise Conflict(f"{brand} already has a team named {name!r}.", code="team_exists")
    with transaction.atomic():
        team = Team.objects.create(brand=brand, name=name[:120])
        for agent in members:
            TeamMembership.objects.get_or_create(team=team, agent=agent)
            permissions.forget(agent)
    return team


def update_team(actor: Agent, team: Team, *, name: str | None = None, members: Iterable[Agent] | None = None) -> Team:
    permissions.require_admin(actor)
    with transaction.atomic():
        if name is not None and name.strip() and name.strip() != team.name:
            if Team.objects.filter(brand_id=team.brand_id, name__iexact=name.strip()).exclude(pk=team.pk).exists():
                raise Conflict(f"A team named {name!r} already exists.", code="team_exists")
            team.name = name.strip()[:120]
            team.save(update_fields=["name", "updated_at"])
        if members is not None:
            wanted = list(members)
            TeamMembership.objects.filter(team=team).exclude(agent__in=wanted).delete()
            for agent in wanted:
                TeamMembership.objects.get_or_create(team=team, agent=agent)
    publish(events.TEAM_UPDATED, {"team_id": team.pk})
    return team


def delete_team(actor: Agent, team: Team) -> None:
    permissions.require_admin(actor)
    team_id = team.pk
    team.delete()
    publish(events.TEAM_UPDATED, {"team_id": team_id})


def create_brand(actor: Agent | None, *, name: str, slug: str, support_email: str = "", color: str = "") -> Brand:
    if actor is not None:
        permissions.require_admin(actor)
    if Brand.objects.filter(slug=slug).exists():
        raise Conflict(f"A brand with slug {slug!r} already exists.", code="brand_exists")
    return Brand.objects.create(
        name=name.strip()[:120], slug=slug, support_email=support_email, color=color or "#4f46e5"
    )


_BRAND_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def update_brand(
    actor: Agent,
    brand: Brand,
    *,
    name: str | None = None,
    slug: str | None = None,
    support_email: str | None = None,
    color: str | None = None,
    is_active: bool | None = None,
) -> Brand:
    """Change a brand's identity; the slug stays unique and the colour is a #rrggbb value."""
    permissions.require_admin(actor)
    changes: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise ValidationFailed("A brand needs a name.", code="invalid_brand")
        changes["name"] = name.strip()[:120]
    if slug is not None and slug.strip().lower() != brand.slug:
        slug = slug.strip().lower()
        if not slug or len(slug) > 60 or not slug.replace("-", "").replace("_", "").isalnum():
            raise ValidationFailed("A slug is 1 to 60 letters, digits, hyphens or underscores.", code="invalid_brand")
        if Brand.objects.filter(slug=slug).exclude(pk=brand.pk).exists():
            raise Conflict(f"A brand with slug {slug!r} already exists.", code="brand_exists")
        changes["slug"] = slug
    if support_email is not None:
        changes["support_email"] = _clean_email(support_email) if support_email.strip() else ""
    if color is not None:
        if not _BRAND_COLOR.fullmatch(color.strip()):
            raise ValidationFailed(f"{color!r} is not a colour like #4f46e5.", code="invalid_brand")
        changes["color"] = color.strip().lower()
    if is_active is not None:
        changes["is_active"] = is_active
    if changes:
        for field, value in changes.items():
            setattr(brand, field, value)
        brand.save(update_fields=[*changes, "updated_at"])
        publish(events.BRAND_UPDATED, {"brand_id": brand.pk, "fields": sorted(changes)})
    return brand


def issue_api_token(
    actor: Agent, agent: Agent, *, name: str, scopes: Iterable[str], expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `agent`; returns the row and the token text, which is shown only this once."""
    if actor.pk != agent.pk:
        permissions.require_admin(actor)
    scopes = sorted(set(scopes))
    bad = [s for s in scopes if s not in TokenScope.values]
    if bad or not scopes:
        raise ValidationFailed(
            f"Unknown or missing scope(s) {', '.join(bad) or '(none)'}; use {', '.join(TokenScope.values)}.",
            code=errors.INVALID_SCOPE,
        )
    full, prefix, secret_hash = tokens.generate()
    token = ApiToken.objects.create(
        agent=agent,
        name=(name or "API token")[:120],
        prefix=prefix,
        secret_hash=secret_hash,
        scopes=scopes,
        expires_at=expires_at,
    )
    publish(events.TOKEN_CREATED, {"token_id": token.pk, "agent_id": agent.pk})
    return token, full


def revoke_api_token(actor: Agent, token: ApiToken) -> None:
    if actor.pk != token.agent_id:
        permissions.require_admin(actor)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        publish(events.TOKEN_REVOKED, {"token_id": token.pk})


def authenticate_token(raw: str) -> ApiToken | None:
    """The usable token behind a bearer string, or None. Records last use at most once a minute."""
    parts = tokens.split(raw)
    if parts is None:
        return None
    prefix, secret = parts
    secret_hash = tokens.hash_secret(secret)
    token = token_cache.get(prefix, secret_hash)
    if token is None:
        token = ApiToken.objects.select_related("agent").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(secret_hash, token.secret_hash):
            return None
        token_cache.put(prefix, secret_hash, token)
    if not token.is_usable or not token.agent.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
