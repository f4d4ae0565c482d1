"""What admins define for tickets, over the REST API: tags and custom field definitions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Schema
from ninja.responses import Status as HttpStatus
from pydantic import StrictBool, StrictInt

from frontdesk.accounts import queries as account_queries
from frontdesk.accounts.choices import TokenScope
from frontdesk.api.auth import actor
from frontdesk.api.lookups import referenced
from frontdesk.api.pagination import paginate
from frontdesk.api.routing import ApiRouter
from frontdesk.api.schemas import MAX_ID, Id, PageQuery, RefId
from frontdesk.tickets import catalog, queries
from frontdesk.tickets.choices import FieldType
from frontdesk.tickets.models import CustomField, Tag

router = ApiRouter(tags=["tags and fields"])


class TagOut(Schema):
    id: int
    name: str = Field(..., examples=["late-order"])
    color: str


class TagPage(Schema):
    data: list[TagOut]
    next_cursor: str | None


class TagQuery(PageQuery):
    q: str | None = Field(None, max_length=60, description="Part of the name.")


class TagCreate(Schema):
    name: str = Field(..., min_length=1, max_length=60, description="Lower-cased, spaces become dashes.")
    color: str = Field("#64748b", pattern=r"^#[0-9a-fA-F]{6}$")


class TagPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")


class CustomFieldOut(Schema):
    id: int
    key: str = Field(..., examples=["order_number"])
    label: str
    type: FieldType
    options: list[str] = Field(..., description="The choices of a dropdown.")
    brand_id: int | None = Field(..., description="null: the field applies to every brand.")
    required_to_solve: bool
    position: int
    is_active: bool


class CustomFieldPage(Schema):
    data: list[CustomFieldOut]
    next_cursor: str | None


class CustomFieldQuery(PageQuery):
    brand: Id | None = Field(None, description="Only fields that apply to this brand.")
    include_inactive: bool = False


class CustomFieldCreate(Schema):
    key: str = Field(..., min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_ -]+$")
    label: str = Field(..., min_length=1, max_length=120)
    type: FieldType = FieldType.TEXT
    options: list[str] = Field(default_factory=list, max_length=200)
    brand_id: RefId | None = None
    required_to_solve: StrictBool = False
    position: StrictInt = Field(0, ge=0, le=1_000_000)


class CustomFieldPatch(Schema):
    """Only the fields sent change; key and type are fixed."""

    label: str | None = Field(None, min_length=1, max_length=120)
    options: list[str] | None = Field(None, max_length=200)
    required_to_solve: StrictBool | None = None
    position: StrictInt | None = Field(None, ge=0, le=1_000_000)
    is_active: StrictBool | None = None


def tag_out(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name, "color": tag.color}


def field_out(field: CustomField) -> dict[str, Any]:
    return {
        "id": field.pk,
        "key": field.key,
        "label": field.label,
        "type": field.field_type,
        "options": [str(o) for o in field.options or []],
        "brand_id": field.brand_id,
        "required_to_solve": field.required_to_solve,
        "position": field.position,
        "is_active": field.is_active,
    }


@router.get("/tags", scope=TokenScope.ADMIN_READ, response=TagPage, summary="List tags")
def list_tags(request: HttpRequest, query: Query[TagQuery]) -> dict[str, Any]:
    rows, next_cursor = paginate(
        queries.tags_for(actor(request), search=query.q or ""), kind="tags", cursor=query.cursor, limit=query.limit
    )
    return {"data": [tag_out(t) for t in rows], "next_cursor": next_cursor}


@router.post("/tags", scope=TokenScope.ADMIN_WRITE, response={201: TagOut}, summary="Create a tag")
def create_tag(request: HttpRequest, body: TagCreate) -> HttpStatus:
    return HttpStatus(201, tag_out(catalog.create_tag(actor(request), name=body.name, color=body.color)))


@router.patch("/tags/{tag_id}", scope=TokenScope.ADMIN_WRITE, response=TagOut, summary="Rename or recolour a tag")
def update_tag(request: HttpRequest, body: TagPatch, tag_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    agent = actor(request)
    tag = queries.get_tag(agent, tag_id)
    return tag_out(catalog.update_tag(agent, tag, name=body.name, color=body.color))


@router.delete("/tags/{tag_id}", scope=TokenScope.ADMIN_WRITE, response={204: None}, summary="Delete a tag")
def delete_tag(request: HttpRequest, tag_id: int = Path(..., ge=1, le=MAX_ID)) -> HttpStatus:
    """The tag is removed from every ticket; the tickets' timelines keep the history."""
    agent = actor(request)
    catalog.delete_tag(agent, queries.get_tag(agent, tag_id))
    return HttpStatus(204, None)


@router.get(
    "/custom-fields", scope=TokenScope.ADMIN_READ, response=CustomFieldPage, summary="List custom field definitions"
)
def list_custom_fields(request: HttpRequest, query: Query[CustomFieldQuery]) -> dict[str, Any]:
    qs = queries.custom_fields_for(actor(request), brand_id=query.brand, include_inactive=query.include_inactive)
    rows, next_cursor = paginate(qs, kind="custom-fields", cursor=query.cursor, limit=query.limit)
    return {"data": [field_out(f) for f in rows], "next_cursor": next_cursor}


@router.get(
    "/custom-fields/{field_id}", scope=TokenScope.ADMIN_READ, response=CustomFieldOut, summary="Get a custom field"
)
def get_custom_field(request: HttpRequest, field_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return field_out(queries.get_custom_field(actor(request), field_id))


@router.post(
    "/custom-fields", scope=TokenScope.ADMIN_WRITE, response={201: CustomFieldOut}, summary="Define a custom field"
)
def create_custom_field(request: HttpRequest, body: CustomFieldCreate) -> HttpStatus:
    agent = actor(request)
    brand = referenced("brand_id", account_queries.get_brand, agent, body.brand_id) if body.brand_id else None
    field = catalog.create_custom_field(
        agent,
        key=body.key,
        label=body.label,
        field_type=body.type,
        options=body.options,
        brand=brand,
        required_to_solve=body.required_to_solve,
        position=body.position,
    )
    return HttpStatus(201, field_out(field))


@router.patch(
    "/custom-fields/{field_id}", scope=TokenScope.ADMIN_WRITE, response=CustomFieldOut, summary="Change a custom field"
)
def update_custom_field(
    request: HttpRequest, body: CustomFieldPatch, field_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    agent = actor(request)
    field = queries.get_custom_field(agent, field_id)
    changes = {name: value for name, value in body.model_dump(exclude_unset=True).items() if value is not None}
    return field_out(catalog.update_custom_field(agent, field, **changes))
