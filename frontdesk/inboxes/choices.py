from django.db import models


class ChannelKind(models.TextChoices):
    """The transport a customer message came by. Every ticket and message records one."""

    EMAIL = "email", "Email"
    LIVECHAT = "livechat", "Live chat"
    API = "api", "API"
    WEB_FORM = "web_form", "Web form"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Messenger"
    INSTAGRAM = "instagram", "Instagram"
    SOCIAL = "social", "Social media"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    IN_PERSON = "in_person", "In person"


class IntakeStatus(models.TextChoices):
    DONE = "done", "Stored"
    FAILED = "failed", "Could not be read"  # the raw bytes are kept; `frontdesk reprocess` tries again
    IGNORED = "ignored", "Ignored"  # understood, and nothing to store (e.g. a bounce about nothing we sent)


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
