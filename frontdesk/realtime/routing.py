"""WebSocket routes (served by the ASGI process only)."""

websocket_urlpatterns: list = []
