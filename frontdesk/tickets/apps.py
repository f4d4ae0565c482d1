from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "frontdesk.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from frontdesk.tickets.search import repair_index_after_migrate

        # Not business logic: keeps the database's search triggers in place after schema changes.
        post_migrate.connect(repair_index_after_migrate, sender=self, dispatch_uid="tickets-search-index")
