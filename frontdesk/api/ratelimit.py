"""Requests per minute per API token, counted in a store every worker process of the machine shares.

A fixed one-minute window: the counter key is (token, minute). Two stores:
- `sqlite`: a small SQLite file beside the data (its own file, so counting never waits on the main database's
  write lock); atomic `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, shared by all processes on one machine.
- `cache`: Django's cache (`add` + atomic `incr`); with Redis (FRONTDESK_REDIS_URL) shared by every machine.
`auto` (the default) takes `cache` when Redis is configured and `sqlite` otherwise.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Usage:
    """Where a key stands in the current window (what the X-RateLimit-* headers report)."""

    limit: int
    count: int
    reset_at: int  # epoch seconds when the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    def retry_after(self, now: float | None = None) -> int:
        return max(1, math.ceil(self.reset_at - (now if now is not None else time.time())))

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }


class SqliteCounter:
    """Per-window counters in a SQLite file; one connection per process and thread."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._last_sweep = 0

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():  # never share across a fork
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            # Counters may be lost on a power cut; that costs at most one minute of limiting.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, win INTEGER NOT NULL, n INTEGER NOT NULL, "
                "PRIMARY KEY (key, win)) WITHOUT ROWID"
            )
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, window: int) -> int:
        conn = self._connection()
        row = conn.execute(
            "INSERT INTO hits (key, win, n) VALUES (?, ?, 1) "
            "ON CONFLICT (key, win) DO UPDATE SET n = n + 1 RETURNING n",
            (key, window),
        ).fetchone()
        if window != self._last_sweep:  # at most once a minute per process: drop finished windows
            self._last_sweep = window
            conn.execute("DELETE FROM hits WHERE win < ?", (window - 1,))
        return int(row[0])


class CacheCounter:
    """Per-window counters in Django's cache (atomic with Redis; per process with the local-memory cache)."""

    def incr(self, key: str, window: int) -> int:
        name = f"api-rate:{key}:{window}"
        cache.add(name, 0, timeout=WINDOW_SECONDS * 2)
        try:
            return int(cache.incr(name))
        except ValueError:  # evicted between add and incr
            cache.add(name, 1, timeout=WINDOW_SECONDS * 2)
            return 1


_counters: dict[str, SqliteCounter | CacheCounter] = {}


def store_name() -> str:
    name = getattr(settings, "API_RATE_LIMIT_STORE", "auto") or "auto"
    if name == "auto":
        return "cache" if getattr(settings, "REDIS_URL", "") else "sqlite"
    return name


def counter() -> SqliteCounter | CacheCounter:
    name = store_name()
    if name == "sqlite":
        path = Path(settings.DATA_DIR) / "ratelimit.sqlite3"
        key = f"sqlite:{path}"
        if key not in _counters:
            _counters[key] = SqliteCounter(path)
        return _counters[key]
    return _counters.setdefault("cache", CacheCounter())


def hit(key: str, *, limit: int | None = None, now: float | None = None) -> Usage:
    """Count one request for `key` and say where it stands in this minute's window."""
    limit = int(settings.API_RATE_LIMIT_PER_MINUTE if limit is None else limit)
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    count = counter().incr(key, window)
    return Usage(limit=limit, count=count, reset_at=(window + 1) * WINDOW_SECONDS)
