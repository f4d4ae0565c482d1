"""Inboxes: the configured places where customer messages arrive and replies leave."""

from __future__ import annotations

from django.db import models

from frontdesk.core.models import Brand, TimestampedModel
from frontdesk.inboxes.choices import ChannelKind


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
