"""The workspace WebSocket: who may connect and what they hear."""

from __future__ import annotations

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from frontdesk.realtime.consumers import WorkspaceConsumer
from frontdesk.realtime.publish import relay_ticket_event
from frontdesk.testing.factories import AgentFactory, BrandFactory, make_ticket

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest_asyncio.fixture(autouse=True)
async def _close_the_worker_threads_connections():  # type: ignore[no-untyped-def]
    # sync_to_async runs the ORM in one long-lived thread; its connection would outlive the test database.
    yield
    await sync_to_async(connections.close_all)()


def _communicator(user):
    communicator = WebsocketCommunicator(WorkspaceConsumer.as_asgi(), "/ws/workspace/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.asyncio
async def test_anonymous_visitors_are_refused():
    from django.contrib.auth.models import AnonymousUser

    # given / when
    connected, code = await _communicator(AnonymousUser()).connect()
    # then
    assert not connected and code == 4401


@pytest.mark.asyncio
async def test_agent_hears_changes_of_their_brand_only():
    # given
    brand, other = await sync_to_async(BrandFactory)(), await sync_to_async(BrandFactory)()
    agent = await sync_to_async(AgentFactory)(brands=[brand])
    mine = await sync_to_async(make_ticket)(brand)
    theirs = await sync_to_async(make_ticket)(other)
    communicator = _communicator(agent)
    assert (await communicator.connect())[0]
    # when
    await sync_to_async(relay_ticket_event)("ticket.updated", {"ticket_id": theirs.pk})
    await sync_to_async(relay_ticket_event)("ticket.updated", {"ticket_id": mine.pk})
    # then
    heard = await communicator.receive_json_from(timeout=2)
    assert heard == {"type": "ticket.changed", "event": "ticket.updated", "ticket_id": mine.pk}
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
