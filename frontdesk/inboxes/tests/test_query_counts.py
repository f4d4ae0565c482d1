"""The write path stays short: a fixed, small number of statements per inbound message (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.inboxes import pipeline, threads
from frontdesk.inboxes.intake import receive_raw
from frontdesk.inboxes.tests.inbound import mail

pytestmark = pytest.mark.django_db


def statements(inbox, message) -> list[str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        pipeline.receive(inbox, message)
    return [q["sql"] for q in captured.captured_queries]


def test_a_new_mail_and_a_reply_cost_a_few_statements(inbox):
    # given a known customer (their contact exists) and the inbox loaded
    pipeline.receive(inbox, mail(subject="warm-up", message_id="w@mail.example.test"))
    # when a new mail and a threaded reply arrive
    new = statements(inbox, mail(subject="Another question"))
    reply = statements(inbox, mail(references=("w@mail.example.test",)))
    # then each is a handful of statements (13 and 8 today: the new ticket's include its acknowledgement)
    assert len(new) <= 14, new
    assert len(reply) <= 9, reply


def test_people_copied_in_cost_the_same_few_statements_each(inbox):
    # given known customers copied in on a first mail
    copied = tuple(f"cc{n}@example.test" for n in range(5))
    pipeline.receive(inbox, mail(subject="warm-up", message_id="w2@mail.example.test", cc=copied))
    # when one and then five of them are copied in again on replies
    one = statements(inbox, mail(references=("w2@mail.example.test",), cc=copied[:1]))
    five = statements(inbox, mail(references=("w2@mail.example.test",), cc=copied))
    # then each extra person costs one lookup, nothing more
    assert len(five) - len(one) == 4


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_finding_the_thread_by_reference_starts_from_the_message_id_index(inbox):
    # given a stored mail, and SQLite without table statistics (it then takes any index for selective)
    pipeline.receive(inbox, mail(subject="first", message_id="plan@mail.example.test"))
    with CaptureQueriesContext(connection) as captured:
        found = threads.by_reference(inbox.brand_id, ["plan@mail.example.test"])
    # when SQLite plans the lookup
    plan = plan_of(captured.captured_queries[-1]["sql"])
    # then it starts at the message ids, never at every ticket of the brand
    assert found is not None and found.subject == "first"
    assert "message_external_id" in plan[0], plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_the_duplicate_check_reads_the_unique_index_not_every_intake_of_the_brand(inbox):
    # given one intake stored
    receive_raw(inbox, mail_bytes("First"), source="test")
    with CaptureQueriesContext(connection) as captured:
        result = receive_raw(inbox, mail_bytes("First"), source="test")
    # when the same mail comes again, then its duplicate check is a lookup in the (brand, key) unique index
    assert result.duplicate
    plan = plan_of(captured.captured_queries[0]["sql"])
    assert plan == ["SEARCH inboxes_intake USING COVERING INDEX intake_brand_dedup_key (brand_id=? AND dedup_key=?)"]


def mail_bytes(subject: str) -> bytes:
    return (
        f"From: Zoe <zoe@example.test>\r\nTo: support@example.test\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject}@mail.example.test>\r\n\r\nHello.\r\n"
    ).encode()


def plan_of(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]
