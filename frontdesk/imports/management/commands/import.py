"""`frontdesk import FILE`: bulk-import tickets from JSON Lines (docs/operations/import.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.imports.services import DEFAULT_BATCH, ImportResult, Rejected, import_tickets


class Command(BaseCommand):
    help = (
        "Import tickets with their messages from a JSON Lines file (one ticket per line; '-' reads standard "
        "input). Bad lines are reported with their line number and skipped. The format is described in "
        "docs/operations/import.md. Exits with status 1 when some lines were skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of a .jsonl file, or - for standard input")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH, help=f"tickets per transaction (default {DEFAULT_BATCH})"
        )
        parser.add_argument("--quiet", action="store_true", help="print only errors and the summary")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        quiet = options["quiet"] or options["verbosity"] == 0
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        interactive = not quiet and self.stderr.isatty()

        def on_error(rejected: Rejected) -> None:
            if interactive:
                self.stderr.write("\r\033[K", ending="")
            self.stderr.write(str(rejected))

        def on_progress(result: ImportResult) -> None:
            if quiet:
                return
            rate = result.messages / result.seconds if result.seconds else 0.0
            line = (
                f"  {result.tickets:,} tickets, {result.messages:,} messages, {result.skipped:,} skipped "
                f"({result.seconds:.0f}s, {rate:,.0f} messages/s)"
            )
            if interactive:
                self.stderr.write("\r\033[K" + line, ending="")
                self.stderr.flush()
            else:
                self.stderr.write(line)

        try:
            if path == "-":
                result = import_tickets(
                    None, sys.stdin.buffer, source="stdin", batch_size=options["batch_size"],
                    on_error=on_error, on_progress=on_progress,
                )
            else:
                with open(path, "rb") as stream:
                    result = import_tickets(
                        None, stream, source=path.rsplit("/", 1)[-1], batch_size=options["batch_size"],
                        on_error=on_error, on_progress=on_progress,
                    )
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file. Give the path of a .jsonl file, or - for stdin.") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is a folder; give the path of a .jsonl file.") from None
        except PermissionError:
            raise CommandError(f"{path}: permission denied.") from None
        if interactive:
            self.stderr.write("\r\033[K", ending="")
        self.stdout.write(result.summary())
        if result.skipped:
            sys.exit(1)

