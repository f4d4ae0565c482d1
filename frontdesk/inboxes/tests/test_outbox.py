"""The outbox against a real SMTP server: stored first, sent by the worker, retried with backoff, or failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.inboxes import outbox, pipeline
from frontdesk.inboxes.choices import OutboxStatus
from frontdesk.inboxes.models import Delivery
from frontdesk.inboxes.tests.inbound import mail
from frontdesk.testing.smtp_sink import smtp_sink, unused_port
from frontdesk.tickets.choices import DeliveryStatus
from frontdesk.tickets.services import post_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink():  # type: ignore[no-untyped-def]
    with smtp_sink() as running:
        yield running


def send_through(inbox, host: str, port: int) -> None:  # type: ignore[no-untyped-def]
    inbox.settings = {**inbox.settings, "auto_ack": False,
                      "outbound": {"backend": "smtp", "host": host, "port": port, "timeout": 5}}
    inbox.save()


def reply(inbox, agent, capture, text: str = "Your parcel left today."):  # type: ignore[no-untyped-def]
    ticket = pipeline.receive(inbox, mail()).ticket
    with capture(execute=True):  # commit: the outbox subscriber runs, then the worker task (inline in tests)
        return post_reply(agent, ticket, text=text)


def test_a_reply_is_stored_then_sent_by_the_worker(inbox, agent, sink, django_capture_on_commit_callbacks):
    # given an inbox sending through a real SMTP server
    send_through(inbox, sink.host, sink.port)
    # when an agent replies
    message = reply(inbox, agent, django_capture_on_commit_callbacks)
    # then the server received it once, and the message and its delivery say sent
    message.refresh_from_db()
    delivery = Delivery.objects.get(message=message)
    assert len(sink.received) == 1 and sink.received[0].rcpt_tos == ["ann@example.test"]
    assert message.delivery_status == DeliveryStatus.SENT and message.external_id
    assert delivery.status == OutboxStatus.SENT and delivery.attempts == 1 and delivery.sent_at is not None


def test_a_temporary_refusal_is_retried_after_the_backoff(inbox, agent, sink, django_capture_on_commit_callbacks):
    # given a server that answers the first attempt with 451
    send_through(inbox, sink.host, sink.port)
    sink.refuse_next("451 4.3.0 Try again later")
    # when an agent replies
    message = reply(inbox, agent, django_capture_on_commit_callbacks)
    # then it stays queued, due again in a minute, and is not retried before that
    delivery = Delivery.objects.get(message=message)
    message.refresh_from_db()
    assert delivery.status == OutboxStatus.QUEUED and delivery.attempts == 1 and "451" in delivery.last_error
    assert message.delivery_status == DeliveryStatus.QUEUED and "451" in message.delivery_error
    assert timezone.now() < delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=60)
    assert outbox.deliver_due(now=timezone.now()) == 0
    # when the periodic sweep runs after the backoff
    assert outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=61)) == 1
    # then the second attempt went through
    message.refresh_from_db()
    assert len(sink.received) == 1 and message.delivery_status == DeliveryStatus.SENT
    assert message.delivery_error == ""


def test_a_permanent_refusal_fails_at_once(inbox, agent, sink, django_capture_on_commit_callbacks):
    # given a server refusing the mail for good
    send_through(inbox, sink.host, sink.port)
    sink.refuse_next("554 5.7.1 Message rejected")
    # when an agent replies
    message = reply(inbox, agent, django_capture_on_commit_callbacks)
    # then the message failed with the server's answer, on the timeline, and is never tried again
    message.refresh_from_db()
    delivery = Delivery.objects.get(message=message)
    assert message.delivery_status == DeliveryStatus.FAILED and "554" in message.delivery_error
    assert delivery.status == OutboxStatus.FAILED and delivery.attempts == 1
    assert message.ticket.timeline.filter(action="delivery_failed").exists()
    assert outbox.deliver_due(now=timezone.now() + dt.timedelta(days=1)) == 0


def test_an_unreachable_server_is_retried_with_growing_waits_then_given_up(
    inbox, agent, django_capture_on_commit_callbacks
):
    # given an inbox whose SMTP server refuses connections
    send_through(inbox, "127.0.0.1", unused_port())
    message = reply(inbox, agent, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(message=message)
    waits = []
    # when the sweep runs each time the delivery is due again
    while delivery.status == OutboxStatus.QUEUED:
        due_at = delivery.next_attempt_at
        outbox.deliver_due(now=due_at)
        delivery.refresh_from_db()
        if delivery.status == OutboxStatus.QUEUED:
            waits.append(round((delivery.next_attempt_at - due_at).total_seconds()))
    # then the waits grew as configured, and after the last attempt the message failed
    message.refresh_from_db()
    assert waits == [300, 900, 3600, 14400]  # the first wait (60 s) came after the attempt made on commit
    assert delivery.attempts == 6 and delivery.status == OutboxStatus.FAILED
    assert message.delivery_status == DeliveryStatus.FAILED and "reach" in message.delivery_error


def test_a_reply_committed_without_its_outbox_row_is_picked_up_by_the_sweep(inbox, agent, sink):
    # given a reply whose commit hooks never ran (the process died right after the commit)
    send_through(inbox, sink.host, sink.port)
    ticket = pipeline.receive(inbox, mail()).ticket
    message = post_reply(agent, ticket, text="Sorry for the wait.")
    assert not Delivery.objects.filter(message=message).exists()
    # when the sweep runs a few minutes later
    outbox.deliver_due(now=timezone.now() + dt.timedelta(minutes=5))
    # then the reply was put in the outbox and sent
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT and len(sink.received) == 1


def test_a_delivery_is_attempted_by_one_worker_only(inbox, agent, sink, django_capture_on_commit_callbacks):
    # given a reply already sent
    send_through(inbox, sink.host, sink.port)
    message = reply(inbox, agent, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(message=message)
    # when another worker tries the same row / then it gets nothing to do, and nothing is sent twice
    assert outbox.attempt(delivery.pk) is None
    assert len(sink.received) == 1
