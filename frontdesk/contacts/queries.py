"""Access-checked reads of contacts and organisations."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.contacts import errors
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import Contact, ContactIdentity, Organisation
from frontdesk.core.db import rows
from frontdesk.core.errors import NotFound


def contacts_for(
    actor: Agent, *, search: str = "", organisation_id: int | None = None, brand_id: int | None = None
) -> QuerySet[Contact]:
    qs = (
        Contact.objects.filter(permissions.brand_scope(actor), merged_into__isnull=True)
        .select_related("organisation", "brand")
        .prefetch_related(Prefetch("identities", queryset=ContactIdentity.objects.order_by("-is_primary", "id")))
    )
    if brand_id:
        qs = qs.filter(brand_id=brand_id)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if search:
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(identities__value__icontains=term.lower())).distinct()
    return qs.order_by("name", "id")


def get_contact(actor: Agent, contact_id: int) -> Contact:
    contact = (
        Contact.objects.filter(permissions.brand_scope(actor), pk=contact_id)
        .select_related("organisation", "brand", "merged_into")
        .prefetch_related("identities")
        .first()
    )
    if contact is None:
        raise NotFound(f"Contact {contact_id} does not exist or is not visible to you.", code=errors.CONTACT_NOT_FOUND)
    return contact


def organisations_for(actor: Agent, *, search: str = "", brand_id: int | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(permissions.brand_scope(actor)).select_related("brand")
    if brand_id:
        qs = qs.filter(brand_id=brand_id)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.annotate(contact_count=Count("contacts")).order_by("name", "id")


def get_organisation(actor: Agent, organisation_id: int) -> Organisation:
    org = (
        Organisation.objects.filter(permissions.brand_scope(actor), pk=organisation_id).select_related("brand").first()
    )
    if org is None:
        raise NotFound(
            f"Organisation {organisation_id} does not exist or is not visible to you.",
            code=errors.ORGANISATION_NOT_FOUND,
        )
    return org


def get_identity(actor: Agent, contact_id: int, identity_id: int) -> ContactIdentity:
    """One address of a contact the actor can see."""
    identity = (
        ContactIdentity.objects.filter(permissions.brand_scope(actor), contact_id=contact_id, pk=identity_id)
        .select_related("contact")
        .first()
    )
    if identity is None:
        raise NotFound(
            f"Contact {contact_id} has no identity {identity_id} visible to you.", code=errors.IDENTITY_NOT_FOUND
        )
    return identity


def contact_by_address(brand_id: int, kind: str, value: str) -> Contact | None:
    """The contact behind an address in a brand, or None; nothing is created (see services.resolve_contact).

    For channels and the API, which look a sender up before deciding to write: the address is normalised here,
    so a malformed one is refused before any write starts.
    """
    from frontdesk.contacts.identities import normalise

    # A hand-written statement: channels and the API call this on every inbound message, and the ORM's
    # compiler costs several times the query itself.
    identity_table = ContactIdentity._meta.db_table
    contact_table = Contact._meta.db_table
    sql = (
        f"SELECT {rows.columns(Contact, 't')}, i.value, i.is_primary FROM {identity_table} i "
        f"JOIN {contact_table} t ON t.id = i.contact_id WHERE i.brand_id = %s AND i.kind = %s AND i.value = %s "
        "ORDER BY i.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [brand_id, kind, normalise(kind, value)])
        row = cursor.fetchone()
    if row is None:
        return None
    contact = rows.from_row(Contact, row)
    address, is_primary = row[-2], bool(row[-1])
    if is_primary and kind == IdentityKind.EMAIL:  # what primary_address would pick
        contact._known_primary_address = address  # type: ignore[attr-defined]  # saves a query for it
    return contact
