"""Prepare and bulk-load the peer (django-helpdesk) database; run with the peer's own interpreter.

    peer-venv/bin/python -m bench.peer.load setup            # migrate, staff user, API token, queues
    peer-venv/bin/python -m bench.peer.load load FILE.jsonl  # ... and bulk_create the dataset's tickets

Reads the same JSONL dataset frontdesk imports (bench/dataset.py reads its records) and writes it with
bulk_create into django-helpdesk's own models, 2,000 tickets per transaction: one Ticket per record (its id
is the record's ticket number, so /tickets/<number>/ is the same ticket on both sites) and one FollowUp per
message. Prints one JSON object on the last line of stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench import dataset  # noqa: E402

USERNAME = "bench"
PASSWORD = "bench-password-1"  # loopback only
BATCH = 2000

# Ticket status and priority in django-helpdesk's numbers (helpdesk/settings.py).
OPEN, REOPENED, RESOLVED, CLOSED = 1, 2, 3, 4
STATUS = {"new": (OPEN, False), "open": (OPEN, False), "pending": (OPEN, True), "on_hold": (OPEN, True),
          "solved": (RESOLVED, False), "closed": (CLOSED, False)}
PRIORITY = {"urgent": 1, "high": 2, "normal": 3, "low": 4}


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def setup() -> dict[str, Any]:
    call_command("migrate", interactive=False, verbosity=0)
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(USERNAME, f"{USERNAME}@staff.test", PASSWORD)
    token, _ = Token.objects.get_or_create(user=user)
    queue, _ = Queue.objects.get_or_create(
        slug="support", defaults={"title": "Support", "allow_public_submission": True, "email_address": ""}
    )
    return {"username": USERNAME, "password": PASSWORD, "token": token.key, "queue_id": queue.pk}


def _queue_for(name: str, cache: dict[str, Queue]) -> Queue:
    """The queue for a brand of the dataset (django-helpdesk has no brands; a queue per brand is closest)."""
    if name not in cache:
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:50] or "support"
        cache[name], _ = Queue.objects.get_or_create(slug=slug, defaults={"title": name[:100]})
    return cache[name]


def _user_for(email: str, cache: dict[str, Any]) -> Any:
    """The staff user for an agent's address (created on first sight, with its helpdesk settings)."""
    if email not in cache:
        User = get_user_model()
        username = email[:150]
        cache[email] = User.objects.filter(username=username).first() or User.objects.create_user(
            username, email, None, is_staff=True, first_name=email.split("@")[0].title()[:150]
        )
    return cache[email]


def _flush(tickets: list[Ticket], followups: list[FollowUp]) -> None:
    with transaction.atomic():
        Ticket.objects.bulk_create(tickets, batch_size=BATCH)
        FollowUp.objects.bulk_create(followups, batch_size=BATCH * 2)


def load(path: str) -> dict[str, Any]:
    creds = setup()
    started = time.perf_counter()  # the load itself, after migrations (as frontdesk's import is timed)
    FollowUp.objects.all().delete()
    Ticket.objects.all().delete()
    # Keep the dataset's own dates: bulk_create would otherwise stamp now() through auto_now(_add).
    Ticket._meta.get_field("created").auto_now_add = False  # type: ignore[attr-defined]
    Ticket._meta.get_field("modified").auto_now = False  # type: ignore[attr-defined]
    queues: dict[str, Queue] = {}
    users: dict[str, Any] = {}
    tickets: list[Ticket] = []
    followups: list[FollowUp] = []
    n_tickets = n_followups = 0
    for record in dataset.read(path):
        status, on_hold = STATUS.get(record.status, (OPEN, False))
        messages = record.messages
        assignee = _user_for(record.assignee_email, users) if record.assignee_email else None
        ticket = Ticket(
            id=record.number,
            title=record.subject[:200],
            queue=_queue_for(record.queue, queues),
            created=_when(record.created_at),
            modified=_when(messages[-1].created_at if messages else record.created_at),
            submitter_email=record.requester_email,
            assigned_to=assignee,
            status=status,
            on_hold=on_hold,
            description=messages[0].body if messages else "",
            priority=PRIORITY.get(record.priority, 3),
        )
        tickets.append(ticket)
        for message in messages:
            author = _user_for(message.author_email, users) if message.by_agent else None
            followups.append(FollowUp(
                ticket=ticket,
                date=_when(message.created_at),
                title="Comment" if message.by_agent else "E-Mail Received",
                comment=message.body,
                public=not message.internal,
                user=author,
            ))
        if len(tickets) >= BATCH:
            _flush(tickets, followups)
            n_tickets, n_followups = n_tickets + len(tickets), n_followups + len(followups)
            tickets, followups = [], []
            print(f"peer: {n_tickets:,} tickets, {n_followups:,} follow-ups", file=sys.stderr, flush=True)
    if tickets:
        _flush(tickets, followups)
        n_tickets, n_followups = n_tickets + len(tickets), n_followups + len(followups)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), "
                           "(SELECT COALESCE(MAX(id), 1) FROM helpdesk_ticket))")
    return {**creds, "tickets": n_tickets, "messages": n_followups, "seconds": time.perf_counter() - started,
            "how": "bulk_create into django-helpdesk's models (bench/peer/load.py)"}


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "setup":
        result = setup()
    elif len(argv) == 2 and argv[0] == "load":
        result = load(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
