"""Mail from an agent's own address is an agent action: a reply already sent, a note, or a forwarded customer."""

from __future__ import annotations

import pytest

from frontdesk.contacts.models import ContactIdentity
from frontdesk.inboxes import pipeline
from frontdesk.inboxes.models import Delivery
from frontdesk.inboxes.tests.inbound import mail
from frontdesk.testing.factories import AgentFactory, BrandFactory
from frontdesk.tickets.choices import DeliveryStatus, MessageKind
from frontdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def forwarded(address: str = "carla@customer.test", note: str = "Can someone help Carla?") -> dict[str, str]:
    return {"address": address, "name": "Carla", "subject": "Broken lamp", "text": "My lamp arrived broken.",
            "note": note}


def test_an_agent_answering_from_their_mail_client_is_stored_as_their_reply_and_not_sent_again(
    inbox, agent, django_capture_on_commit_callbacks
):
    # given a customer's ticket
    opened = pipeline.receive(inbox, mail(message_id="q1@mail.example.test"))
    # when the agent answers the customer from their own mail client, copying the support address
    with django_capture_on_commit_callbacks(execute=True):
        stored = pipeline.receive(
            inbox,
            mail(sender=agent.email.upper(), to=("ann@example.test",), cc=("help@acme.test",),
                 references=("q1@mail.example.test",), message_id="agent1@acme-staff.test", text="On its way."),
        )
    # then it is the agent's reply on that ticket, marked sent, with nothing queued to send it again
    assert stored.ticket_id == opened.ticket_id
    assert stored.kind == MessageKind.REPLY and stored.author_agent == agent and stored.author_contact is None
    assert stored.delivery_status == DeliveryStatus.SENT and stored.external_id == "agent1@acme-staff.test"
    assert not Delivery.objects.filter(message=stored).exists()
    assert not ContactIdentity.objects.filter(value=agent.email).exists()


def test_a_customer_answering_the_agents_own_mail_threads_onto_the_ticket(inbox, agent):
    # given an agent's reply recorded from their own mail client
    opened = pipeline.receive(inbox, mail(message_id="q2@mail.example.test"))
    pipeline.receive(
        inbox, mail(sender=agent.email, references=("q2@mail.example.test",), message_id="agent2@acme-staff.test")
    )
    # when the customer answers that mail
    reply = pipeline.receive(inbox, mail(references=("agent2@acme-staff.test",)))
    # then it joins the ticket
    assert reply.ticket_id == opened.ticket_id and reply.kind == MessageKind.CUSTOMER


def test_an_agent_forwarding_a_customer_mail_opens_the_customers_ticket_with_the_note(inbox, agent):
    # given a customer's mail the agent received personally
    message = mail(sender=agent.email, subject="Fwd: Broken lamp", forwarded=forwarded(), message_id="fw1@staff")
    # when the agent forwards it into the support address
    stored = pipeline.receive(inbox, message)
    # then the ticket is the customer's, with the original text, and the agent's words are an internal note
    ticket = stored.ticket
    assert ticket.requester.primary_address == "carla@customer.test" and ticket.subject == "Broken lamp"
    assert stored.body_text == "My lamp arrived broken." and stored.author_contact == ticket.requester
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert note.author_agent == agent and note.body_text == "Can someone help Carla?"
    assert not ContactIdentity.objects.filter(value=agent.email).exists()


def test_a_customer_forwarding_something_is_just_their_message(inbox):
    # given a customer forwarding a mail from a shop
    message = mail(subject="Fwd: Your order", forwarded=forwarded(address="shop@store.test"), text="See below.")
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then it is the customer's own ticket
    assert stored.ticket.requester.primary_address == "ann@example.test"
    assert stored.ticket.subject == "Fwd: Your order"


def test_an_agent_mail_about_nothing_stores_nothing_and_never_makes_the_agent_a_customer(inbox, agent):
    # given a mail from the agent to the support address, on no ticket and forwarding nobody
    message = mail(sender=agent.email, subject="Lunch?")
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then nothing is stored
    assert stored is None and not Ticket.objects.exists()
    assert not ContactIdentity.objects.filter(value=agent.email).exists()


def test_an_agent_of_another_brand_writes_as_a_customer(inbox):
    # given an agent working for another brand only
    outsider = AgentFactory(brands=[BrandFactory()], email="olga@elsewhere.test")
    # when they write to this brand's support address
    stored = pipeline.receive(inbox, mail(sender=outsider.email))
    # then they are a customer here
    assert stored.kind == MessageKind.CUSTOMER and stored.ticket.requester.primary_address == outsider.email


def test_a_mail_from_our_own_address_is_dropped(inbox):
    # given a mail that claims to come from the support address itself (a loop, or a forged sender)
    message = mail(sender="Help@Acme.test")
    # when it is received / then nothing is stored
    assert pipeline.receive(inbox, message) is None


def test_an_agent_writing_to_a_customer_with_support_copied_in_opens_the_customers_ticket(
    inbox, agent, django_capture_on_commit_callbacks
):
    # given an agent who writes to a customer from their own mail client, support and a colleague of the
    # customer's copied in, about no earlier ticket
    message = mail(
        sender=agent.email, to=("dora@customer.test",), cc=("help@acme.test", "eve@customer.test"),
        subject="Your replacement lamp", text="Dora, a new lamp leaves today.", message_id="begin1@acme-staff.test",
    )
    # when support receives its copy
    with django_capture_on_commit_callbacks(execute=True):
        stored = pipeline.receive(inbox, message)
    # then it is Dora's ticket, the agent's mail its first reply (already sent: nothing queued), assigned to the
    # agent and pending Dora's answer, with Eve following it
    ticket = Ticket.objects.get()
    assert stored.ticket_id == ticket.pk and ticket.subject == "Your replacement lamp"
    assert ticket.requester.primary_address == "dora@customer.test" and ticket.assignee == agent
    assert ticket.status == "pending" and ticket.message_count == 1
    assert stored.kind == MessageKind.REPLY and stored.author_agent == agent
    assert stored.delivery_status == DeliveryStatus.SENT and not Delivery.objects.exists()
    assert [p.contact.primary_address for p in ticket.participants.all()] == ["eve@customer.test"]
    assert not ContactIdentity.objects.filter(value=agent.email).exists()
    # and when Dora answers the agent's mail, her answer reopens that ticket
    answer = pipeline.receive(inbox, mail(sender="dora@customer.test", references=("begin1@acme-staff.test",)))
    ticket.refresh_from_db()
    assert answer.ticket_id == ticket.pk and answer.kind == MessageKind.CUSTOMER and ticket.status == "open"


def test_an_agent_mail_to_colleagues_only_or_an_automatic_one_opens_nothing(inbox, agent):
    # given a colleague, and an agent's mails: to the colleague with support copied in, and an out-of-office
    # answer sent to a customer with support copied in
    colleague = AgentFactory(brands=[inbox.brand], email="cole@acme-staff.test")
    to_colleague = mail(sender=agent.email, to=(colleague.email,), cc=("help@acme.test",), subject="FYI")
    away = mail(sender=agent.email, to=("dora@customer.test",), cc=("help@acme.test",), subject="Out of office",
                automated="auto_reply")
    # when support receives them, then neither opens a ticket
    assert pipeline.receive(inbox, to_colleague) is None and pipeline.receive(inbox, away) is None
    assert not Ticket.objects.exists()
