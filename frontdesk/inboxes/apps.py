from django.apps import AppConfig


class InboxesConfig(AppConfig):
    name = "frontdesk.inboxes"
    label = "inboxes"
    verbose_name = "Inboxes"

    def ready(self) -> None:
        from frontdesk.core.events import subscribe
        from frontdesk.inboxes import outbox
        from frontdesk.inboxes.adapters import registry
        from frontdesk.tickets.events import REPLY_QUEUED

        registry.load_builtin_adapters()
        subscribe(REPLY_QUEUED, outbox.on_reply_queued)
