"""Contacts (with their identities) and organisations over the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Path, Query, Schema
from ninja.responses import Status as HttpStatus
from pydantic import StrictBool

from frontdesk.accounts import permissions
from frontdesk.accounts.choices import TokenScope
from frontdesk.api.auth import actor
from frontdesk.api.lookups import brand_for, referenced
from frontdesk.api.pagination import paginate
from frontdesk.api.routing import ApiRouter
from frontdesk.api.schemas import MAX_ID, Id, OrganisationRef, PageQuery, RefId, organisation_ref
from frontdesk.contacts import queries, services
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import Contact, ContactIdentity, Organisation

router = ApiRouter(tags=["contacts"])
ContactId = Path(..., ge=1, le=MAX_ID, description="The contact's id.")
OrganisationId = Path(..., ge=1, le=MAX_ID, description="The organisation's id.")


class IdentityIn(Schema):
    kind: IdentityKind = Field(IdentityKind.EMAIL, description="What the value is.")
    value: str = Field(..., min_length=1, max_length=320, examples=["ada@example.com"])


class IdentityCreate(IdentityIn):
    primary: StrictBool = False


class IdentityOut(Schema):
    id: int
    kind: IdentityKind
    value: str = Field(..., description="Normalised: lower-case email, E.164 phone number, handle as given.")
    is_primary: bool
    is_verified: bool
    is_bouncing: bool


class ContactOut(Schema):
    id: int
    brand_id: int
    name: str
    display_name: str = Field(..., description="The name, or the primary address when there is no name.")
    organisation: OrganisationRef | None
    language: str
    time_zone: str
    notes: str
    identities: list[IdentityOut]
    merged_into_id: int | None = Field(..., description="Set when this contact was merged into another.")
    created_at: dt.datetime
    updated_at: dt.datetime


class ContactPage(Schema):
    data: list[ContactOut]
    next_cursor: str | None


class ContactQuery(PageQuery):
    q: str | None = Field(None, max_length=200, description="Part of the name or of an address.")
    organisation: Id | None = None
    brand: Id | None = None


class ContactCreate(Schema):
    brand_id: RefId | None = Field(None, description="Defaults to your only brand.")
    name: str = Field("", max_length=200, examples=["Ada Lovelace"])
    identities: list[IdentityIn] = Field(default_factory=list, max_length=20, description="The first is primary.")
    organisation_id: RefId | None = None
    language: str = Field("", max_length=16, examples=["en"])
    time_zone: str = Field("", max_length=64, examples=["Europe/London"])
    notes: str = Field("", max_length=20000)


class ContactPatch(Schema):
    """Only the fields sent change; organisation_id null detaches the contact from its organisation."""

    name: str | None = Field(None, max_length=200)
    organisation_id: RefId | None = None
    language: str | None = Field(None, max_length=16)
    time_zone: str | None = Field(None, max_length=64)
    notes: str | None = Field(None, max_length=20000)


class MergeIn(Schema):
    duplicate_id: RefId = Field(..., description="The contact folded into this one (its identities and tickets move).")


class OrganisationOut(Schema):
    id: int
    brand_id: int
    name: str
    domains: list[str] = Field(..., description="Email domains whose new contacts join this organisation.")
    notes: str
    contact_count: int
    created_at: dt.datetime
    updated_at: dt.datetime


class OrganisationPage(Schema):
    data: list[OrganisationOut]
    next_cursor: str | None


class OrganisationQuery(PageQuery):
    q: str | None = Field(None, max_length=200, description="Part of the name.")
    brand: Id | None = None


class OrganisationCreate(Schema):
    brand_id: RefId | None = Field(None, description="Defaults to your only brand.")
    name: str = Field(..., min_length=1, max_length=200, examples=["Analytical Engines Ltd"])
    domains: list[str] = Field(default_factory=list, max_length=50, examples=[["engines.example"]])
    notes: str = Field("", max_length=20000)


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    domains: list[str] | None = Field(None, max_length=50)
    notes: str | None = Field(None, max_length=20000)


def identity_out(identity: ContactIdentity) -> dict[str, Any]:
    return {
        "id": identity.pk,
        "kind": identity.kind,
        "value": identity.value,
        "is_primary": identity.is_primary,
        "is_verified": identity.is_verified,
        "is_bouncing": identity.is_bouncing,
    }


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "brand_id": contact.brand_id,
        "name": contact.name,
        "display_name": contact.display_name,
        "organisation": organisation_ref(contact.organisation),
        "language": contact.language,
        "time_zone": contact.time_zone,
        "notes": contact.notes,
        "identities": [identity_out(i) for i in contact.identities.all()],
        "merged_into_id": contact.merged_into_id,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def organisation_out(organisation: Organisation, contact_count: int | None = None) -> dict[str, Any]:
    count = getattr(organisation, "contact_count", None) if contact_count is None else contact_count
    return {
        "id": organisation.pk,
        "brand_id": organisation.brand_id,
        "name": organisation.name,
        "domains": [str(d) for d in organisation.domains or []],
        "notes": organisation.notes,
        "contact_count": count if count is not None else organisation.contacts.count(),
        "created_at": organisation.created_at,
        "updated_at": organisation.updated_at,
    }


def _organisation(agent: Any, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    return referenced("organisation_id", queries.get_organisation, agent, organisation_id)


@router.get("/contacts", scope=TokenScope.CONTACTS_READ, response=ContactPage, summary="List or search contacts")
def list_contacts(request: HttpRequest, query: Query[ContactQuery]) -> dict[str, Any]:
    qs = queries.contacts_for(
        actor(request), search=query.q or "", organisation_id=query.organisation, brand_id=query.brand
    )
    rows, next_cursor = paginate(qs, kind="contacts", cursor=query.cursor, limit=query.limit)
    return {"data": [contact_out(c) for c in rows], "next_cursor": next_cursor}


@router.post("/contacts", scope=TokenScope.CONTACTS_WRITE, response={201: ContactOut}, summary="Create a contact")
def create_contact(request: HttpRequest, body: ContactCreate) -> HttpStatus:
    agent = actor(request)
    permissions.require(permissions.can_write(agent), "Your role cannot change contacts.")
    brand = brand_for(agent, body.brand_id)
    with transaction.atomic():  # an identity refused half-way leaves no contact behind
        contact = services.create_contact(
            agent,
            brand,
            name=body.name,
            identities=[(i.kind, i.value) for i in body.identities],
            organisation=_organisation(agent, body.organisation_id),
            language=body.language,
            time_zone=body.time_zone,
            notes=body.notes,
        )
    return HttpStatus(201, contact_out(queries.get_contact(agent, contact.pk)))


@router.get("/contacts/{contact_id}", scope=TokenScope.CONTACTS_READ, response=ContactOut, summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: int = ContactId) -> dict[str, Any]:
    return contact_out(queries.get_contact(actor(request), contact_id))


@router.patch(
    "/contacts/{contact_id}", scope=TokenScope.CONTACTS_WRITE, response=ContactOut, summary="Change a contact"
)
def update_contact(request: HttpRequest, body: ContactPatch, contact_id: int = ContactId) -> dict[str, Any]:
    agent = actor(request)
    contact = queries.get_contact(agent, contact_id)
    permissions.require(permissions.can_write(agent), "Your role cannot change contacts.")
    sent = body.model_fields_set
    changes: dict[str, Any] = {
        name: getattr(body, name)
        for name in ("name", "language", "time_zone", "notes")
        if getattr(body, name) is not None
    }
    if "organisation_id" in sent:
        changes["organisation"] = _organisation(agent, body.organisation_id)
    if changes:
        services.update_contact(agent, contact, **changes)
    return contact_out(queries.get_contact(agent, contact_id))


@router.post(
    "/contacts/{contact_id}/identities",
    scope=TokenScope.CONTACTS_WRITE,
    response={201: IdentityOut},
    summary="Add an address to a contact",
)
def add_identity(request: HttpRequest, body: IdentityCreate, contact_id: int = ContactId) -> HttpStatus:
    """An address already used by another contact of the brand is refused (409 identity_taken): merge instead."""
    agent = actor(request)
    contact = queries.get_contact(agent, contact_id)
    identity = services.add_identity(agent, contact, body.kind, body.value, primary=body.primary)
    return HttpStatus(201, identity_out(identity))


@router.delete(
    "/contacts/{contact_id}/identities/{identity_id}",
    scope=TokenScope.CONTACTS_WRITE,
    response={204: None},
    summary="Remove an address from a contact",
)
def remove_identity(
    request: HttpRequest, contact_id: int = ContactId, identity_id: int = Path(..., ge=1, le=MAX_ID)
) -> HttpStatus:
    agent = actor(request)
    services.remove_identity(agent, queries.get_identity(agent, contact_id, identity_id))
    return HttpStatus(204, None)


@router.post(
    "/contacts/{contact_id}/merge",
    scope=TokenScope.CONTACTS_WRITE,
    response=ContactOut,
    summary="Merge a duplicate into this contact",
)
def merge_contacts(request: HttpRequest, body: MergeIn, contact_id: int = ContactId) -> dict[str, Any]:
    """The duplicate's identities and tickets move here; the duplicate remains with `merged_into_id` set."""
    agent = actor(request)
    keep = queries.get_contact(agent, contact_id)
    duplicate = referenced("duplicate_id", queries.get_contact, agent, body.duplicate_id)
    services.merge_contacts(agent, keep=keep, duplicate=duplicate)
    return contact_out(queries.get_contact(agent, contact_id))


@router.get("/organisations", scope=TokenScope.CONTACTS_READ, response=OrganisationPage, summary="List organisations")
def list_organisations(request: HttpRequest, query: Query[OrganisationQuery]) -> dict[str, Any]:
    qs = queries.organisations_for(actor(request), search=query.q or "", brand_id=query.brand)
    rows, next_cursor = paginate(qs, kind="organisations", cursor=query.cursor, limit=query.limit)
    return {"data": [organisation_out(o) for o in rows], "next_cursor": next_cursor}


@router.post(
    "/organisations",
    scope=TokenScope.CONTACTS_WRITE,
    response={201: OrganisationOut},
    summary="Create an organisation",
)
def create_organisation(request: HttpRequest, body: OrganisationCreate) -> HttpStatus:
    agent = actor(request)
    permissions.require(permissions.can_write(agent), "Your role cannot change organisations.")
    brand = brand_for(agent, body.brand_id)
    organisation = services.create_organisation(agent, brand, name=body.name, domains=body.domains, notes=body.notes)
    return HttpStatus(201, organisation_out(organisation, contact_count=0))


@router.get(
    "/organisations/{organisation_id}",
    scope=TokenScope.CONTACTS_READ,
    response=OrganisationOut,
    summary="Get an organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int = OrganisationId) -> dict[str, Any]:
    return organisation_out(queries.get_organisation(actor(request), organisation_id))


@router.patch(
    "/organisations/{organisation_id}",
    scope=TokenScope.CONTACTS_WRITE,
    response=OrganisationOut,
    summary="Change an organisation",
)
def update_organisation(
    request: HttpRequest, body: OrganisationPatch, organisation_id: int = OrganisationId
) -> dict[str, Any]:
    agent = actor(request)
    organisation = queries.get_organisation(agent, organisation_id)
    changes = {name: value for name, value in body.model_dump(exclude_unset=True).items() if value is not None}
    if changes:
        organisation = services.update_organisation(agent, organisation, **changes)
    return organisation_out(organisation)
