"""Contacts and organisations: lists with search, the contact page (edit, identities, merge), organisations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from frontdesk.accounts import permissions
from frontdesk.contacts import queries as contacts
from frontdesk.contacts import services
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import Contact
from frontdesk.core.errors import DomainError, NotFound, ValidationFailed
from frontdesk.tickets import queries as tickets
from frontdesk.tickets.filters import TicketFilter
from frontdesk.workspace.views.common import actor, page, refuse

PAGE_SIZE = 50
PAGE_MAX = 2000
ORGANISATION_CHOICES_MAX = 500
MERGE_CANDIDATES_MAX = 10


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(max(int(raw), 1), PAGE_MAX) if raw.isdigit() else 1


def _slice(qs: Any, number: int) -> tuple[list[Any], bool]:
    rows = list(qs[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


@page("GET")
def contact_list(request: HttpRequest) -> HttpResponse:
    agent = actor(request)
    search = request.GET.get("q", "").strip()[:200]
    number = _page_number(request)
    # Newest first: the primary key orders it, so a page costs the same for ten or a million contacts.
    rows, has_next = _slice(contacts.contacts_for(agent, search=search).order_by("-id"), number)
    context = {
        "section": "contacts",
        "contacts": rows,
        "ticket_counts": tickets.ticket_counts_by_requester(agent, [c.pk for c in rows]),
        "search": search,
        "page_number": number,
        "has_next": has_next,
    }
    return render(request, "workspace/contacts/list.html", context)


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return contacts.get_contact(actor(request), contact_id)


@page("GET")
def contact_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    agent = actor(request)
    contact = _contact(request, contact_id)
    if contact.merged_into_id:
        messages.info(request, f"That contact was merged into {contact.merged_into}.")
        return redirect("workspace:contact", contact_id=contact.merged_into_id)
    context = {
        "section": "contacts",
        "contact": contact,
        "identities": list(contact.identities.all()),
        "tickets": tickets.contact_tickets(agent, contact.pk, limit=PAGE_SIZE),
        "organisations": list(contacts.organisations_for(agent, brand_id=contact.brand_id)[:ORGANISATION_CHOICES_MAX]),
        "identity_kinds": IdentityKind.choices,
        "can_edit": permissions.can_write(agent),
    }
    return render(request, "workspace/contacts/detail.html", context)


@page("POST")
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    agent = actor(request)
    contact = _contact(request, contact_id)
    changes: dict[str, Any] = {}
    if "name" in request.POST:
        changes["name"] = " ".join(request.POST["name"].split())[:200]
    if "notes" in request.POST:
        changes["notes"] = request.POST["notes"][:10_000]
    try:
        if "organisation" in request.POST:
            org_id = request.POST["organisation"]
            changes["organisation"] = contacts.get_organisation(agent, int(org_id)) if org_id.isdigit() else None
        services.update_contact(agent, contact, **changes)
    except DomainError as exc:
        return refuse(request, exc, contact_url(contact))
    messages.success(request, "Contact saved.")
    return redirect(contact_url(contact))


def contact_url(contact: Contact) -> str:
    from django.urls import reverse

    return reverse("workspace:contact", args=[contact.pk])


@page("POST")
def identity_add(request: HttpRequest, contact_id: int) -> HttpResponse:
    agent = actor(request)
    contact = _contact(request, contact_id)
    try:
        identity = services.add_identity(agent, contact, request.POST.get("kind", ""), request.POST.get("value", ""))
    except DomainError as exc:
        return refuse(request, exc, contact_url(contact))
    messages.success(request, f"Added {identity.value}.")
    return redirect(contact_url(contact))


@page("POST")
def identity_remove(request: HttpRequest, contact_id: int, identity_id: int) -> HttpResponse:
    agent = actor(request)
    contact = _contact(request, contact_id)
    identity = next((i for i in contact.identities.all() if i.pk == identity_id), None)
    try:
        if identity is None:
            raise NotFound("That address is not one of this contact's.")
        services.remove_identity(agent, identity)
    except DomainError as exc:
        return refuse(request, exc, contact_url(contact))
    messages.success(request, f"Removed {identity.value}.")
    return redirect(contact_url(contact))


def _merge_candidates(request: HttpRequest, contact: Contact, wanted: str) -> list[Contact]:
    agent = actor(request)
    same_brand = contacts.contacts_for(agent, brand_id=contact.brand_id).exclude(pk=contact.pk)
    if wanted.isdigit():
        return list(same_brand.filter(pk=int(wanted)))
    if not wanted:
        return []
    exact = list(same_brand.filter(identities__value=wanted.lower())[:MERGE_CANDIDATES_MAX])
    return exact or list(
        contacts.contacts_for(agent, brand_id=contact.brand_id, search=wanted).exclude(pk=contact.pk)[
            :MERGE_CANDIDATES_MAX
        ]
    )


@page("GET", "POST")
def contact_merge(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Step one finds the duplicate (by id, address or name); step two confirms and folds it in."""
    agent = actor(request)
    contact = _contact(request, contact_id)
    if request.method == "POST":
        try:
            other_id = request.POST.get("duplicate", "")
            if not other_id.isdigit():
                raise ValidationFailed("Choose the contact to merge into this one.")
            duplicate = contacts.get_contact(agent, int(other_id))
            services.merge_contacts(agent, keep=contact, duplicate=duplicate)
        except DomainError as exc:
            return refuse(request, exc, contact_url(contact))
        messages.success(request, f"Merged {duplicate.display_name} into {contact.display_name}.")
        return redirect(contact_url(contact))
    wanted = request.GET.get("other", "").strip()[:320]
    candidates = _merge_candidates(request, contact, wanted)
    counts = tickets.ticket_counts_by_requester(agent, [c.pk for c in candidates])
    context = {
        "section": "contacts",
        "contact": contact,
        "wanted": wanted,
        "candidates": [(c, counts.get(c.pk, 0)) for c in candidates],
        "can_edit": permissions.can_write(agent),
    }
    return render(request, "workspace/contacts/merge.html", context)


@page("GET")
def organisation_list(request: HttpRequest) -> HttpResponse:
    agent = actor(request)
    search = request.GET.get("q", "").strip()[:200]
    number = _page_number(request)
    rows, has_next = _slice(contacts.organisations_for(agent, search=search), number)
    context = {
        "section": "organisations",
        "organisations": rows,
        "search": search,
        "page_number": number,
        "has_next": has_next,
    }
    return render(request, "workspace/contacts/organisations.html", context)


@page("GET")
def organisation_page(request: HttpRequest, organisation_id: int) -> HttpResponse:
    agent = actor(request)
    organisation = contacts.get_organisation(agent, organisation_id)
    people = list(contacts.contacts_for(agent, organisation_id=organisation.pk)[:100])
    rows = tickets.with_list_columns(tickets.tickets_for(agent, TicketFilter(organisation=organisation.pk)))
    context = {
        "section": "organisations",
        "organisation": organisation,
        "people": people,
        "tickets": list(rows[:PAGE_SIZE]),
    }
    return render(request, "workspace/contacts/organisation.html", context)
