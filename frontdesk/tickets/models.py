"""Tickets (conversations with a customer), their messages, attachments, tags, custom fields and timeline."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from frontdesk.accounts.models import Agent, Team
from frontdesk.contacts.models import Contact, Organisation
from frontdesk.core.models import Brand
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets.choices import (
    DeliveryStatus,
    Direction,
    FieldType,
    MessageKind,
    Priority,
    Status,
    TicketType,
)


class Tag(models.Model):
    """A label agents and automations put on tickets ("refund", "vip", "bug")."""

    name = models.CharField(max_length=60, unique=True)
    color = models.CharField(max_length=7, default="#64748b")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """An admin-defined ticket field (order number, product, plan), for one brand or for all."""

    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.CASCADE, related_name="custom_fields")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=120)
    field_type = models.CharField(max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    options = models.JSONField(default=list, blank=True)  # dropdown choices
    required_to_solve = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["key"], name="custom_field_key_unique")]

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    """A conversation with a customer about one matter, on any channel, from first message to closing."""

    number = models.BigIntegerField(unique=True)  # shown to people ("#1234"); one sequence per install
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="tickets")
    inbox = models.ForeignKey(Inbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    channel_kind = models.CharField(max_length=20, choices=ChannelKind.choices, default=ChannelKind.API)
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    ticket_type = models.CharField(max_length=20, choices=TicketType.choices, blank=True)
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="tickets")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    # The earlier, closed ticket a customer wrote about again (their mail could not reopen it).
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    followers = models.ManyToManyField(Agent, blank=True, related_name="followed_tickets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", through="TicketTag")
    custom_fields = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    preview = models.CharField(max_length=200, blank=True)  # start of the latest public message, for lists

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            # The inbox list: filter by status (and brand/assignee/team), newest activity first.
            models.Index(fields=["status", "-last_message_at", "-id"], name="ticket_status_activity"),
            models.Index(fields=["brand", "status", "-last_message_at"], name="ticket_brand_status_act"),
            models.Index(fields=["assignee", "status", "-last_message_at"], name="ticket_assignee_status_act"),
            models.Index(fields=["team", "status", "-last_message_at"], name="ticket_team_status_act"),
            models.Index(fields=["-last_message_at", "-id"], name="ticket_activity"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_created"),
            models.Index(fields=["created_at"], name="ticket_created"),
            models.Index(
                fields=["-last_message_at", "-id"], condition=Q(assignee__isnull=True), name="ticket_unassigned_act"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_unsolved(self) -> bool:
        return self.status in (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


class TicketTag(models.Model):
    """A tag on a ticket (explicit so that bulk tagging is one insert)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_unique")]
        indexes = [models.Index(fields=["tag", "ticket"], name="tickettag_tag_ticket")]


class Message(models.Model):
    """One entry in a ticket's conversation: a customer message, a reply, an internal note or a system event."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    channel_kind = models.CharField(max_length=20, choices=ChannelKind.choices, default=ChannelKind.API)
    author_agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)  # always sanitised before it is stored
    external_id = models.CharField(max_length=500, blank=True)
    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_APPLICABLE
    )
    delivery_error = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_created"),
            models.Index(fields=["external_id"], condition=~Q(external_id=""), name="message_external_id"),
            # The outbox sweep finds replies left queued by a crash; only queued rows are in it.
            models.Index(fields=["created_at"], condition=Q(delivery_status="queued"), name="message_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on ticket {self.ticket_id}"  # type: ignore[attr-defined]

    @property
    def is_public(self) -> bool:
        return self.kind in (MessageKind.CUSTOMER, MessageKind.REPLY)

    @property
    def author_name(self) -> str:
        if self.author_agent_id:
            return str(self.author_agent)
        if self.author_contact_id:
            return self.author_contact.display_name  # type: ignore[union-attr]
        return "System"


def attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file that came with or was sent with a message; stored by hash, served only through an access check."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)  # sniffed from the bytes, not taken from the sender
    declared_content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    is_inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class TimelineEvent(models.Model):
    """One change to a ticket: who did what, when, and the value before and after."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="timeline")
    actor_agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=120, blank=True)  # "System", a contact's name, an automation
    action = models.CharField(max_length=40)
    field = models.CharField(max_length=60, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="timeline_ticket_created")]

    def __str__(self) -> str:
        return f"{self.action} on ticket {self.ticket_id}"

    @property
    def actor_name(self) -> str:
        if self.actor_agent_id:
            return str(self.actor_agent)
        return self.actor_label or "System"


class SavedView(models.Model):
    """A named set of inbox filters and sorting, personal or shared with everyone."""

    owner = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=120)
    filters = models.JSONField(default=dict)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TicketParticipant(models.Model):
    """A customer-side person on a ticket besides the requester (copied in on an email); replies reach them."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(max_length=10, default="cc")  # cc today; later e.g. "watcher"
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "contact"], name="participant_once_per_ticket")]

    def __str__(self) -> str:
        return f"{self.contact} on ticket {self.ticket_id}"
