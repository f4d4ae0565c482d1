"""Channel adapters by kind."""

from __future__ import annotations

from frontdesk.core.errors import NotFound
from frontdesk.inboxes.adapters.base import Capabilities, ChannelAdapter

_adapters: dict[str, ChannelAdapter] = {}
# Kinds without an adapter yet still need their capabilities known (a ticket logged by hand, say).
DEFAULT_CAPABILITIES = Capabilities(outbound=False)


def register(adapter: ChannelAdapter) -> None:
    _adapters[adapter.kind] = adapter


def get_adapter(kind: str) -> ChannelAdapter:
    try:
        return _adapters[kind]
    except KeyError:
        raise NotFound(f"No adapter for channel kind {kind!r}.", code="unknown_channel_kind") from None


def registered() -> list[ChannelAdapter]:
    """Every adapter, in the order registered (for the contract test and admin screens)."""
    return list(_adapters.values())


def capabilities(kind: str) -> Capabilities:
    adapter = _adapters.get(kind)
    return adapter.capabilities if adapter else DEFAULT_CAPABILITIES


def load_builtin_adapters() -> None:
    from frontdesk.inboxes.adapters.api.adapter import ApiAdapter
    from frontdesk.inboxes.adapters.email.adapter import EmailAdapter

    register(ApiAdapter())
    register(EmailAdapter())
