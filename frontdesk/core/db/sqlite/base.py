"""SQLite with writers queued on an operating-system lock instead of SQLite's sleeping busy handler.

SQLite lets one writer in at a time. A writer that finds the lock taken calls the busy handler, which sleeps in
growing steps (1, 2, 5, 10 … 100 ms) and retries, so under concurrent writes most of the time is spent asleep
while the lock is already free, and throughput collapses. Here every write transaction (and every write
statement outside one) first takes an exclusive `flock` on a file beside the database: waiting writers block in
the kernel and the next one wakes as soon as the lock is released, across threads and processes alike. The lock
dies with its process, so a crashed worker never leaves it held. Reads never take it (WAL lets them run beside
the writer).
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base

_WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _lock_path(name: str) -> str | None:
    """The lock file for a database file; None for in-memory databases (one connection, nothing to queue)."""
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return f"{os.path.abspath(name)}-writer.lock"


class WriterLock:
    """An exclusive flock held for the length of one write transaction (re-entrant within the connection)."""

    def __init__(self, path: str | None):
        self.path = path
        self.fd: int | None = None
        self.depth = 0

    def acquire(self) -> None:
        if self.path is None:
            return
        if self.depth == 0:
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)  # blocks without holding the GIL
        self.depth += 1

    def release(self) -> None:
        if self.path is None or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the lock too
        self.fd, self.depth = None, 0


class CursorWrapper(base.SQLiteCursorWrapper):
    """Takes the writer lock around a write statement run outside a transaction."""

    writer_lock: WriterLock
    in_transaction: Any

    def _needs_lock(self, query: str) -> bool:
        return not self.in_transaction() and query.lstrip()[:7].upper().startswith(_WRITE_PREFIXES)

    def execute(self, query: str, params: Any = None) -> Any:
        if not self._needs_lock(query):
            return super().execute(query, params)
        self.writer_lock.acquire()
        try:
            return super().execute(query, params)
        finally:
            self.writer_lock.release()

    def executemany(self, query: str, param_list: Any) -> Any:
        if not self._needs_lock(query):
            return super().executemany(query, param_list)
        self.writer_lock.acquire()
        try:
            return super().executemany(query, param_list)
        finally:
            self.writer_lock.release()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.writer_lock = WriterLock(_lock_path(str(self.settings_dict.get("NAME") or "")))
        self._holding = False

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=CursorWrapper)
        cursor.writer_lock = self.writer_lock
        cursor.in_transaction = lambda: self.connection.in_transaction or self._holding
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        self.writer_lock.acquire()
        self._holding = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._holding:
            self._holding = False
            self.writer_lock.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_writer()
            self.writer_lock.close()
