import warnings

from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    """The email channel adapter, a Django app of its own for its settings and state (IMAP cursors)."""

    name = "frontdesk.inboxes.adapters.email"
    label = "email_channel"
    verbose_name = "Email channel"

    def ready(self) -> None:
        from anymail.exceptions import AnymailInsecureWebhookWarning

        from frontdesk.inboxes.adapters.email import tracking  # noqa: F401  (connects anymail's tracking signal)

        # Anymail warns on every post when no basic auth secret is set; webhooks.py refuses a provider whose own
        # check is not configured (403), and an SES topic allowed by ARN is such a check.
        warnings.filterwarnings("ignore", category=AnymailInsecureWebhookWarning)
