"""Schemas shared by every API module: ids, the error envelope, and short references to related records."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictInt

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record id.", examples=[42])]
# In JSON bodies an id is a JSON integer: no "7" strings or true for 1 (query strings are text and stay lenient).
RefId = Annotated[StrictInt, Field(ge=1, le=MAX_ID, description="A record id.", examples=[42])]


class PageQuery(Schema):
    """The query parameters of every list: lists are pages of at most `limit` rows, followed by cursor."""

    cursor: str | None = Field(
        None, max_length=2000, description="The `next_cursor` of the previous page; omit it for the first page."
    )
    limit: int = Field(25, ge=1, le=100, description="Rows per page (1 to 100).")


class ErrorBody(Schema):
    code: str = Field(..., description="Stable machine-readable code (see docs/api.md).", examples=["ticket_not_found"])
    message: str = Field(..., description="What went wrong, for people.")
    details: dict[str, Any] = Field(default_factory=dict, description="Extra facts, e.g. field errors.")


class ErrorOut(Schema):
    """Every 4xx and 5xx answer has this shape."""

    error: ErrorBody


class BrandRef(Schema):
    id: int
    name: str
    slug: str


class AgentRef(Schema):
    id: int
    name: str
    email: str


class TeamRef(Schema):
    id: int
    name: str


class ContactRef(Schema):
    id: int
    name: str = Field(..., description="The contact's name, or their primary address when they have none.")
    email: str = Field(..., description="The primary address (email first), empty when there is none.")


class OrganisationRef(Schema):
    id: int
    name: str


class InboxRef(Schema):
    id: int
    name: str
    channel: str


def brand_ref(brand: Any) -> dict[str, Any]:
    return {"id": brand.pk, "name": brand.name, "slug": brand.slug}


def agent_ref(agent: Any) -> dict[str, Any] | None:
    return {"id": agent.pk, "name": agent.name or agent.email, "email": agent.email} if agent is not None else None


def team_ref(team: Any) -> dict[str, Any] | None:
    return {"id": team.pk, "name": team.name} if team is not None else None


def contact_ref(contact: Any, *, address: str | None = None) -> dict[str, Any] | None:
    """A short reference; `address` (the primary one, when the caller knows it) saves reading the identities."""
    if contact is None:
        return None
    if address is None:
        address = contact.primary_address  # read once: each read may be a query when identities are not prefetched
    return {"id": contact.pk, "name": contact.name or address or f"Contact {contact.pk}", "email": address}


def organisation_ref(organisation: Any) -> dict[str, Any] | None:
    return {"id": organisation.pk, "name": organisation.name} if organisation is not None else None


def inbox_ref(inbox: Any) -> dict[str, Any] | None:
    return {"id": inbox.pk, "name": inbox.name, "channel": inbox.channel_kind} if inbox is not None else None
