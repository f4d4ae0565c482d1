from django.apps import AppConfig


class InboxesConfig(AppConfig):
    name = "frontdesk.inboxes"
    label = "inboxes"
    verbose_name = "Inboxes"

    def ready(self) -> None:
        from frontdesk.inboxes.adapters import registry

        registry.load_builtin_adapters()
