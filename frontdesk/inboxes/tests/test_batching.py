"""Group commit: several payloads in one transaction, each answered for itself, none lost or stored twice."""

from __future__ import annotations

import pytest

from frontdesk.inboxes.batching import GroupCommit, NoActiveInbox
from frontdesk.inboxes.intake import IntakeResult, Payload, receive_many
from frontdesk.inboxes.models import Intake
from frontdesk.inboxes.tests.inbound import raw_mail
from frontdesk.tickets.choices import Direction
from frontdesk.tickets.models import Message, Ticket


def inbound() -> list[Message]:
    return list(Message.objects.filter(direction=Direction.INBOUND).order_by("id"))


@pytest.mark.django_db
def test_a_batch_stores_each_payload_once_and_a_failing_one_takes_nothing_else_with_it(inbox):
    # Given a batch: a new mail, one that cannot be written (its envelope is no JSON), the first mail again,
    # and a reply to the first mail, all arriving together
    payloads = [
        Payload(inbox, raw_mail(1), "smtp", {"peer": "127.0.0.1"}),
        Payload(inbox, raw_mail(2), "smtp", {"peer": b"\xff not json"}),  # type: ignore[dict-item]
        Payload(inbox, raw_mail(1), "smtp", {"peer": "127.0.0.1"}),
        Payload(inbox, raw_mail(3, replying_to=1), "smtp", {}),
    ]

    # When the batch is stored in one transaction
    first, failed, again, reply = receive_many(payloads)

    # Then the failing one is refused alone, the repeated one is the first one, the reply joins its ticket
    assert isinstance(failed, TypeError)
    assert isinstance(first, IntakeResult) and isinstance(again, IntakeResult) and isinstance(reply, IntakeResult)
    assert not first.duplicate and again.duplicate and again.intake.pk == first.intake.pk
    assert Intake.objects.count() == 2 and Ticket.objects.count() == 1
    assert [m.body_text.strip() for m in inbound()] == ["Question number 1.", "Question number 3."]
    assert reply.intake.message is not None and reply.intake.message.ticket_id == first.intake.message.ticket_id


@pytest.mark.django_db
def test_a_batch_of_nothing_readable_writes_nothing():
    assert receive_many([]) == []


@pytest.mark.django_db(transaction=True)  # the workers store from their own threads and connections
def test_queued_jobs_are_taken_in_batches_and_each_is_answered_with_its_own_results(inbox):
    # Given jobs queued before the worker runs: five mails (one twice) and one for an inbox that is gone
    storing = GroupCommit(threads=1, max_batch=4, start=False)
    futures = [storing.submit([inbox.pk], raw_mail(n), source="smtp", envelope={}) for n in (1, 2, 3, 1)]
    futures.append(storing.submit([inbox.pk + 1000], raw_mail(4), source="smtp", envelope={}))
    futures.append(storing.submit([inbox.pk, inbox.pk], raw_mail(5), source="smtp", envelope={}))

    # When the worker takes the queue, then it takes at most four jobs at a time
    first_batch, stop = storing._next_batch()
    assert len(first_batch) == 4 and not stop
    storing._store(first_batch)
    storing.start()
    storing.close()

    # Then every job was answered for itself, after its commit
    results: list = [f.exception() or f.result() for f in futures]
    assert [len(r) for r in results[:4]] == [1, 1, 1, 1]
    assert results[3][0].duplicate and results[3][0].intake.pk == results[0][0].intake.pk
    assert isinstance(results[4], NoActiveInbox)
    assert len(results[5]) == 1  # an inbox named twice is stored for once
    assert Intake.objects.count() == 4 and len(inbound()) == 4

