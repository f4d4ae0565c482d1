"""Access-checked reads of inboxes."""

from __future__ import annotations

from django.db.models import QuerySet

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import NotFound
from frontdesk.inboxes import errors
from frontdesk.inboxes.models import Inbox


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
