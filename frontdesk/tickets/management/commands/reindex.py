"""`frontdesk reindex`: rebuild the keyword search index from the messages, or only check it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from frontdesk.tickets import search


class Command(BaseCommand):
    help = (
        "Rebuild the keyword search index from every message (SQLite FTS5 or PostgreSQL full-text). Triggers "
        "keep it up to date on their own; run this after restoring a database, or when --check finds it wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="only compare the index with the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["check"]:
            try:
                search.check_index()
            except DatabaseError as exc:
                raise CommandError(
                    f"The search index does not match the messages ({exc}); run `frontdesk reindex`."
                ) from None
            self.stdout.write(f"The search index matches the messages (checked in {time.monotonic() - started:.1f}s).")
            return
        self.stderr.write("Rebuilding the search index...")
        with transaction.atomic():
            count = search.rebuild_index()
        search.optimize_index()
        self.stdout.write(f"reindexed {count:,} messages in {time.monotonic() - started:.1f}s")
