"""Background jobs of the email channel (found by huey's `run_huey`, which `frontdesk serve` starts)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontdesk.inboxes.adapters.email import imap


@db_periodic_task(crontab(minute="*"))
def poll_imap_inboxes() -> None:
    """Every minute: start a poll for each IMAP inbox whose `interval_s` has passed, each in its own job so
    that a slow server does not hold up the others."""
    for inbox in imap.claim_due_inboxes():
        poll_imap_inbox(inbox.pk)


@db_task()
def poll_imap_inbox(inbox_id: int) -> None:
    imap.poll_inbox_id(inbox_id)
