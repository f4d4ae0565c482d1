"""Background jobs of the inboxes (found by huey's Django integration, which imports every app's tasks.py)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontdesk.inboxes import outbox


@db_task()
def deliver(delivery_id: int) -> None:
    """Send one queued outbound message (one attempt; retries are scheduled by the outbox)."""
    outbox.attempt(delivery_id)


@db_periodic_task(crontab(minute="*"))
def deliver_due() -> None:
    """Every minute: send what is due again (retries) and what a crash left in the outbox."""
    outbox.deliver_due()
