"""Inboxes over the REST API: everyone reads those of their brands, admins add and change them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Schema
from ninja.responses import Status as HttpStatus
from pydantic import StrictBool

from frontdesk.accounts import permissions
from frontdesk.accounts import queries as account_queries
from frontdesk.accounts.choices import TokenScope
from frontdesk.api.auth import actor
from frontdesk.api.lookups import referenced
from frontdesk.api.pagination import paginate
from frontdesk.api.routing import ApiRouter
from frontdesk.api.schemas import MAX_ID, BrandRef, Id, PageQuery, RefId, TeamRef, brand_ref, team_ref
from frontdesk.inboxes import queries, services
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox

router = ApiRouter(tags=["inboxes"])
InboxId = Path(..., ge=1, le=MAX_ID, description="The inbox's id.")
Settings = dict[str, str | int | float | bool | list[str] | None]


class InboxOut(Schema):
    id: int
    brand: BrandRef
    name: str
    channel: ChannelKind
    address: str = Field(..., description="The email address, phone number or widget id customers use.")
    default_team: TeamRef | None = Field(..., description="New tickets from this inbox go to this team.")
    settings: dict[str, Any] = Field(..., description="The channel's non-secret settings.")
    is_active: bool


class InboxPage(Schema):
    data: list[InboxOut]
    next_cursor: str | None


class InboxQuery(PageQuery):
    brand: Id | None = None


class InboxCreate(Schema):
    brand_id: RefId
    name: str = Field(..., min_length=1, max_length=120, examples=["Support"])
    channel: ChannelKind = Field(..., examples=["email"])
    address: str = Field("", max_length=320, examples=["support@example.com"])
    default_team_id: RefId | None = None
    settings: Settings = Field(default_factory=dict)


class InboxPatch(Schema):
    """Only the fields sent change; default_team_id null removes the default team. The channel is fixed."""

    name: str | None = Field(None, min_length=1, max_length=120)
    address: str | None = Field(None, max_length=320)
    default_team_id: RefId | None = None
    settings: Settings | None = None
    is_active: StrictBool | None = None


def inbox_out(inbox: Inbox) -> dict[str, Any]:
    return {
        "id": inbox.pk,
        "brand": brand_ref(inbox.brand),
        "name": inbox.name,
        "channel": inbox.channel_kind,
        "address": inbox.address,
        "default_team": team_ref(inbox.default_team),
        "settings": inbox.settings or {},
        "is_active": inbox.is_active,
    }


@router.get("/inboxes", scope=TokenScope.ADMIN_READ, response=InboxPage, summary="List inboxes")
def list_inboxes(request: HttpRequest, query: Query[InboxQuery]) -> dict[str, Any]:
    qs = queries.inboxes_for(actor(request), brand_id=query.brand)
    rows, next_cursor = paginate(qs, kind="inboxes", cursor=query.cursor, limit=query.limit)
    return {"data": [inbox_out(i) for i in rows], "next_cursor": next_cursor}


@router.get("/inboxes/{inbox_id}", scope=TokenScope.ADMIN_READ, response=InboxOut, summary="Get an inbox")
def get_inbox(request: HttpRequest, inbox_id: int = InboxId) -> dict[str, Any]:
    return inbox_out(queries.get_inbox(actor(request), inbox_id))


@router.post("/inboxes", scope=TokenScope.ADMIN_WRITE, response={201: InboxOut}, summary="Add an inbox")
def create_inbox(request: HttpRequest, body: InboxCreate) -> HttpStatus:
    agent = actor(request)
    permissions.require_admin(agent)
    brand = referenced("brand_id", account_queries.get_brand, agent, body.brand_id)
    team = (
        referenced("default_team_id", account_queries.get_team, agent, body.default_team_id)
        if body.default_team_id
        else None
    )
    inbox = services.create_inbox(
        agent,
        brand,
        name=body.name,
        channel_kind=body.channel,
        address=body.address,
        default_team=team,
        settings=body.settings,
    )
    return HttpStatus(201, inbox_out(queries.get_inbox(agent, inbox.pk)))


@router.patch("/inboxes/{inbox_id}", scope=TokenScope.ADMIN_WRITE, response=InboxOut, summary="Change an inbox")
def update_inbox(request: HttpRequest, body: InboxPatch, inbox_id: int = InboxId) -> dict[str, Any]:
    agent = actor(request)
    inbox = queries.get_inbox(agent, inbox_id)
    permissions.require_admin(agent)
    sent = body.model_fields_set
    changes: dict[str, Any] = {
        name: getattr(body, name)
        for name in ("name", "address", "settings", "is_active")
        if getattr(body, name) is not None
    }
    if "default_team_id" in sent:
        changes["default_team"] = (
            referenced("default_team_id", account_queries.get_team, agent, body.default_team_id)
            if body.default_team_id
            else None
        )
    if changes:
        services.update_inbox(agent, inbox, **changes)
    return inbox_out(queries.get_inbox(agent, inbox_id))
