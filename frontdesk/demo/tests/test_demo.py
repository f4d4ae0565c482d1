"""Demo data: exactly what the README promises, loaded through the import path, and safe to run twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from frontdesk.accounts.models import Agent, Team
from frontdesk.contacts.models import Contact
from frontdesk.core.models import Brand
from frontdesk.demo.generate import Spec, generate, write_jsonl
from frontdesk.demo.roster import DEMO_ROSTER
from frontdesk.imports.records import parse_record
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets.models import CustomField, SavedView, Ticket, TimelineEvent


def counts() -> dict[str, int]:
    return {
        "brands": Brand.objects.count(),
        "teams": Team.objects.count(),
        "agents": Agent.objects.count(),
        "contacts": Contact.objects.count(),
        "tickets": Ticket.objects.count(),
        "inboxes": Inbox.objects.count(),
        "fields": CustomField.objects.count(),
        "shared views": SavedView.objects.filter(owner__isnull=True).count(),
    }


@pytest.mark.django_db
def test_demo_loads_exactly_the_promised_data_and_a_second_run_changes_nothing():
    # given
    out = io.StringIO()
    # when
    call_command("demo", stdout=out)
    first = counts()
    again = io.StringIO()
    call_command("demo", stdout=again)
    # then
    assert first == {
        "brands": 2, "teams": 3, "agents": 8, "contacts": 200, "tickets": 2000, "inboxes": 10, "fields": 2,
        "shared views": 2,
    }
    assert counts() == first
    assert "already loaded" in again.getvalue()
    assert "admin@demo.test" in out.getvalue() and "password: demo" in out.getvalue()
    assert Brand.objects.get(slug="demo").support_email == "support@demo.test"
    assert Inbox.objects.get(address="support@acme.test").channel_kind == "email"
    assert authenticate(username="admin@demo.test", password="demo") is not None
    assert TimelineEvent.objects.filter(action="imported").count() == 2000
    statuses = set(Ticket.objects.values_list("status", flat=True))
    channels = set(Ticket.objects.values_list("channel_kind", flat=True))
    assert {"new", "open", "pending", "solved", "closed"} <= statuses
    assert {"email", "livechat", "web_form", "whatsapp", "phone", "api"} <= channels
    oldest = Ticket.objects.order_by("created_at").first().created_at
    assert oldest > Ticket.objects.order_by("-created_at").first().created_at - dt.timedelta(days=91)


@pytest.mark.django_db
def test_reset_deletes_the_demo_data_and_loads_it_again():
    # given
    call_command("demo", stdout=io.StringIO())
    before = counts()
    Ticket.objects.filter(pk=Ticket.objects.first().pk).update(subject="Changed by hand")
    # when
    out = io.StringIO()
    call_command("demo", "--reset", stdout=out)
    # then
    assert counts() == before
    assert not Ticket.objects.filter(subject="Changed by hand").exists()
    assert "Deleted the demo data" in out.getvalue()


@pytest.mark.django_db
def test_roster_only_creates_the_company_without_tickets():
    # when
    call_command("demo", "--roster-only", stdout=io.StringIO())
    call_command("demo", "--roster-only", stdout=io.StringIO())
    # then
    assert counts()["agents"] == len(DEMO_ROSTER.agents) and counts()["tickets"] == 0


def test_the_generator_is_deterministic_and_writes_valid_lines():
    # given
    spec = Spec(tickets=300, messages=None, contacts=50, seed=7)
    # when
    first, second = io.StringIO(), io.StringIO()
    write_jsonl(generate(spec), first)
    write_jsonl(generate(spec), second)
    other = io.StringIO()
    write_jsonl(generate(Spec(tickets=300, contacts=50, seed=8)), other)
    records = list(generate(spec))
    # then
    assert first.getvalue() == second.getvalue() != other.getvalue()
    assert all(parse_record(i + 1, r) for i, r in enumerate(records))
    assert len({r["requester"]["email"] for r in records}) == 50
    texts = [m.get("text") or m.get("html") for r in records for m in r["messages"]]
    assert any("wrote:\n>" in t for t in texts)  # quoted replies
    assert any(r["requester"].get("language") for r in records)  # other languages
    assert any("html" in m for r in records for m in r["messages"])


def test_the_generator_can_fix_the_number_of_messages():
    # given / when
    records = list(generate(Spec(tickets=20, messages=10, contacts=5, numbered=True)))
    # then
    assert [len(r["messages"]) for r in records] == [10] * 20
    assert [r["number"] for r in records] == list(range(1, 21))
