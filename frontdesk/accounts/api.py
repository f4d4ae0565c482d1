"""Agents, teams and brands over the REST API (admins change them; everyone reads what they may see)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Path, Query, Schema
from ninja.responses import Status as HttpStatus
from pydantic import StrictBool

from frontdesk.accounts import permissions, queries, services
from frontdesk.accounts.choices import Role, TokenScope
from frontdesk.accounts.models import Agent, Team
from frontdesk.api.auth import actor
from frontdesk.api.lookups import referenced, referenced_many
from frontdesk.api.pagination import paginate
from frontdesk.api.routing import ANY_SCOPE, ApiRouter
from frontdesk.api.schemas import MAX_ID, BrandRef, PageQuery, RefId, brand_ref
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.models import Brand

router = ApiRouter(tags=["agents and teams"])
AgentId = Path(..., ge=1, le=MAX_ID, description="The agent's id.")
TeamId = Path(..., ge=1, le=MAX_ID, description="The team's id.")


class AgentOut(Schema):
    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    brand_ids: list[int] = Field(..., description="The brands the agent works for (admins work for all).")
    team_ids: list[int]
    time_zone: str
    created_at: dt.datetime


class AgentPage(Schema):
    data: list[AgentOut]
    next_cursor: str | None


class AgentQuery(PageQuery):
    include_inactive: bool = False


class AgentCreate(Schema):
    email: str = Field(..., min_length=3, max_length=254, examples=["grace@staff.example"])
    name: str = Field("", max_length=120, examples=["Grace Hopper"])
    role: Role = Role.AGENT
    password: str | None = Field(
        None, min_length=1, max_length=128, description="Omit to let the agent set one through a reset link."
    )
    brand_ids: list[RefId] = Field(default_factory=list, max_length=100)
    team_ids: list[RefId] = Field(default_factory=list, max_length=100)


class AgentPatch(Schema):
    """Only the fields sent change. Agents may change their own name, signature and time zone."""

    name: str | None = Field(None, min_length=1, max_length=120)
    role: Role | None = None
    is_active: StrictBool | None = None
    brand_ids: list[RefId] | None = Field(None, max_length=100)
    team_ids: list[RefId] | None = Field(None, max_length=100)
    signature: str | None = Field(None, max_length=5000)
    time_zone: str | None = Field(None, min_length=1, max_length=64)


class TeamOut(Schema):
    id: int
    brand: BrandRef
    name: str
    member_ids: list[int]


class TeamPage(Schema):
    data: list[TeamOut]
    next_cursor: str | None


class TeamCreate(Schema):
    brand_id: RefId
    name: str = Field(..., min_length=1, max_length=120, examples=["Billing"])
    member_ids: list[RefId] = Field(default_factory=list, max_length=500)


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    member_ids: list[RefId] | None = Field(None, max_length=500)


class BrandOut(BrandRef):
    support_email: str
    color: str
    is_active: bool


class BrandCreate(Schema):
    name: str = Field(..., min_length=1, max_length=120, examples=["Acme"])
    slug: str = Field(..., min_length=1, max_length=60, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", examples=["acme"])
    support_email: str = Field("", max_length=254, examples=["help@acme.example"])
    color: str = Field("#4f46e5", pattern=r"^#[0-9a-fA-F]{6}$")


class BrandPage(Schema):
    data: list[BrandOut]
    next_cursor: str | None


def agent_out(agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.pk,
        "email": agent.email,
        "name": agent.name,
        "role": agent.role,
        "is_active": agent.is_active,
        "brand_ids": sorted(b.pk for b in agent.brands.all()),
        "team_ids": sorted(t.pk for t in agent.teams.all()),
        "time_zone": agent.time_zone,
        "created_at": agent.created_at,
    }


def team_out(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "brand": brand_ref(team.brand),
        "name": team.name,
        "member_ids": sorted(a.pk for a in team.members.all()),
    }


def brand_out(brand: Brand) -> dict[str, Any]:
    return {
        **brand_ref(brand),
        "support_email": brand.support_email,
        "color": brand.color,
        "is_active": brand.is_active,
    }


def _with_memberships(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch("brands", queryset=Brand.objects.only("id")), Prefetch("teams", queryset=Team.objects.only("id"))
    )


def _fresh_agent(agent: Agent, agent_id: int) -> Agent:
    return _with_memberships(queries.agents_for(agent, include_inactive=True)).get(pk=agent_id)  # type: ignore[no-any-return]


@router.get("/me", scope=ANY_SCOPE, response=AgentOut, summary="The agent this token acts as")
def me(request: HttpRequest) -> dict[str, Any]:
    agent = actor(request)
    return agent_out(_fresh_agent(agent, agent.pk))


@router.get("/agents", scope=TokenScope.ADMIN_READ, response=AgentPage, summary="List agents")
def list_agents(request: HttpRequest, query: Query[AgentQuery]) -> dict[str, Any]:
    qs = _with_memberships(queries.agents_for(actor(request), include_inactive=query.include_inactive))
    rows, next_cursor = paginate(qs, kind="agents", cursor=query.cursor, limit=query.limit)
    return {"data": [agent_out(a) for a in rows], "next_cursor": next_cursor}


@router.get("/agents/{agent_id}", scope=TokenScope.ADMIN_READ, response=AgentOut, summary="Get an agent")
def get_agent(request: HttpRequest, agent_id: int = AgentId) -> dict[str, Any]:
    agent = actor(request)
    queries.get_agent(agent, agent_id)
    return agent_out(_fresh_agent(agent, agent_id))


@router.post("/agents", scope=TokenScope.ADMIN_WRITE, response={201: AgentOut}, summary="Add an agent")
def create_agent(request: HttpRequest, body: AgentCreate) -> HttpStatus:
    agent = actor(request)
    permissions.require_admin(agent)
    created = services.create_agent(
        agent,
        email=body.email,
        name=body.name,
        role=body.role,
        password=body.password,
        brands=referenced_many("brand_ids", queries.get_brand, agent, body.brand_ids),
        teams=referenced_many("team_ids", queries.get_team, agent, body.team_ids),
    )
    return HttpStatus(201, agent_out(_fresh_agent(agent, created.pk)))


@router.patch("/agents/{agent_id}", scope=TokenScope.ADMIN_WRITE, response=AgentOut, summary="Change an agent")
def update_agent(request: HttpRequest, body: AgentPatch, agent_id: int = AgentId) -> dict[str, Any]:
    agent = actor(request)
    target = queries.get_agent(agent, agent_id)
    changes: dict[str, Any] = {
        name: getattr(body, name)
        for name in ("name", "role", "is_active", "signature", "time_zone")
        if getattr(body, name) is not None
    }
    if body.brand_ids is not None:
        changes["brands"] = referenced_many("brand_ids", queries.get_brand, agent, body.brand_ids)
    if body.team_ids is not None:
        changes["teams"] = referenced_many("team_ids", queries.get_team, agent, body.team_ids)
    services.update_agent(agent, target, **changes)
    return agent_out(_fresh_agent(agent, agent_id))


@router.get("/teams", scope=TokenScope.ADMIN_READ, response=TeamPage, summary="List teams")
def list_teams(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    qs = queries.teams_for(actor(request)).prefetch_related(Prefetch("members", queryset=Agent.objects.only("id")))
    rows, next_cursor = paginate(qs, kind="teams", cursor=query.cursor, limit=query.limit)
    return {"data": [team_out(t) for t in rows], "next_cursor": next_cursor}


@router.get("/teams/{team_id}", scope=TokenScope.ADMIN_READ, response=TeamOut, summary="Get a team")
def get_team(request: HttpRequest, team_id: int = TeamId) -> dict[str, Any]:
    return team_out(queries.get_team(actor(request), team_id))


@router.post("/teams", scope=TokenScope.ADMIN_WRITE, response={201: TeamOut}, summary="Create a team")
def create_team(request: HttpRequest, body: TeamCreate) -> HttpStatus:
    agent = actor(request)
    permissions.require_admin(agent)
    brand = referenced("brand_id", queries.get_brand, agent, body.brand_id)
    members = referenced_many("member_ids", queries.get_agent, agent, body.member_ids)
    team = services.create_team(agent, brand, name=body.name, members=members)
    return HttpStatus(201, team_out(queries.get_team(agent, team.pk)))


@router.patch(
    "/teams/{team_id}", scope=TokenScope.ADMIN_WRITE, response=TeamOut, summary="Rename a team or set members"
)
def update_team(request: HttpRequest, body: TeamPatch, team_id: int = TeamId) -> dict[str, Any]:
    agent = actor(request)
    team = queries.get_team(agent, team_id)
    permissions.require_admin(agent)
    members = (
        referenced_many("member_ids", queries.get_agent, agent, body.member_ids)
        if body.member_ids is not None
        else None
    )
    services.update_team(agent, team, name=body.name, members=members)
    return team_out(queries.get_team(agent, team_id))


@router.delete("/teams/{team_id}", scope=TokenScope.ADMIN_WRITE, response={204: None}, summary="Delete a team")
def delete_team(request: HttpRequest, team_id: int = TeamId) -> HttpStatus:
    """Its tickets stay, without a team."""
    agent = actor(request)
    services.delete_team(agent, queries.get_team(agent, team_id))
    return HttpStatus(204, None)


@router.get("/brands", scope=ANY_SCOPE, response=BrandPage, summary="List the brands you work for")
def list_brands(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    rows, next_cursor = paginate(
        queries.brands_for(actor(request)), kind="brands", cursor=query.cursor, limit=query.limit
    )
    return {"data": [brand_out(b) for b in rows], "next_cursor": next_cursor}


@router.post("/brands", scope=TokenScope.ADMIN_WRITE, response={201: BrandOut}, summary="Add a brand")
def create_brand(request: HttpRequest, body: BrandCreate) -> HttpStatus:
    """A new business identity; add agents to it (PATCH /agents/{id} with brand_ids) and give it inboxes."""
    agent = actor(request)
    permissions.require_admin(agent)
    if body.support_email:
        try:
            validate_email(body.support_email)
        except DjangoValidationError:
            raise ValidationFailed(
                f"{body.support_email!r} is not an email address.", details={"field": "support_email"}
            ) from None
    brand = services.create_brand(
        agent, name=body.name, slug=body.slug, support_email=body.support_email, color=body.color.lower()
    )
    return HttpStatus(201, brand_out(brand))
