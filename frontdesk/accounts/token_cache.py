"""A short-lived, per-process memory of checked API tokens, so that a client's burst of requests pays for the
token lookup once instead of on every request.

An entry is keyed by the token's prefix *and* the hash of the secret that was checked, so a wrong secret never
hits it. It lives `API_TOKEN_CACHE_SECONDS` (a few seconds): revoking a token or deactivating an agent clears
it at once in the process that made the change and takes effect in the others within that time.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings

from frontdesk.accounts.models import ApiToken

_entries: dict[tuple[str, str], tuple[float, ApiToken]] = {}
_lock = threading.Lock()
_MAX_ENTRIES = 10_000  # a flood of distinct valid tokens must not grow memory without bound


def lifetime() -> float:
    return float(getattr(settings, "API_TOKEN_CACHE_SECONDS", 5))


def get(prefix: str, secret_hash: str) -> ApiToken | None:
    entry = _entries.get((prefix, secret_hash))
    if entry is None:
        return None
    stored_at, token = entry
    if time.monotonic() - stored_at > lifetime():
        _entries.pop((prefix, secret_hash), None)
        return None
    return token


def put(prefix: str, secret_hash: str, token: ApiToken) -> None:
    if lifetime() <= 0:
        return
    with _lock:
        if len(_entries) >= _MAX_ENTRIES:
            _entries.clear()
        _entries[(prefix, secret_hash)] = (time.monotonic(), token)


def clear(*_args: Any) -> None:
    """Forget every entry (an event handler: a token was revoked or an agent changed)."""
    with _lock:
        _entries.clear()
