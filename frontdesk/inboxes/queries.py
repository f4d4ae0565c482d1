"""Access-checked reads of inboxes."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import NotFound
from frontdesk.inboxes import errors
from frontdesk.inboxes.choices import IntakeStatus
from frontdesk.inboxes.models import KEPT, Delivery, Inbox, Intake


def inboxes_for(actor: Agent, *, brand_id: int | None = None) -> QuerySet[Inbox]:
    qs = Inbox.objects.filter(permissions.brand_scope(actor)).select_related("brand", "default_team")
    if brand_id:
        qs = qs.filter(brand_id=brand_id)
    return qs.order_by("brand__name", "name", "id")


def get_inbox(actor: Agent, inbox_id: int) -> Inbox:
    inbox = inboxes_for(actor).filter(pk=inbox_id).first()
    if inbox is None:
        raise NotFound(f"Inbox {inbox_id} does not exist or is not visible to you.", code=errors.INBOX_NOT_FOUND)
    return inbox


def original_of(actor: Agent, message_id: int) -> Intake:
    """The payload a message was made from, as it was received (an email's raw bytes), if the actor may see it.

    The message is looked up through the ticket access rules first: another brand's agent learns nothing, not
    even that the message exists.
    """
    from frontdesk.tickets.queries import get_message

    message = get_message(actor, message_id)
    email = (message.metadata or {}).get("email") or {}
    intake_id = email.get("intake_id") or (message.metadata or {}).get("intake_id")
    brand_intakes = Intake.objects.filter(KEPT, brand_id=message.ticket.brand_id)
    intake = None
    if isinstance(intake_id, int) or (isinstance(intake_id, str) and intake_id.isdigit()):
        intake = brand_intakes.filter(pk=int(intake_id)).first()
    if intake is None:
        intake = brand_intakes.filter(message_id=message.pk).order_by("id").first()
    if intake is None:
        raise NotFound(f"Message {message_id} has no original kept.", code=errors.ORIGINAL_NOT_FOUND)
    return intake


def messages_with_original(message_ids: Iterable[int]) -> set[int]:
    """Which of these messages (already access-checked by the caller) have a kept original; one query."""
    ids = list(message_ids)
    if not ids:
        return set()
    return set(Intake.objects.filter(KEPT, message_id__in=ids).values_list("message_id", flat=True))


def deliveries_of(message_ids: Iterable[int]) -> dict[int, Delivery]:
    """The outbox rows of these messages (already access-checked by the caller), by message id; one query."""
    ids = list(message_ids)
    if not ids:
        return {}
    return {d.message_id: d for d in Delivery.objects.filter(message_id__in=ids)}


def unread_intakes(actor: Agent, inbox: Inbox, *, limit: int = 50) -> list[Intake]:
    """What the inbox received but could not make into a message (newest first), for its brand's admins."""
    permissions.require_admin(actor)
    permissions.require(permissions.can_see_brand(actor, inbox.brand_id), "You do not work for this brand.")
    qs = Intake.objects.filter(inbox=inbox, status=IntakeStatus.FAILED).defer("content").order_by("-id")
    return list(qs[:limit])


def get_intake(actor: Agent, inbox: Inbox, intake_id: int) -> Intake:
    """One intake of the inbox, for its brand's admins; another inbox's or brand's is not found."""
    permissions.require_admin(actor)
    intake = Intake.objects.filter(inbox=inbox, pk=intake_id).first()
    if intake is None or not permissions.can_see_brand(actor, inbox.brand_id):
        raise NotFound(f"Received payload {intake_id} does not exist here.", code=errors.INTAKE_NOT_FOUND)
    return intake
