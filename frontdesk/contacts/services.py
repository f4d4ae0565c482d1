"""All writes to contacts, organisations and identities."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.contacts import domains as domains_map
from frontdesk.contacts import errors, events
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.identities import normalise
from frontdesk.contacts.models import Contact, ContactIdentity, Organisation
from frontdesk.contacts.queries import contact_by_address
from frontdesk.core.db import rows
from frontdesk.core.errors import Conflict, ValidationFailed
from frontdesk.core.events import publish
from frontdesk.core.models import Brand


def resolve_contact(brand: Brand, kind: str, value: str, *, name: str = "") -> tuple[Contact, bool]:
    """The contact behind an address in a brand, created on first sight; returns (contact, created)."""
    value = normalise(kind, value)
    contact = contact_by_address(brand.pk, kind, value)
    if contact is not None:
        if name and not contact.name:
            contact.name = name[:200]
            contact.save(update_fields=["name", "updated_at"])
        return contact, False
    try:
        with transaction.atomic():
            organisation_id = domains_map.organisation_id_for(brand.pk, value) if kind == IdentityKind.EMAIL else None
            contact = rows.insert(Contact(brand=brand, name=(name or "")[:200], organisation_id=organisation_id))
            rows.insert(ContactIdentity(brand=brand, contact=contact, kind=kind, value=value, is_primary=True))
            if kind == IdentityKind.EMAIL:
                contact._known_primary_address = value  # type: ignore[attr-defined]  # its only address
    except IntegrityError:
        # Another request created the same identity between our read and write: use theirs.
        identity = ContactIdentity.objects.select_related("contact").get(brand=brand, kind=kind, value=value)
        return identity.contact, False
    publish(events.CONTACT_CREATED, {"contact_id": contact.pk, "brand_id": brand.pk})
    return contact, True


def create_contact(
    actor: Agent,
    brand: Brand,
    *,
    name: str = "",
    identities: list[tuple[str, str]] | None = None,
    organisation: Organisation | None = None,
    **fields: Any,
) -> Contact:
    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, brand.pk))
    if organisation is not None and organisation.brand_id != brand.pk:
        raise ValidationFailed("The organisation belongs to another brand.")
    with transaction.atomic():
        contact = Contact.objects.create(brand=brand, name=name[:200], organisation=organisation, **fields)
        for index, (kind, value) in enumerate(identities or []):
            add_identity(actor, contact, kind, value, primary=index == 0)
    publish(events.CONTACT_CREATED, {"contact_id": contact.pk, "brand_id": brand.pk})
    return contact


def update_contact(actor: Agent, contact: Contact, **changes: Any) -> Contact:
    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, contact.brand_id))
    allowed = {"name", "organisation", "language", "time_zone", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"Cannot change {', '.join(sorted(unknown))} on a contact.")
    org = changes.get("organisation")
    if org is not None and org.brand_id != contact.brand_id:
        raise ValidationFailed("The organisation belongs to another brand.")
    for field, value in changes.items():
        setattr(contact, field, value)
    contact.save(update_fields=[*changes, "updated_at"])
    publish(events.CONTACT_UPDATED, {"contact_id": contact.pk, "fields": sorted(changes)})
    return contact


def add_identity(actor: Agent, contact: Contact, kind: str, value: str, *, primary: bool = False) -> ContactIdentity:
    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, contact.brand_id))
    value = normalise(kind, value)
    existing = ContactIdentity.objects.filter(brand_id=contact.brand_id, kind=kind, value=value).first()
    if existing is not None:
        if existing.contact_id == contact.pk:
            return existing
        raise Conflict(
            f"{value} already belongs to another contact; merge the two contacts instead.",
            code=errors.IDENTITY_TAKEN,
            details={"contact_id": existing.contact_id},
        )
    return ContactIdentity.objects.create(
        brand_id=contact.brand_id, contact=contact, kind=kind, value=value, is_primary=primary
    )


def remove_identity(actor: Agent, identity: ContactIdentity) -> None:
    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, identity.brand_id))
    identity.delete()


def merge_contacts(actor: Agent, *, keep: Contact, duplicate: Contact) -> Contact:
    """Fold `duplicate` into `keep`: identities and tickets move, the duplicate is left as a tombstone."""
    from frontdesk.tickets.services import reassign_requester  # tickets depend on contacts, not the reverse

    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, keep.brand_id))
    if keep.pk == duplicate.pk:
        raise ValidationFailed("A contact cannot be merged into itself.", code=errors.MERGE_INVALID)
    if keep.brand_id != duplicate.brand_id:
        raise ValidationFailed("Contacts of different brands cannot be merged.", code=errors.MERGE_INVALID)
    if duplicate.merged_into_id:
        raise ValidationFailed("That contact was already merged.", code=errors.MERGE_INVALID)
    with transaction.atomic():
        ContactIdentity.objects.filter(contact=duplicate).update(contact=keep, is_primary=False)
        reassign_requester(actor, source=duplicate, target=keep)
        updates: list[str] = []
        for field in ("name", "language", "time_zone"):
            if not getattr(keep, field) and getattr(duplicate, field):
                setattr(keep, field, getattr(duplicate, field))
                updates.append(field)
        if keep.organisation_id is None and duplicate.organisation_id:
            keep.organisation_id = duplicate.organisation_id
            updates.append("organisation")
        if duplicate.notes:
            keep.notes = (keep.notes + "\n\n" + duplicate.notes).strip()
            updates.append("notes")
        if updates:
            keep.save(update_fields=[*updates, "updated_at"])
        duplicate.merged_into = keep
        duplicate.save(update_fields=["merged_into", "updated_at"])
    publish(events.CONTACTS_MERGED, {"contact_id": keep.pk, "merged_id": duplicate.pk})
    return keep


def create_organisation(
    actor: Agent, brand: Brand, *, name: str, domains: list[str] | None = None, notes: str = ""
) -> Organisation:
    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, brand.pk))
    name = name.strip()
    if not name:
        raise ValidationFailed("An organisation needs a name.")
    if Organisation.objects.filter(brand=brand, name__iexact=name).exists():
        raise Conflict(f"An organisation named {name!r} already exists.", code="organisation_exists")
    organisation = Organisation.objects.create(
        brand=brand, name=name[:200], domains=[d.strip().lower() for d in domains or [] if d.strip()], notes=notes
    )
    domains_map.forget(brand.pk)
    return organisation


def update_organisation(actor: Agent, organisation: Organisation, **changes: Any) -> Organisation:
    permissions.require(permissions.can_write(actor) and permissions.can_see_brand(actor, organisation.brand_id))
    allowed = {"name", "domains", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"Cannot change {', '.join(sorted(unknown))} on an organisation.")
    if "domains" in changes:
        changes["domains"] = [d.strip().lower() for d in changes["domains"] or [] if d.strip()]
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.save(update_fields=[*changes, "updated_at"])
    domains_map.forget(organisation.brand_id)
    return organisation


def mark_bouncing(brand_id: int, addresses: list[str], *, reason: str = "", at: Any = None) -> int:
    """Mail to these addresses bounced for good: flag them, so agents see it and automatic mail skips them."""
    from django.utils import timezone

    values = [a.strip().lower() for a in addresses if a and "@" in a]
    if not values:
        return 0
    return ContactIdentity.objects.filter(brand_id=brand_id, kind=IdentityKind.EMAIL, value__in=values).update(
        is_bouncing=True, bounced_at=at or timezone.now(), bounce_reason=reason[:500]
    )
