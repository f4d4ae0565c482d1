"""Loading and removing the demo data: the company in roster.py and a generated history of tickets.

Everything goes through the owning apps' services (brands, teams, agents, inboxes, custom fields, saved views)
and the bulk import path (tickets, contacts, organisations, tags), so the demo is made the way real data is.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from frontdesk.accounts.models import Agent, Team
from frontdesk.accounts.services import create_agent, create_brand, create_team
from frontdesk.contacts.models import Contact, Organisation
from frontdesk.core.models import Brand
from frontdesk.demo.generate import Spec, generate, write_jsonl
from frontdesk.demo.roster import DEMO_ROSTER, Roster
from frontdesk.imports.services import ImportResult, import_tickets
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox
from frontdesk.inboxes.services import create_inbox, update_inbox
from frontdesk.tickets.catalog import create_custom_field
from frontdesk.tickets.models import CustomField, SavedView, Ticket
from frontdesk.tickets.saved_views import create_saved_view

DEMO_PASSWORD = "demo"  # demo data only; a real install creates agents with `frontdesk createagent`
DEMO_TICKETS = 2000
DEMO_CONTACTS = 200
DEMO_DAYS = 90
DEMO_SEED = 2026
ADMIN_EMAIL = "admin@demo.test"
SHARED_VIEWS = (
    ("Urgent and unsolved", {"status": "unsolved", "priority": "urgent,high"}),
    ("Refunds to handle", {"status": "unsolved", "tag": "refund"}),
)
CUSTOM_FIELDS = (
    {"key": "order_number", "label": "Order number", "field_type": "text", "position": 1},
    {"key": "product", "label": "Product", "field_type": "dropdown", "position": 2},
)


@dataclass
class DemoState:
    """What of the demo is in the database."""

    brands: int
    tickets: int

    @property
    def loaded(self) -> bool:
        return self.tickets > 0


def demo_state(roster: Roster = DEMO_ROSTER) -> DemoState:
    slugs = [b.slug for b in roster.brands]
    return DemoState(
        brands=Brand.objects.filter(slug__in=slugs).count(),
        tickets=Ticket.objects.filter(brand__slug__in=slugs).count(),
    )


def ensure_roster(roster: Roster = DEMO_ROSTER) -> Agent:
    """Create whatever of the demo company is missing (idempotent); returns the demo admin."""
    with transaction.atomic():
        brands = {}
        for spec in roster.brands:
            brand = Brand.objects.filter(slug=spec.slug).first()
            brands[spec.slug] = brand or create_brand(
                None, name=spec.name, slug=spec.slug, support_email=spec.support_email, color=spec.color
            )
        teams = {}
        for slug, name in roster.teams:
            team = Team.objects.filter(brand=brands[slug], name=name).first()
            teams[(slug, name)] = team or create_team(None, brands[slug], name=name)
        created = []
        for agent_spec in roster.agents:
            if not Agent.objects.filter(email=agent_spec.email).exists():
                created.append(
                    create_agent(
                        None,
                        email=agent_spec.email,
                        name=agent_spec.name,
                        role=agent_spec.role,
                        password=None,
                        brands=[brands[b] for b in agent_spec.brands],
                        teams=[teams[t] for t in agent_spec.teams],
                        check_password=False,
                    )
                )
        if created:
            # One hash for all (hashing is deliberately slow); the demo password is set nowhere else.
            Agent.objects.filter(pk__in=[a.pk for a in created]).update(password=make_password(DEMO_PASSWORD))
        for inbox in roster.inboxes:
            if not Inbox.objects.filter(brand=brands[inbox.brand], name=inbox.name).exists():
                create_inbox(None, brands[inbox.brand], name=inbox.name, channel_kind=inbox.channel_kind,
                             address=inbox.address)
        admin = Agent.objects.get(email=ADMIN_EMAIL)
        _set_up_email_inboxes(admin, roster, brands)
        for field in CUSTOM_FIELDS:
            if not CustomField.objects.filter(key=field["key"]).exists():
                options = list(roster.products) if field["field_type"] == "dropdown" else None
                create_custom_field(admin, options=options, **field)  # type: ignore[arg-type]
        for name, filters in SHARED_VIEWS:
            if not SavedView.objects.filter(owner__isnull=True, name=name).exists():
                create_saved_view(admin, name=name, filters=filters, shared=True)
    return admin


def demo_email_settings(brand: Brand) -> dict[str, Any]:
    """What a demo email inbox starts with: a From name and an acknowledgement of every new ticket."""
    return {
        "from_name": f"{brand.name} Support",
        "reopen_days": 14,
        "auto_ack": {
            "enabled": True,
            "subject": "We received your message: {subject}",
            "body": (
                "Hello {customer_name},\n\nthank you for writing to {brand}. Your request has the number "
                "#{ticket_number}; we will answer as soon as we can.\n\nTo add anything, simply reply to this mail."
            ),
        },
    }


def _set_up_email_inboxes(admin: Agent, roster: Roster, brands: dict[str, Brand]) -> None:
    """One email inbox per brand at the brand's support address, acknowledging new tickets (idempotent: settings
    an admin changed since are kept)."""
    for spec in roster.brands:
        brand = brands[spec.slug]
        inbox = (
            Inbox.objects.filter(brand=brand, channel_kind=ChannelKind.EMAIL, address=spec.support_email).first()
            or Inbox.objects.filter(brand=brand, channel_kind=ChannelKind.EMAIL).order_by("id").first()
        )
        if inbox is None:
            inbox = create_inbox(
                None, brand, name=f"{brand.name} support email", channel_kind=ChannelKind.EMAIL,
                address=spec.support_email,
            )
        current = inbox.settings if isinstance(inbox.settings, dict) else {}
        wanted = {**demo_email_settings(brand), **current}
        changes: dict[str, Any] = {}
        if wanted != current:
            changes["settings"] = wanted
        if not inbox.address:
            changes["address"] = spec.support_email
        if changes:
            update_inbox(admin, inbox, **changes)


def load_demo(
    *, tickets: int = DEMO_TICKETS, contacts: int = DEMO_CONTACTS, seed: int = DEMO_SEED,
    end: dt.datetime | None = None, roster: Roster = DEMO_ROSTER,
) -> ImportResult:
    """The demo company plus a history of `tickets` tickets over the last 90 days, through the bulk import."""
    started = time.monotonic()
    ensure_roster(roster)
    spec = Spec(tickets=tickets, contacts=contacts, days=DEMO_DAYS, end=end or timezone.now(), seed=seed, roster=roster)
    text = io.StringIO()
    write_jsonl(generate(spec), text)
    result = import_tickets(None, io.BytesIO(text.getvalue().encode("utf-8")), source="demo")
    result.seconds = time.monotonic() - started
    return result


def reset_demo(roster: Roster = DEMO_ROSTER) -> None:
    """Delete the demo brands with everything in them, the demo agents, fields and shared views."""
    slugs = [b.slug for b in roster.brands]
    with transaction.atomic():
        Ticket.objects.filter(brand__slug__in=slugs).delete()
        Contact.objects.filter(brand__slug__in=slugs).delete()
        Organisation.objects.filter(brand__slug__in=slugs).delete()
        Inbox.objects.filter(brand__slug__in=slugs).delete()
        Team.objects.filter(brand__slug__in=slugs).delete()
        Agent.objects.filter(email__in=[a.email for a in roster.agents]).delete()
        CustomField.objects.filter(key__in=[f["key"] for f in CUSTOM_FIELDS]).delete()
        SavedView.objects.filter(owner__isnull=True, name__in=[name for name, _ in SHARED_VIEWS]).delete()
        Brand.objects.filter(slug__in=slugs).delete()
