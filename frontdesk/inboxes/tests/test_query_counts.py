"""The write path stays short: a fixed, small number of statements per inbound message (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.inboxes import pipeline
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
