from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "frontdesk.realtime"
    label = "realtime"
    verbose_name = "Realtime"

    def ready(self) -> None:
        from django.conf import settings

        from frontdesk.core.events import subscribe

        if not settings.REALTIME_RELAY:
            return  # the in-memory layer cannot cross from web processes to the realtime process
        from frontdesk.realtime.publish import relay_ticket_event

        subscribe("*", relay_ticket_event)
