"""The workspace WebSocket: signed-in agents hear which tickets changed in the brands they work for."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from frontdesk.realtime.groups import brand_group


@database_sync_to_async
def _visible_brand_ids(user: Any) -> list[int]:
    from frontdesk.accounts.queries import brands_for

    return list(brands_for(user).values_list("id", flat=True))


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):
    """Protocol: server → client `{"type": "ticket.changed", "event": ..., "ticket_id": ...}`;
    client → server `{"type": "ping"}` answered with `{"type": "pong"}`."""

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.groups_joined = [brand_group(b) for b in await _visible_brand_ids(user)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        # Access within the brand (teams) is checked when the client fetches the ticket.
        await self.send_json({"type": "ticket.changed", "event": event["event"], "ticket_id": event["ticket_id"]})
