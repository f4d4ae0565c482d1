"""Bulk import from JSON Lines: good lines land with everything computed, bad lines are reported and skipped."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from frontdesk.accounts.choices import Role
from frontdesk.contacts.models import Contact, ContactIdentity, Organisation
from frontdesk.core.errors import PermissionDenied
from frontdesk.core.html import text_to_html as core_text_to_html
from frontdesk.core.models import Counter
from frontdesk.imports import errors
from frontdesk.imports.checking import text_to_html
from frontdesk.imports.services import Importer, import_tickets
from frontdesk.testing.factories import AgentFactory, BrandFactory, ContactFactory, InboxFactory, TeamFactory
from frontdesk.tickets import search
from frontdesk.tickets.catalog import create_custom_field
from frontdesk.tickets.choices import DeliveryStatus, Direction, MessageKind, Status
from frontdesk.tickets.models import Message, Ticket, TimelineEvent
from frontdesk.tickets.services import TICKET_NUMBER_SEQUENCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    brand = BrandFactory(slug="shop", name="Shop")
    team = TeamFactory(brand=brand, name="Billing")
    agent = AgentFactory(email="ann@staff.test", brands=[brand], teams=[team])
    admin = AgentFactory(email="boss@staff.test", role=Role.ADMIN)
    email_inbox = InboxFactory(brand=brand, name="Support mail", channel_kind="email", address="help@shop.test")
    create_custom_field(admin, key="order_number", label="Order number")
    return {"brand": brand, "team": team, "agent": agent, "admin": admin, "inbox": email_inbox}


def ticket_line(**overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "brand": "shop",
        "subject": "Where is my parcel?",
        "status": "solved",
        "priority": "high",
        "type": "question",
        "channel": "email",
        "requester": {"email": "Mia@Example.com", "name": "Mia Rossi", "organisation": "Rossi GmbH"},
        "assignee": "ann@staff.test",
        "team": "Billing",
        "tags": ["Shipping", "late delivery"],
        "custom_fields": {"order_number": "A-1001"},
        "created_at": "2025-03-01T09:00:00Z",
        "messages": [
            {"kind": "customer", "author": "mia@example.com", "text": "My parcel is late.",
             "created_at": "2025-03-01T09:00:00Z"},
            {"kind": "note", "author": "ann@staff.test", "text": "Asked the courier.",
             "created_at": "2025-03-01T09:30:00Z"},
            {"kind": "reply", "author": "ann@staff.test", "text": "It arrives tomorrow.",
             "created_at": "2025-03-01T10:00:00Z"},
            {"kind": "customer", "text": "Thanks, it came!", "created_at": "2025-03-02T08:00:00Z"},
        ],
    }
    line.update(overrides)
    return line


def jsonl(*lines: Any) -> io.BytesIO:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return io.BytesIO(text.encode("utf-8"))


def run(*lines: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    return import_tickets(None, jsonl(*lines), source="test.jsonl", **kwargs)


def test_a_good_line_becomes_a_ticket_with_its_conversation_and_list_columns(setup):
    # given
    line = ticket_line()
    # when
    result = run(line)
    # then
    assert (result.tickets, result.messages, result.skipped) == (1, 4, 0)
    ticket = Ticket.objects.get()
    assert ticket.brand == setup["brand"] and ticket.inbox == setup["inbox"] and ticket.team == setup["team"]
    assert (ticket.status, ticket.priority, ticket.ticket_type, ticket.channel_kind) == (
        Status.SOLVED, "high", "question", "email"
    )
    assert ticket.assignee == setup["agent"]
    assert ticket.custom_fields == {"order_number": "A-1001"}
    assert sorted(t.name for t in ticket.tags.all()) == ["late-delivery", "shipping"]
    assert ticket.requester.name == "Mia Rossi"
    assert ticket.organisation is not None and ticket.organisation.name == "Rossi GmbH"
    assert ticket.message_count == 4
    assert ticket.preview == "Thanks, it came!"
    at = dt.datetime(2025, 3, 2, 8, 0, tzinfo=dt.UTC)
    assert ticket.last_message_at == at and ticket.last_customer_message_at == at and ticket.solved_at == at
    assert ticket.first_response_at == dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert ticket.created_at == dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    kinds = list(ticket.messages.order_by("id").values_list("kind", "direction", "delivery_status"))
    assert kinds == [
        (MessageKind.CUSTOMER, Direction.INBOUND, DeliveryStatus.NOT_APPLICABLE),
        (MessageKind.NOTE, Direction.INTERNAL, DeliveryStatus.NOT_APPLICABLE),
        (MessageKind.REPLY, Direction.OUTBOUND, DeliveryStatus.SENT),
        (MessageKind.CUSTOMER, Direction.INBOUND, DeliveryStatus.NOT_APPLICABLE),
    ]
    first = ticket.messages.order_by("id").first()
    assert first.author_contact == ticket.requester and first.body_html == "<p>My parcel is late.</p>"
    event = TimelineEvent.objects.get(ticket=ticket)
    assert event.action == "imported" and event.actor_label == "Import"
    assert event.after == {
        "source": "test.jsonl", "line": 1, "status": "solved", "priority": "high", "channel_kind": "email",
        "tags": ["shipping", "late-delivery"], "messages": 4,
    }


def test_imported_text_is_searchable_at_once(setup):
    # given / when
    run(ticket_line(), ticket_line(subject="Broken kettle", messages=[{"text": "The kettle leaks"}]))
    # then
    kettle = Ticket.objects.get(subject="Broken kettle")
    assert search.matching_ticket_ids("kettle leaks") == [kettle.pk]
    assert search.matching_ticket_ids("broken leaks") == [kettle.pk]
    search.check_index()


def test_numbers_are_reserved_in_a_block_and_given_numbers_move_the_counter(setup):
    # given
    start = Counter.advance(TICKET_NUMBER_SEQUENCE, by=0)
    # when
    run(ticket_line(), ticket_line(), ticket_line(number=5000), ticket_line())
    # then
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == [5000, 5001, 5002, 5003]  # the counter moved past 5000 before the block was reserved
    assert start < 5000 and Counter.advance(TICKET_NUMBER_SEQUENCE, by=0) == 5003


def test_contacts_are_found_by_email_and_reused(setup):
    # given
    existing = ContactFactory(brand=setup["brand"], name="Known Person", email="known@example.com")
    # when
    hello = [{"text": "Hello"}]
    result = run(
        ticket_line(requester={"email": "KNOWN@example.com", "name": "Other Name"}, messages=hello),
        ticket_line(requester={"email": "new@example.com", "name": "New", "organisation": "ACME"}, messages=hello),
        ticket_line(requester={"email": "new@example.com", "organisation": "acme"}, messages=hello),
        batch_size=2,
    )
    # then
    assert result.tickets == 3
    assert Ticket.objects.filter(requester=existing).count() == 1
    existing.refresh_from_db()
    assert existing.name == "Known Person"  # an existing contact is reused as it is
    assert Contact.objects.filter(brand=setup["brand"]).count() == 2
    assert ContactIdentity.objects.filter(value="new@example.com").count() == 1
    assert Organisation.objects.filter(brand=setup["brand"], name__iexact="acme").count() == 1
    assert set(Ticket.objects.exclude(requester=existing).values_list("organisation__name", flat=True)) == {"ACME"}


def test_bad_lines_are_reported_with_their_number_and_the_good_ones_are_kept(setup):
    # given
    lines = [
        ticket_line(),  # 1
        "{not json",  # 2
        "[1, 2]",  # 3
        ticket_line(brand="nope"),  # 4
        ticket_line(subject=42),  # 5
        ticket_line(messages="hello"),  # 6
        ticket_line(messages=[]),  # 7
        ticket_line(status="done"),  # 8
        ticket_line(created_at="yesterday"),  # 9
        ticket_line(assignee="ghost@staff.test"),  # 10
        ticket_line(team="Nope"),  # 11
        ticket_line(requester={"email": "not-an-address"}),  # 12
        ticket_line(subjet="typo"),  # 13
        ticket_line(custom_fields={"colour": "red"}),  # 14
        ticket_line(messages=[{"kind": "reply", "text": "hi"}], assignee=None),  # 15
        ticket_line(messages=[{"kind": "chat", "text": "hi"}]),  # 16
        ticket_line(messages=[{"text": ""}]),  # 17
        ticket_line(number=True),  # 18
        ticket_line(tags="vip"),  # 19
        ticket_line(inbox="Nowhere"),  # 20
        ticket_line(),  # 21
    ]
    reported: list[Any] = []
    # when
    result = run(*lines, on_error=reported.append)
    # then
    assert (result.tickets, result.skipped, result.lines) == (2, 19, 21)
    assert [r.line for r in reported] == list(range(2, 21))
    by_line = {r.line: r for r in reported}
    assert by_line[2].code == errors.INVALID_JSON
    assert by_line[4].code == errors.UNKNOWN_BRAND and "shop" in by_line[4].message
    assert by_line[5].message.startswith("subject: expected text, got a number")
    assert by_line[9].message.startswith("created_at: expected an ISO 8601 date-time")
    assert by_line[10].code == errors.UNKNOWN_AGENT
    assert by_line[11].code == errors.UNKNOWN_TEAM and "Billing" in by_line[11].message
    assert by_line[13].code == errors.UNKNOWN_FIELD and "'subjet'" in by_line[13].message
    assert by_line[15].message.startswith("messages[0].author: a reply needs the agent's email")
    assert by_line[16].message.startswith("messages[0].kind")
    assert str(by_line[17]).startswith("line 17: messages[0]: a message needs a text or html body")
    assert by_line[20].code == errors.UNKNOWN_INBOX
    assert result.summary() == f"imported 2 tickets, 8 messages in {result.seconds:.1f}s (19 skipped, see errors above)"


def test_duplicate_numbers_in_the_file_and_in_the_database_are_refused(setup):
    # given
    run(ticket_line(number=7))
    # when
    result = run(ticket_line(number=7), ticket_line(number=8), ticket_line(number=8))
    # then
    assert result.tickets == 1 and result.skipped == 2
    assert [(r.line, r.code) for r in result.rejected] == [
        (3, errors.DUPLICATE_NUMBER),  # twice in the file: found while reading
        (1, errors.DUPLICATE_NUMBER),  # already in the database: found when writing its batch
    ]
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [7, 8]


def test_huge_values_are_cut_or_refused_clearly(setup, monkeypatch):
    # given
    from frontdesk.imports import checking

    monkeypatch.setattr(checking, "MAX_LINE_BYTES", 4000)
    long_subject = "word " * 400
    lines = [
        ticket_line(subject=long_subject),  # 1: cut to 300 characters
        ticket_line(messages=[{"text": "x" * 1_000_001}]),  # 2: over the body limit (and the line limit)
        ticket_line(tags=[f"t{i}" for i in range(51)]),  # 3
        ticket_line(tags=["a" * 61]),  # 4
        ticket_line(requester={"email": "mia@example.com", "name": "N" * 500}),  # 5: name cut to 200
    ]
    # when
    result = run(*lines)
    # then
    assert result.tickets == 2
    codes = {r.line: r.code for r in result.rejected}
    assert codes == {2: errors.LINE_TOO_LONG, 3: errors.TOO_LARGE, 4: errors.INVALID_FIELD}
    subjects = sorted(len(s) for s in Ticket.objects.values_list("subject", flat=True))
    assert subjects[-1] == 300


def test_a_body_over_the_limit_is_refused_with_its_size(setup):
    # given
    line = ticket_line(messages=[{"text": "x" * 1_000_001}])
    # when
    result = run(line)
    # then
    assert result.rejected[0].code == errors.TOO_LARGE
    assert result.rejected[0].message == "messages[0].text is 1,000,001 characters; the limit is 1,000,000."


def test_outside_html_is_sanitised_and_gives_the_text(setup):
    # given
    line = ticket_line(messages=[{"html": "<p>Hello <b>there</b></p><script>alert(1)</script>"}])
    # when
    run(line)
    # then
    message = Message.objects.get()
    assert "script" not in message.body_html and "<b>there</b>" in message.body_html
    assert message.body_text == "Hello there"


def test_a_batch_the_database_refuses_is_written_line_by_line(setup, monkeypatch):
    # given: the second line gets a number that another ticket took after the file was checked
    run(ticket_line(number=900))
    original = Importer._numbers

    def numbers(self, batch):  # type: ignore[no-untyped-def]
        values = original(self, batch)
        return [900 if r.record.line == 2 else v for r, v in zip(batch, values, strict=True)]

    monkeypatch.setattr(Importer, "_numbers", numbers)
    # when
    result = run(ticket_line(), ticket_line(), ticket_line())
    # then
    assert result.tickets == 2
    assert [(r.line, r.code) for r in result.rejected] == [(2, errors.WRITE_FAILED)]
    assert Ticket.objects.count() == 3
    search.check_index()


def test_checking_on_a_thread_gives_the_same_result(setup):
    # given
    lines = [ticket_line(), "oops", ticket_line(), ticket_line(brand="nope"), ticket_line()]
    # when
    threaded = run(*lines, batch_size=1, parallel=True)
    serial = run(*lines, batch_size=1, parallel=False)
    # then
    assert (threaded.tickets, threaded.skipped) == (serial.tickets, serial.skipped) == (3, 2)
    assert [r.line for r in threaded.rejected] == [r.line for r in serial.rejected] == [2, 4]


def test_only_admins_import(setup):
    # when / then
    with pytest.raises(PermissionDenied):
        import_tickets(setup["agent"], jsonl(ticket_line()))
    assert import_tickets(setup["admin"], jsonl(ticket_line())).tickets == 1


def test_the_command_reports_errors_and_ends_with_a_summary(setup, tmp_path, capsys):
    # given
    path = tmp_path / "tickets.jsonl"
    path.write_bytes(jsonl(ticket_line(), "{bad", ticket_line()).getvalue())
    # when
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(path))
    # then
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert "line 2: not valid JSON" in err
    assert out.strip().startswith("imported 2 tickets, 8 messages in ")
    assert out.strip().endswith("(1 skipped, see errors above)")


def test_the_command_says_what_is_wrong_with_a_missing_file(setup):
    # when / then
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "/nonexistent/tickets.jsonl")


def test_the_fast_text_to_html_matches_the_core_one():
    # given
    samples = ["", " ", "one", "a\nb", "a\n\nb", "a\n \n\nb", "  a  \n\n  b  ", "<x> & \"'", "a\r\n\r\nb",
               "a\n\u2028\nb", "x\x0c\n\ny", "\n\n\na\n\n\n", "p1\n\np2\nline\n\n\n\np3"]
    # when / then
    for text in samples:
        assert text_to_html(text) == core_text_to_html(text), repr(text)
