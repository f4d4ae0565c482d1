"""`frontdesk imap-poll [--inbox ID]`: read new mail from the inboxes' IMAP mailboxes now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.inboxes.adapters.email import imap


class Command(BaseCommand):
    help = "Poll the IMAP mailboxes of email inboxes now (all that have IMAP settings, or one with --inbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inbox", type=int, help="id of the inbox to poll (default: every IMAP inbox)")

    def handle(self, *args: Any, **opts: Any) -> None:
        inboxes = imap.imap_inboxes()
        if opts["inbox"] is not None:
            inboxes = [i for i in inboxes if i.pk == opts["inbox"]]
            if not inboxes:
                raise CommandError(f"no active email inbox {opts['inbox']} with IMAP settings")
        failed = 0
        for inbox in inboxes:
            result = imap.poll_inbox(inbox)
            line = f"inbox {inbox.pk} ({inbox.name}): {result.stored} stored, {result.duplicates} already stored"
            if result.error:
                failed += 1
                self.stderr.write(f"{line}; error: {result.error}")
            else:
                self.stdout.write(line)
        if not inboxes:
            self.stdout.write("No inbox has IMAP settings.")
        if failed:
            raise CommandError(f"{failed} of {len(inboxes)} mailbox(es) could not be read")
