"""WebSocket routes (served by the ASGI process only)."""

from django.urls import path

from frontdesk.realtime.consumers import WorkspaceConsumer

websocket_urlpatterns = [path("ws/workspace/", WorkspaceConsumer.as_asgi())]
