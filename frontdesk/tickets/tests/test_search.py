"""Keyword search: the same behaviour from the FTS5 index (SQLite) and the tsvector index (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from frontdesk.accounts.choices import Role
from frontdesk.testing.factories import AgentFactory, BrandFactory, TeamFactory, make_ticket
from frontdesk.tickets import search
from frontdesk.tickets.filters import TicketFilter
from frontdesk.tickets.models import Message, Ticket
from frontdesk.tickets.queries import tickets_for
from frontdesk.tickets.search.terms import parse_terms
from frontdesk.tickets.services import add_note, post_reply, update_ticket

pytestmark = pytest.mark.django_db

SYNTAX = [
    '"',
    '""',
    "*",
    "refund*",
    "*refund",
    "AND",
    "OR",
    "NOT",
    "refund AND",
    "AND refund",
    "NOT refund",
    "refund OR damaged",
    "NEAR(",
    "NEAR(refund damaged)",
    "NEAR(refund, 3)",
    "-",
    "-refund",
    "refund -damaged",
    ":",
    "subject:refund",
    "body_text:refund",
    "{subject body_text}: refund",
    "^refund",
    "'",
    "it's",
    "\\",
    "refund\\",
    "(",
    ")",
    "()",
    "refund)",
    "((refund",
    "+refund",
    "refund & damaged",
    "refund | damaged",
    "!refund",
    "refund:*",
    "refund <-> damaged",
    "a:b:c",
    "%",
    "%%",
    "_",
    "100%",
    "\x00",
    "🙂",
    "refund 🙂",
]


@pytest.fixture
def brand():
    return BrandFactory()


@pytest.fixture
def admin(brand):
    return AgentFactory(brands=[brand], role=Role.ADMIN)


def ids(query, **kwargs):
    return search.matching_ticket_ids(query, **kwargs)


def test_every_word_must_match_in_any_order(brand):
    # given
    both = make_ticket(brand, subject="Order problem", text="The refund for the damaged parcel never came.")
    make_ticket(brand, subject="Order problem", text="Where is my refund?")
    # when
    found = ids("damaged refund")
    # then
    assert found == [both.pk]


def test_case_and_accents_do_not_matter(brand):
    # given
    ticket = make_ticket(brand, subject="Café order", text="Une crème brûlée, s'il vous plaît. Straße")
    # when / then
    assert ids("CAFE") == [ticket.pk]
    assert ids("creme brulee") == [ticket.pk]
    assert ids("CRÈME") == [ticket.pk]
    assert ids("straße") == [ticket.pk]


def test_subject_words_match_and_combine_with_the_body(brand):
    # given
    ticket = make_ticket(brand, subject="Invoice missing", text="Please send it again.")
    # when / then
    assert ids("invoice") == [ticket.pk]
    assert ids("invoice again") == [ticket.pk]
    assert ids("invoice banana") == []


def test_last_word_is_a_prefix_when_long_enough(brand):
    # given
    ticket = make_ticket(brand, subject="Question", text="My package was refunded yesterday")
    # when / then
    assert ids("refu") == [ticket.pk]
    assert ids("ref") == [ticket.pk]
    assert ids("refu package") == []  # only the last word is a prefix
    assert ids("package refu") == [ticket.pk]
    assert ids("re") == []  # two letters are a whole word, never a prefix
    assert ids("refu ") == []  # a space after the word ends it


def test_words_in_replies_and_notes_are_found_and_results_are_newest_first(brand, admin):
    # given
    older = make_ticket(brand, subject="Login", text="I cannot sign in")
    newer = make_ticket(brand, subject="Login again", text="I cannot sign in either")
    post_reply(admin, older, text="We reset your password")
    add_note(admin, newer, text="Password policy question for the team")
    # when
    found = ids("password")
    # then
    assert found == [newer.pk, older.pk]


def test_query_syntax_is_only_ever_text(brand):
    # given
    ticket = make_ticket(brand, subject="Refund", text="Bread and butter, near the shop: it's damaged! 100% sure")
    # when
    results = {query: ids(query) for query in SYNTAX}
    # then
    assert all(isinstance(found, list) for found in results.values())
    assert results["AND"] == [ticket.pk]  # the word "and", not an operator
    assert results["it's"] == [ticket.pk]
    assert results["refund OR damaged"] == []  # three words: refund, or, damaged
    assert results["-refund"] == [ticket.pk]
    assert results['"'] == []


def test_unicode_words_are_found(brand):
    # given
    russian = make_ticket(brand, subject="Вопрос", text="Привет, где мой заказ?")
    greek = make_ticket(brand, subject="Ερώτηση", text="Η παραγγελία μου")  # noqa: RUF001 - Greek on purpose
    # when / then
    assert ids("ПРИВЕТ заказ") == [russian.pk]
    assert ids("παραγγελία") == [greek.pk]


def test_an_empty_query_is_no_search_and_punctuation_finds_nothing(brand):
    # given
    make_ticket(brand, subject="Anything", text="at all")
    # when / then
    assert ids("") is None
    assert ids("   ") is None
    assert ids("*** --- ...") == []


def test_parse_terms_keeps_words_once_and_limits_them():
    # given / when
    terms = parse_terms("Refund refund REFUND damaged " + " ".join(f"w{i}" for i in range(30)))
    # then
    assert terms.words[:2] == ("refund", "damaged")
    assert len(terms.words) == 12


def test_scope_is_applied_inside_the_search_so_the_limit_counts_visible_tickets(brand):
    # given
    hidden_team = TeamFactory(brand=brand)
    agent = AgentFactory(brands=[brand])
    visible = make_ticket(brand, subject="Refund", text="refund please")
    for _ in range(3):
        make_ticket(brand, subject="Refund", text="refund please", team=hidden_team)
    # when
    found = ids("refund", limit=2, within=Ticket.objects.filter(team__isnull=True))
    listed = list(tickets_for(agent, TicketFilter(q="refund")))
    # then
    assert found == [visible.pk]
    assert listed == [visible]


def test_an_empty_scope_finds_nothing(brand):
    # given
    make_ticket(brand, subject="Refund", text="refund please")
    # when / then
    assert ids("refund", within=Ticket.objects.none()) == []


def test_the_index_follows_subject_changes_edits_and_deletes(brand, admin):
    # given
    ticket = make_ticket(brand, subject="Printer jam", text="The printer is stuck")
    other = make_ticket(brand, subject="Scanner", text="The scanner is stuck")
    # when
    update_ticket(admin, ticket, subject="Toner empty")
    Message.objects.filter(ticket=other).update(body_text="The scanner is fixed")
    # then
    assert ids("jam") == []
    assert ids("toner stuck") == [ticket.pk]
    assert ids("scanner stuck") == []
    assert ids("scanner fixed") == [other.pk]
    search.check_index()
    # when
    ticket.delete()
    # then
    assert ids("toner") == []
    search.check_index()


def test_messages_moved_to_another_ticket_are_found_with_its_subject(brand):
    # given
    source = make_ticket(brand, subject="Alpha", text="moved words here")
    target = make_ticket(brand, subject="Omega", text="target text")
    # when
    Message.objects.filter(ticket=source).update(ticket=target)
    # then
    assert ids("omega moved") == [target.pk]
    assert ids("alpha moved") == []
    search.check_index()


def test_deleting_tickets_before_their_messages_keeps_the_index_exact(brand):
    # given: a flush empties tables in any order, tickets before messages included
    make_ticket(brand, subject="Flush", text="first")
    make_ticket(brand, subject="Flush", text="second")
    # when
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA defer_foreign_keys = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM tickets_timelineevent")
        cursor.execute("DELETE FROM tickets_ticket")
        cursor.execute("DELETE FROM tickets_message")
    # then
    search.check_index()
    assert ids("flush") == []


def test_missing_triggers_are_put_back_after_migrate(brand):
    # given
    ticket = make_ticket(brand, subject="Before", text="indexed")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER tickets_message_fts_insert")
        else:
            cursor.execute("DROP TRIGGER tickets_message_fts_insert ON tickets_message")
    backend = search._backend()
    assert not backend.is_installed()
    # when
    search.repair_index_after_migrate(sender=None, using="default")
    later = make_ticket(brand, subject="After", text="indexed too")
    # then
    assert backend.is_installed()
    assert ids("indexed") == [later.pk, ticket.pk]
    search.check_index()


def test_rebuild_gives_the_same_answers(brand):
    # given
    ticket = make_ticket(brand, subject="Rebuild", text="same answers")
    # when
    count = search.rebuild_index()
    # then
    assert count == 1
    assert ids("rebuild answers") == [ticket.pk]
    search.check_index()


def test_the_subject_goes_with_the_first_message_and_passes_on_when_it_is_deleted(brand, admin):
    # given
    ticket = make_ticket(brand, subject="Blender broken", text="It stopped")
    post_reply(admin, ticket, text="Please send a photo")
    # when / then
    assert ids("blender stopped") == [ticket.pk]
    assert ids("blender photo") == []  # words of the subject and of a later message are not one match
    # when
    ticket.messages.order_by("id").first().delete()
    # then
    assert ids("blender photo") == [ticket.pk]
    search.check_index()


def test_a_moved_message_older_than_the_first_takes_the_subject(brand):
    # given
    older = make_ticket(brand, subject="Older", text="early words")
    target = make_ticket(brand, subject="Kettle", text="later words")
    # when
    Message.objects.filter(ticket=older).update(ticket=target)
    # then
    assert ids("kettle early") == [target.pk]
    assert ids("kettle later") == []
    search.check_index()


def test_longer_words_are_added_only_when_the_exact_words_do_not_fill_the_list(brand):
    # given
    older = make_ticket(brand, subject="Question", text="refund please")
    newer = make_ticket(brand, subject="Question", text="refunded already")
    # when / then
    assert ids("refund", limit=1) == [older.pk]  # the exact word fills the list
    assert ids("refund", limit=5) == [newer.pk, older.pk]
    assert ids("refun", limit=1) == [newer.pk]


def test_matches_spread_over_old_and_new_message_ids_are_all_found_newest_first(brand):
    # given messages whose ids fall in many id buckets (PostgreSQL searches the newest buckets first)
    tickets = [make_ticket(brand, subject="Parcel", text="filler") for _ in range(6)]
    for ticket, message_id in zip(tickets, (10_001, 70_000, 400_000, 900_000, 1_500_000, 2_000_000), strict=True):
        Message.objects.create(id=message_id, ticket=ticket, direction="inbound", kind="customer",
                               body_text="the blue kettle leaks")
    # when
    found = ids("blue kettle", limit=10)
    # then
    assert found == [t.pk for t in reversed(tickets)]
    assert ids("blue kettle", limit=2) == [tickets[5].pk, tickets[4].pk]
    assert ids("kettle blue leaks", limit=10)[-1] == tickets[0].pk
    search.check_index()
