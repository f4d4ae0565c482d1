from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    """The email channel adapter, a Django app of its own for its settings and state (IMAP cursors)."""

    name = "frontdesk.inboxes.adapters.email"
    label = "email_channel"
    verbose_name = "Email channel"
