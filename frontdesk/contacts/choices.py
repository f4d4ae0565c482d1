from django.db import models


class IdentityKind(models.TextChoices):
    """The kinds of address a customer can reach us from; one contact has many."""

    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Messenger"
    INSTAGRAM = "instagram", "Instagram"
    TWITTER = "twitter", "X / Twitter"
    EXTERNAL_ID = "external_id", "External user id"
