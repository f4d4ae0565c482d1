"""frontdesk's side of the email benchmark (run by frontdesk's interpreter with bench.frontdesk_settings).

    python -m bench.fd_mail setup ADDRESS      # a brand and an email inbox for ADDRESS (idempotent)
    python -m bench.fd_mail count              # what was stored: intakes, tickets, messages (JSON)
    python -m bench.fd_mail pipeline FILE      # receive_raw on every mail of FILE in this process (JSON figures)
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.frontdesk_settings")

import django

django.setup()

from frontdesk.core.models import Brand  # noqa: E402
from frontdesk.inboxes.adapters.registry import get_adapter  # noqa: E402
from frontdesk.inboxes.intake import receive_raw  # noqa: E402
from frontdesk.inboxes.models import Inbox, Intake  # noqa: E402
from frontdesk.tickets.models import Message, Ticket  # noqa: E402


def setup(address: str) -> dict[str, object]:
    brand = Brand.objects.order_by("id").first() or Brand.objects.create(
        name="Bench", slug="bench", support_email=address
    )
    inbox, _ = Inbox.objects.get_or_create(
        brand=brand, channel_kind="email", address=address, defaults={"name": "Support"}
    )
    return {"brand_id": brand.pk, "inbox_id": inbox.pk}


def count() -> dict[str, int]:
    return {"intakes": Intake.objects.count(), "tickets": Ticket.objects.count(),
            "messages": Message.objects.count()}


def pipeline(path: Path) -> dict[str, float]:
    mails = pickle.loads(path.read_bytes())
    inbox = Inbox.objects.get(channel_kind="email")
    adapter = get_adapter("email")
    started = time.perf_counter()
    for raw in mails:
        adapter.parse_inbound(raw, {})
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for raw in mails:
        receive_raw(inbox, raw, source="bench")
    seconds = time.perf_counter() - started
    return {
        "mails": len(mails),
        "seconds": seconds,
        "per_second": len(mails) / seconds,
        "parse_ms": parse_seconds / len(mails) * 1000,
        # receive_raw parses each mail once more inside: that part of its time is the parse time above
        "parse_share": min(1.0, parse_seconds / seconds),
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        out: object = setup(sys.argv[2])
    elif command == "count":
        out = count()
    else:
        out = pipeline(Path(sys.argv[2]))
    print(json.dumps(out))
