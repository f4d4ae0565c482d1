"""`frontdesk smtpd`: receive mail for the support addresses over SMTP (started by `frontdesk serve`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.inboxes.adapters.email.smtpd import SmtpListener


class Command(BaseCommand):
    help = "Receive mail over SMTP for the configured support addresses and domains, until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SMTP_HOST, help="address to listen on (FRONTDESK_SMTP_HOST)")
        parser.add_argument(
            "--port", type=int, default=settings.SMTP_PORT, help="port to listen on (FRONTDESK_SMTP_PORT)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        listener = SmtpListener(opts["host"], opts["port"])
        self.stdout.write(f"Receiving mail on {listener.host}:{listener.port}. Press Ctrl-C to stop.")
        self.stdout.flush()
        try:
            listener.run()
        except OSError as exc:
            raise CommandError(f"cannot listen on {listener.host}:{listener.port}: {exc.strerror or exc}") from None
