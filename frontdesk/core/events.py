"""After-commit side effects: services record what happened, subscribers react once the transaction commits."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)
Handler = Callable[[str, dict[str, Any]], None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event_name: str, handler: Handler) -> None:
    """Register a handler for an event name ("*" for all); apps call this from AppConfig.ready()."""
    if handler not in _subscribers[event_name]:
        _subscribers[event_name].append(handler)


def publish(event_name: str, payload: dict[str, Any]) -> None:
    """Run the subscribers after the current transaction commits (at once when there is none)."""

    def deliver() -> None:
        for handler in [*_subscribers.get(event_name, []), *_subscribers.get("*", [])]:
            try:
                handler(event_name, payload)
            except Exception:  # a failing side effect must never undo or block the committed change
                logger.exception("event handler failed for %s", event_name)

    transaction.on_commit(deliver)
