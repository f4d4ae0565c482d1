"""Group commit for a listener: payloads queued by many sessions are stored several to a transaction.

A listener (the SMTP server) hands each received payload to `GroupCommit.submit` and answers its sender when
the returned future is done, that is after COMMIT. Worker threads take what is queued, up to `max_batch`
payloads or `max_bytes`, and store it with `intake.receive_many`: one transaction and one commit for the lot,
each payload in a savepoint of its own, so that one that fails is refused alone. Under a light load a batch is
one payload and nothing waits; under a heavy one the commit, and SQLite's write lock, are shared.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections, connections

from frontdesk.inboxes.intake import IntakeResult, Payload, receive_many

logger = logging.getLogger(__name__)


class NoActiveInbox(Exception):
    """Every inbox a payload was for was removed or switched off after it was accepted."""


@dataclass
class Job:
    """One received payload, for one or more inboxes (a mail to two brands' addresses is stored for each)."""

    inbox_ids: list[int]
    raw: bytes
    source: str
    envelope: dict[str, Any]
    future: Future[list[IntakeResult]] = field(default_factory=Future)


class GroupCommit:
    """Worker threads storing queued jobs, several per transaction."""

    def __init__(self, *, threads: int, max_batch: int = 16, max_bytes: int = 8 * 1024 * 1024, start: bool = True):
        self.max_batch = max(1, max_batch)
        self.max_bytes = max_bytes
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"store-{n}", daemon=True) for n in range(max(1, threads))
        ]
        if start:
            self.start()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def submit(self, inbox_ids: list[int], raw: bytes, *, source: str, envelope: dict[str, Any]) -> Future[Any]:
        job = Job(inbox_ids, raw, source, envelope)
        self._queue.put(job)
        return job.future

    def close(self, timeout: float = 30.0) -> None:
        """Store what is queued, then stop the workers (each closes its own database connections)."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def _work(self) -> None:
        try:
            while True:
                batch, stop = self._next_batch()
                if batch:
                    self._store(batch)
                if stop:
                    return
        finally:
            connections.close_all()  # this thread's connections

    def _next_batch(self) -> tuple[list[Job], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch, size = [first], len(first.raw)
        while len(batch) < self.max_batch and size < self.max_bytes:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return batch, True
            batch.append(job)
            size += len(job.raw)
        return batch, False

    def _store(self, batch: list[Job]) -> None:
        close_old_connections()  # the rule of a request: a broken or too old connection is not reused
        try:
            planned = _payloads(batch)
            results = receive_many([payload for payloads in planned.values() for payload in payloads])
        except BaseException as exc:  # the transaction did not commit: nothing of this batch is stored
            logger.exception("could not store a batch of %d payloads", len(batch))
            for job in batch:
                job.future.set_exception(exc)
            return
        finally:
            close_old_connections()
        offset = 0
        for job in batch:
            count = len(planned.get(id(job), []))
            mine, offset = results[offset : offset + count], offset + count
            failed = [r for r in mine if isinstance(r, BaseException)]
            if count == 0:
                job.future.set_exception(NoActiveInbox())
            elif failed:
                job.future.set_exception(failed[0])
            else:
                job.future.set_result([r for r in mine if isinstance(r, IntakeResult)])


def _payloads(batch: list[Job]) -> dict[int, list[Payload]]:
    """Each job's payloads, one per active inbox (the inboxes of the whole batch read in one query)."""
    from frontdesk.inboxes.models import Inbox

    wanted = {inbox_id for job in batch for inbox_id in job.inbox_ids}
    inboxes = Inbox.objects.select_related("brand").in_bulk(wanted)
    planned: dict[int, list[Payload]] = {}
    for job in batch:
        active = [inboxes[i] for i in dict.fromkeys(job.inbox_ids) if i in inboxes and inboxes[i].is_active]
        planned[id(job)] = [Payload(inbox, job.raw, job.source, job.envelope) for inbox in active]
    return planned
