"""`frontdesk demo`: load the demo company and 2,000 tickets of history (idempotent; --reset loads it again)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.contacts.models import Contact
from frontdesk.demo.roster import DEMO_ROSTER
from frontdesk.demo.services import DEMO_PASSWORD, demo_state, ensure_roster, load_demo, reset_demo


class Command(BaseCommand):
    help = (
        "Load demo data: brands Demo and Acme, 3 teams, 8 agents (password 'demo'), inboxes, custom fields, "
        "shared views, 200 contacts and 2,000 tickets over the last 90 days. Running it again keeps the data; "
        "--reset deletes the demo data and loads it afresh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete the demo data first, then load it again")
        parser.add_argument(
            "--roster-only",
            action="store_true",
            help="only the company (brands, teams, agents, inboxes, fields, views), no tickets: for benchmarks "
            "that import their own generated history",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            reset_demo()
            self.stdout.write("Deleted the demo data.")
        state = demo_state()
        if options["roster_only"]:
            ensure_roster()
            self.stdout.write("The demo company is in place (no tickets loaded).")
        elif state.loaded:
            self.stdout.write(
                f"The demo data is already loaded ({state.tickets:,} tickets); nothing changed. "
                "Run `frontdesk demo --reset` to delete it and load it again."
            )
        else:
            result = load_demo()
            for rejected in result.rejected:
                self.stderr.write(str(rejected))
            contacts = Contact.objects.filter(brand__slug__in=[b.slug for b in DEMO_ROSTER.brands]).count()
            self.stdout.write(
                f"Loaded the demo data in {result.seconds:.1f}s: {len(DEMO_ROSTER.brands)} brands, "
                f"{len(DEMO_ROSTER.teams)} teams, {len(DEMO_ROSTER.agents)} agents, {contacts:,} contacts, "
                f"{result.tickets:,} tickets with {result.messages:,} messages."
            )
        self._logins()
        self._mail()

    def _logins(self) -> None:
        labels = dict(Role.choices)
        agents = {a.email: a for a in Agent.objects.filter(email__in=[s.email for s in DEMO_ROSTER.agents])}
        self.stdout.write(f"\nOpen {settings.SITE_URL} and sign in as one of (password: {DEMO_PASSWORD}):")
        for spec in DEMO_ROSTER.agents:
            agent = agents.get(spec.email)
            if agent is None:
                continue
            brands = ", ".join(b.name for b in DEMO_ROSTER.brands if b.slug in spec.brands)
            self.stdout.write(f"  {agent.email:<20} {labels.get(agent.role, agent.role):<12} {agent.name} ({brands})")

    def _mail(self) -> None:
        host, port = getattr(settings, "SMTP_HOST", "127.0.0.1"), getattr(settings, "SMTP_PORT", 2525)
        addresses = " or ".join(b.support_email for b in DEMO_ROSTER.brands)
        self.stdout.write(
            f"\nEmail: while `frontdesk serve` runs, mail to {addresses} sent to {host}:{port} becomes a ticket, e.g."
        )
        to = DEMO_ROSTER.brands[0].support_email
        self.stdout.write(
            f"  python3 -c \"import smtplib; smtplib.SMTP('{host}', {port}).sendmail('you@example.com', ['{to}'], "
            f"b'From: You <you@example.com>\\r\\nTo: {to}\\r\\nSubject: My parcel is late\\r\\n\\r\\nWhere is it?')\""
        )
        outbox = getattr(settings, "EMAIL_FILE_PATH", "data/outbox")
        if getattr(settings, "DEMO", False):
            self.stdout.write(f"Replies and acknowledgements are not sent: they are written to {outbox}/.")
