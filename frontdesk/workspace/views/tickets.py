"""The ticket page: conversation, composer, side panel; attachments; logging a new ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from frontdesk.accounts import permissions
from frontdesk.accounts import queries as accounts
from frontdesk.core.errors import DomainError
from frontdesk.inboxes import queries as inbox_queries
from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.tickets import queries
from frontdesk.tickets.attachments import serves_inline
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.recipients import clean_recipients, reply_to_recipients
from frontdesk.tickets.services import add_note, log_ticket, post_reply, update_ticket
from frontdesk.workspace import listing
from frontdesk.workspace.forms import NewTicketForm, property_changes, uploads
from frontdesk.workspace.mail import IMAGES_CSP
from frontdesk.workspace.originals import DOWNLOAD_CSP, original_response
from frontdesk.workspace.ticket_page import ticket_context
from frontdesk.workspace.views.common import actor, flash_error, is_htmx, page

# Attachments never run as part of our pages: no scripts, no plugins, a sandboxed origin even when opened.
ATTACHMENT_CSP = DOWNLOAD_CSP


def _ticket(request: HttpRequest, number: int) -> Ticket:
    return queries.get_ticket_by_number(actor(request), number)


def _shown_images(request: HttpRequest) -> set[int]:
    """The messages whose remote images the agent asked to see (`?images=12,15`); anything else is ignored."""
    raw = request.GET.get("images", "")
    return {int(part) for part in raw.split(",")[:50] if part.isascii() and part.isdigit() and len(part) <= 18}


def _with_image_policy(response: HttpResponse, context: dict) -> HttpResponse:
    # A page is one document with one policy: remote images are allowed only on the page where the agent
    # asked for them, and only the messages they chose carry their addresses (the others stay rewritten).
    if any(item.images_shown for item in context["stream"]):
        response["Content-Security-Policy"] = IMAGES_CSP
    return response


def _refreshed(request: HttpRequest, ticket: Ticket, status: int = 200, *, composer: bool = False) -> HttpResponse:
    """The parts of the page a change can touch, swapped in place by htmx (out of band)."""
    fresh = queries.get_ticket(actor(request), ticket.pk)
    context = ticket_context(actor(request), fresh, show_images=_shown_images(request), refresh_composer=composer)
    return _with_image_policy(render(request, "workspace/ticket/_refresh.html", context, status=status), context)


@page("GET")
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket(request, number)
    context = ticket_context(actor(request), ticket, show_images=_shown_images(request))
    return _with_image_policy(render(request, "workspace/ticket/page.html", context), context)


@page("GET")
def ticket_live(request: HttpRequest, number: int) -> HttpResponse:
    """The changing parts of a ticket page, fetched when the realtime socket says the ticket changed."""
    return _refreshed(request, _ticket(request, number))


@page("GET")
def message_original(request: HttpRequest, message_id: int) -> HttpResponseBase:
    """The message as it was received (an email's .eml), as a plain-text download: never rendered as a page."""
    intake = inbox_queries.original_of(actor(request), message_id)
    return original_response(intake, f"message-{message_id}.eml")


@page("POST")
def post_message(request: HttpRequest, number: int) -> HttpResponse:
    agent = actor(request)
    ticket = _ticket(request, number)
    kind = request.POST.get("kind", "reply")
    text = request.POST.get("text", "")
    status = request.POST.get("status") or None
    addressed = kind != "note" and capabilities(ticket.channel_kind).cc and "to" in request.POST
    typed = {name: request.POST.get(name, "") for name in ("to", "cc", "bcc") if addressed}
    if addressed and "signature" in request.POST:
        typed["signature"] = request.POST["signature"]
    try:
        files = uploads(request.FILES)
        if kind == "note":
            add_note(agent, ticket, text=text, attachments=files)
        elif addressed:
            recipients = clean_recipients(
                ticket, to=typed["to"], cc=typed["cc"], bcc=typed["bcc"], signature=typed.get("signature")
            )
            reply_to_recipients(agent, ticket, recipients, text=text, attachments=files, status=status)
        else:
            post_reply(agent, ticket, text=text, attachments=files, status=status)
    except DomainError as exc:
        if is_htmx(request):
            return flash_error(request, exc.message, status=exc.status)
        # Without scripts the page comes back with the text still in the composer: nothing typed is lost.
        context = ticket_context(
            agent,
            ticket,
            composer={"kind": kind, "text": text, "status": status or "", **typed},
            composer_error=exc.message,
        )
        return render(request, "workspace/ticket/page.html", context, status=exc.status)
    listing.forget_counts(agent)
    if is_htmx(request):
        return _refreshed(request, ticket, composer=True)
    messages.success(request, "Note added." if kind == "note" else "Reply sent.")
    return redirect("workspace:ticket", number=ticket.number)


@page("POST")
def update_properties(request: HttpRequest, number: int) -> HttpResponse:
    agent = actor(request)
    ticket = _ticket(request, number)
    try:
        changes = property_changes(agent, ticket, request.POST)
        if changes:
            update_ticket(agent, ticket, **changes)
    except DomainError as exc:
        if is_htmx(request):
            return flash_error(request, exc.message, status=exc.status)
        messages.error(request, exc.message)
        return redirect("workspace:ticket", number=ticket.number)
    listing.forget_counts(agent)
    if changes and not queries.tickets_for(agent).filter(pk=ticket.pk).exists():
        # The change (a team the agent is not in) moved the ticket out of their sight.
        messages.success(request, f"Ticket #{ticket.number} was updated; you can no longer see it.")
        return _leave(request, reverse("workspace:inbox"))
    if is_htmx(request):
        return _refreshed(request, ticket)
    if changes:
        messages.success(request, "Ticket updated.")
    return redirect("workspace:ticket", number=ticket.number)


def _leave(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@page("GET")
def attachment(request: HttpRequest, attachment_id: int, filename: str = "") -> HttpResponseBase:
    item = queries.get_attachment(actor(request), attachment_id)
    inline = serves_inline(item) and request.GET.get("download") != "1"
    if inline:
        content_type = "text/plain; charset=utf-8" if item.content_type == "text/plain" else item.content_type
    else:
        content_type = "application/octet-stream"
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file of this attachment is missing.") from None
    response = FileResponse(handle, as_attachment=not inline, filename=item.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@page("GET", "POST")
def new_ticket(request: HttpRequest) -> HttpResponse:
    agent = actor(request)
    permissions.require_writer(agent)
    brands = list(accounts.brands_for(agent))
    form = NewTicketForm(request.POST or None, brands=brands)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = log_ticket(
                agent,
                brand=next(b for b in brands if b.pk == data["brand"]),
                email=data["email"],
                name=data["name"],
                subject=data["subject"],
                text=data["text"],
                channel_kind=data["channel"],
                priority=data["priority"],
                status=data["status"],
                tags=data["tags"],
                assignee=agent if data["assign_to_me"] else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            listing.forget_counts(agent)
            messages.success(request, f"Ticket #{ticket.number} opened for {ticket.requester.display_name}.")
            return redirect("workspace:ticket", number=ticket.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "workspace/ticket/new.html", {"section": "new", "form": form}, status=status)
