"""No loops, no storms: acknowledgements only to people, rate-limited; bounces land on what they are about."""

from __future__ import annotations

import pytest

from frontdesk.contacts.models import ContactIdentity
from frontdesk.inboxes import pipeline
from frontdesk.inboxes.models import AutoReplyLog, Delivery
from frontdesk.inboxes.tests.inbound import mail
from frontdesk.tickets.choices import DeliveryStatus, Direction, MessageKind
from frontdesk.tickets.models import Message, Ticket
from frontdesk.tickets.services import post_reply

pytestmark = pytest.mark.django_db


def acknowledgements(ticket_id: int) -> list[Message]:
    return list(Message.objects.filter(ticket_id=ticket_id, kind=MessageKind.SYSTEM, direction=Direction.OUTBOUND))


def test_a_new_ticket_is_acknowledged_through_the_outbox_with_its_number(inbox):
    # given an inbox with a templated acknowledgement
    inbox.settings = {**inbox.settings, "auto_ack": {"subject": "Got it: {subject}",
                                                     "body": "Hi {customer_name}, ticket {ticket_number} at {brand}."}}
    inbox.save()
    # when a customer opens a ticket
    stored = pipeline.receive(inbox, mail(name="Ann"))
    # then a system message, visible on the ticket, is queued to the customer with the filled template
    ticket = stored.ticket
    [ack] = acknowledgements(ticket.pk)
    assert ack.body_text == f"Hi Ann, ticket {ticket.number} at Acme."
    assert ack.metadata["email"]["to"] == [{"address": "ann@example.test", "name": "Ann"}]
    assert ack.metadata["email"]["subject"] == "Got it: My parcel has not arrived"
    assert ack.delivery_status == DeliveryStatus.QUEUED
    assert Delivery.objects.get(message=ack).inbox == inbox


def test_acknowledgements_can_be_turned_off(inbox):
    # given an inbox without acknowledgements
    inbox.settings = {**inbox.settings, "auto_ack": {"enabled": False}}
    inbox.save()
    # when a customer opens a ticket / then nothing goes back
    assert acknowledgements(pipeline.receive(inbox, mail()).ticket_id) == []


@pytest.mark.parametrize("kind", ["auto_reply", "bounce", "feedback_report", "list"])
def test_automated_mail_is_never_acknowledged(inbox, kind):
    # given automated mail of each kind (a bounce about nothing we sent stores nothing at all)
    message = mail(automated=kind, subject="Automatic reply")
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then no acknowledgement is queued
    assert not Message.objects.filter(kind=MessageKind.SYSTEM, direction=Direction.OUTBOUND).exists()
    if kind == "bounce":
        assert stored is None and not Ticket.objects.exists()


def test_acknowledgements_are_rate_limited_per_address(inbox):
    # given a sender opening four tickets within the hour
    for n in range(4):
        pipeline.receive(inbox, mail(subject=f"Question {n}"))
    # then only the first three are acknowledged
    assert Message.objects.filter(kind=MessageKind.SYSTEM, direction=Direction.OUTBOUND).count() == 3
    assert AutoReplyLog.objects.filter(address="ann@example.test").count() == 3


def test_the_rate_limit_is_an_inbox_setting(inbox):
    # given an inbox allowing one automatic mail per address and hour
    inbox.settings = {**inbox.settings, "auto_ack": {"limit_per_hour": 1}}
    inbox.save()
    # when a sender opens two tickets and another sender one
    pipeline.receive(inbox, mail(subject="One"))
    pipeline.receive(inbox, mail(subject="Two"))
    pipeline.receive(inbox, mail(sender="bob@example.test"))
    # then each address got one
    assert sorted(AutoReplyLog.objects.values_list("address", flat=True)) == ["ann@example.test", "bob@example.test"]


def _sent_reply(inbox, agent):  # type: ignore[no-untyped-def]
    ticket = pipeline.receive(inbox, mail(sender="zoe@example.test")).ticket
    reply = post_reply(agent, ticket, text="Here you go.")
    Message.objects.filter(pk=reply.pk).update(external_id="out1@acme.test", delivery_status=DeliveryStatus.SENT)
    return ticket, reply


def bounce(**info):  # type: ignore[no-untyped-def]
    details = {"failed_recipients": ["zoe@example.test"], "status": "5.1.1", "permanent": True,
               "diagnostic": "550 5.1.1 User unknown", "original_message_id": ""}
    details.update(info)
    return mail(sender="mailer-daemon@mx.example.test", subject="Undelivered Mail Returned to Sender",
                automated="bounce", bounce=details)


def test_a_bounce_marks_the_original_bounced_the_address_bouncing_and_tells_the_agents(inbox, agent):
    # given a reply we sent to Zoe
    ticket, reply = _sent_reply(inbox, agent)
    # when the bounce for it arrives, quoting its Message-ID
    notice = pipeline.receive(inbox, bounce(original_message_id="out1@acme.test"))
    # then the reply is bounced with the reason, Zoe's address is bouncing, and the ticket says so to agents
    reply.refresh_from_db()
    identity = ContactIdentity.objects.get(value="zoe@example.test")
    assert reply.delivery_status == DeliveryStatus.BOUNCED and "User unknown" in reply.delivery_error
    assert identity.is_bouncing and identity.bounced_at is not None and "5.1.1" in identity.bounce_reason
    assert notice.ticket_id == ticket.pk and notice.kind == MessageKind.SYSTEM
    assert notice.direction == Direction.INTERNAL and "zoe@example.test" in notice.body_text
    assert ticket.timeline.filter(action="delivery_bounced").exists()
    assert Ticket.objects.count() == 1


def test_a_bounce_without_a_message_id_finds_the_latest_mail_to_the_failed_recipient(inbox, agent):
    # given a reply we sent to Zoe
    _, reply = _sent_reply(inbox, agent)
    # when a bounce naming only the failed recipient arrives
    pipeline.receive(inbox, bounce())
    # then that reply is bounced
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.BOUNCED


def test_a_delay_notice_changes_no_status_but_tells_the_agents(inbox, agent):
    # given a reply we sent
    ticket, reply = _sent_reply(inbox, agent)
    # when a temporary failure notice arrives
    notice = pipeline.receive(inbox, bounce(original_message_id="out1@acme.test", status="4.4.7", permanent=False))
    # then the reply is still sent, the address is fine, and the agents see the notice
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    assert not ContactIdentity.objects.get(value="zoe@example.test").is_bouncing
    assert notice.ticket_id == ticket.pk and "delayed" in notice.body_text


def test_a_bounce_about_nothing_we_sent_stores_nothing(inbox):
    # given nothing sent to that address / when its bounce arrives / then it is ignored
    assert pipeline.receive(inbox, bounce(failed_recipients=["nobody@example.test"])) is None
    assert not Message.objects.exists()
