"""Inboxes: the configured places where customer messages arrive and replies leave."""

from __future__ import annotations

from django.db import models

from frontdesk.core.models import Brand, TimestampedModel
from frontdesk.inboxes.choices import ChannelKind, IntakeStatus, OutboxStatus


class Inbox(TimestampedModel):
    """A configured channel of one kind for one brand (a support address, a chat widget, a phone line)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="inboxes")
    name = models.CharField(max_length=120)
    channel_kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    address = models.CharField(max_length=320, blank=True)  # e-mail address, phone number, widget id, ...
    default_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Adapter-specific, non-secret settings; secrets come from the environment or an encrypted store.
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["brand__name", "name"]
        verbose_name_plural = "inboxes"
        indexes = [models.Index(fields=["channel_kind", "address"], name="inbox_kind_address")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_kind_display()})"  # type: ignore[attr-defined]


def intake_path(instance: Intake, filename: str) -> str:
    return f"intake/{instance.received_at:%Y/%m/%d}/{instance.sha256[:2]}/{instance.sha256}"


class Intake(models.Model):
    """One payload received on a channel, kept as it came (an email's raw bytes), and what became of it.

    Written in the same transaction as the message it produced, so a payload acknowledged to the sender is
    never lost, and the (brand, dedup_key) constraint stores a payload received twice only once. The bytes
    themselves are in `content` (in the same row, committed with it) up to FRONTDESK_INTAKE_INLINE_MAX_BYTES,
    and in file storage (`raw`, named by their hash) above it.
    """

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="intakes")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)  # smtp, imap, mailgun, sendgrid, postmark, amazon_ses, ...
    dedup_key = models.CharField(max_length=600, blank=True)
    raw = models.FileField(upload_to=intake_path, max_length=300, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    envelope = models.JSONField(default=dict, blank=True)  # mail_from, rcpt_to, peer, provider ids
    status = models.CharField(max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.DONE)
    error = models.TextField(blank=True)
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="intakes"
    )
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "dedup_key"], condition=~models.Q(dedup_key=""), name="intake_brand_dedup_key"
            )
        ]
        indexes = [models.Index(fields=["status", "id"], name="intake_status")]

    def __str__(self) -> str:
        return f"{self.source} intake {self.pk} ({self.status})"

    def read_raw(self) -> bytes:
        """The payload as received; FileNotFoundError when its file is missing from storage."""
        if self.content is not None:
            return bytes(self.content)
        if not self.raw:
            raise FileNotFoundError(f"intake {self.pk} keeps no payload")
        with self.raw.open("rb") as handle:
            return handle.read()


# Intakes that still hold their payload (in the row or in a file).
KEPT = ~models.Q(raw="") | models.Q(content__isnull=False)


class Delivery(models.Model):
    """One outbound message waiting in, or gone through, the outbox of its inbox (retries with backoff)."""

    message = models.OneToOneField("tickets.Message", on_delete=models.CASCADE, related_name="delivery")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["provider_id"], name="delivery_provider_id"),  # a provider's delivery events
        ]

    def __str__(self) -> str:
        return f"delivery of message {self.message_id} ({self.status})"


class AutoReplyLog(models.Model):
    """An automatic mail sent to an address (an acknowledgement): the memory behind the per-address rate limit."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=320)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["address", "created_at"], name="autoreply_address_time")]

    def __str__(self) -> str:
        return f"automatic mail to {self.address} at {self.created_at:%Y-%m-%d %H:%M}"
