"""A ticket's conversation and timeline over the REST API, replies and notes, attachment downloads."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from ninja import Path, Query
from ninja.responses import Status as HttpStatus

from frontdesk.accounts.choices import TokenScope
from frontdesk.api.auth import actor
from frontdesk.api.pagination import paginate
from frontdesk.api.routing import ApiRouter
from frontdesk.api.schemas import MAX_ID, PageQuery
from frontdesk.contacts.models import ContactIdentity
from frontdesk.core.errors import NotFound, ValidationFailed
from frontdesk.tickets import errors, queries, recipients, services
from frontdesk.tickets.api import uploads
from frontdesk.tickets.api.schemas import MessageCreate, MessageOut, MessagePage, TimelinePage, event_out, message_out
from frontdesk.tickets.attachments import serves_inline

router = ApiRouter(tags=["messages"])
TicketId = Path(..., ge=1, le=MAX_ID, description="The ticket's id (not its number).")


@router.get(
    "/tickets/{ticket_id}/messages",
    scope=TokenScope.TICKETS_READ,
    response=MessagePage,
    summary="List a ticket's messages",
)
def list_messages(request: HttpRequest, page: Query[PageQuery], ticket_id: int = TicketId) -> dict[str, Any]:
    """Customer messages, replies, internal notes and system events, oldest first."""
    agent = actor(request)
    ticket = queries.get_ticket(agent, ticket_id)
    qs = queries.conversation(agent, ticket).prefetch_related(
        Prefetch("author_contact__identities", queryset=ContactIdentity.objects.order_by("-is_primary", "id"))
    )
    rows, next_cursor = paginate(qs, kind=f"messages:{ticket.pk}", cursor=page.cursor, limit=page.limit)
    return {"data": [message_out(m) for m in rows], "next_cursor": next_cursor}


@router.post(
    "/tickets/{ticket_id}/messages",
    scope=TokenScope.TICKETS_WRITE,
    response={201: MessageOut},
    summary="Reply or add a note",
)
def create_message(request: HttpRequest, body: MessageCreate, ticket_id: int = TicketId) -> HttpStatus:
    """`kind: reply` answers the customer through the ticket's channel; `kind: note` is seen by agents only."""
    agent = actor(request)
    ticket = queries.get_ticket(agent, ticket_id)
    if body.kind == "note" and body.status is not None:
        raise ValidationFailed("status can be set with a reply, not with a note.", details={"field": "status"})
    addressed = body.to is not None or body.cc is not None or body.bcc is not None
    if body.kind == "note" and addressed:
        raise ValidationFailed(
            "to, cc and bcc address a reply; a note is seen by agents only.",
            code=recipients.RECIPIENTS_NOT_SUPPORTED,
        )
    # Addresses are checked before the attachments are decoded: a typo costs nothing and stores nothing.
    chosen = recipients.clean_recipients(ticket, to=body.to, cc=body.cc, bcc=body.bcc) if addressed else None
    files = uploads.decode(body.attachments)
    if body.kind == "note":
        message = services.add_note(agent, ticket, text=body.text, html=body.html, attachments=files)
    elif chosen is not None:
        message = recipients.reply_to_recipients(
            agent, ticket, chosen, text=body.text, html=body.html, attachments=files, status=body.status
        )
    else:
        message = services.post_reply(
            agent, ticket, text=body.text, html=body.html, attachments=files, status=body.status
        )
    return HttpStatus(201, message_out(message))


@router.get(
    "/tickets/{ticket_id}/timeline",
    scope=TokenScope.TICKETS_READ,
    response=TimelinePage,
    summary="List a ticket's changes",
)
def list_timeline(request: HttpRequest, page: Query[PageQuery], ticket_id: int = TicketId) -> dict[str, Any]:
    """Every change to the ticket, who made it, and the values before and after, oldest first."""
    agent = actor(request)
    ticket = queries.get_ticket(agent, ticket_id)
    rows, next_cursor = paginate(
        queries.timeline(agent, ticket), kind=f"timeline:{ticket.pk}", cursor=page.cursor, limit=page.limit
    )
    return {"data": [event_out(e) for e in rows], "next_cursor": next_cursor}


@router.get(
    "/attachments/{attachment_id}/content",
    scope=TokenScope.TICKETS_READ,
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file's bytes.",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int = Path(..., ge=1, le=MAX_ID)) -> FileResponse:
    """Images and plain text are served as what they are; everything else as a download of raw bytes."""
    attachment = queries.get_attachment(actor(request), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(
            f"The file of attachment {attachment_id} is missing from storage.", code=errors.ATTACHMENT_NOT_FOUND
        ) from None
    inline = serves_inline(attachment)
    return FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
