"""End to end, outbound: an agent replies over the REST API, the worker sends it to a real SMTP server, and the
customer's answer to what that server received threads back onto the ticket, however their client mangles it."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses

import pytest

from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.intake import receive_raw
from frontdesk.inboxes.models import Inbox
from frontdesk.testing.api import as_agent
from frontdesk.testing.factories import AgentFactory, BrandFactory
from frontdesk.testing.smtp_sink import smtp_sink
from frontdesk.tickets.choices import DeliveryStatus
from frontdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink():  # type: ignore[no-untyped-def]
    with smtp_sink() as running:
        yield running


@pytest.fixture
def inbox(sink):  # type: ignore[no-untyped-def]
    brand = BrandFactory(name="Acme", slug="acme", support_email="support@acme.test")
    return Inbox.objects.create(
        brand=brand, name="Acme support", channel_kind=ChannelKind.EMAIL, address="support@acme.test",
        settings={"from_name": "Acme Support", "auto_ack": False,
                  "outbound": {"backend": "smtp", "host": sink.host, "port": sink.port, "timeout": 5}},
    )


def customer_mail(subject: str, **headers: str) -> bytes:
    body = headers.pop("body", "My order 1001 has not arrived.")
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Ann Example <ann@example.test>")
    message["To"] = headers.pop("to", "support@acme.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message["Subject"] = subject
    message.set_content(body)
    return message.as_bytes()


@pytest.mark.parametrize("client", ["keeps In-Reply-To only", "drops every reference", "keeps only the subject"])
def test_an_agent_reply_goes_out_threaded_and_the_answer_comes_back_to_its_ticket(
    inbox, sink, client, django_capture_on_commit_callbacks
):
    # Given a customer's mail copying Bob in, received as the SMTP listener would hand it over
    first = receive_raw(
        inbox, customer_mail("Parcel missing", Cc="Bob <bob@example.test>", Message_ID="<ann-1@example.test>"),
        source="smtp",
    )
    ticket = Ticket.objects.get(pk=first.intake.message.ticket_id)
    agent = AgentFactory(brands=[inbox.brand], name="Sam")

    # When the agent replies through the REST API and the worker runs (inline in tests, after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_agent(agent).post(f"/tickets/{ticket.pk}/messages", {"kind": "reply", "text": "It left today."})
    assert response.status_code == 201, response.content

    # Then the SMTP server received one mail with every header a client needs to thread the answer
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.delivery_status == DeliveryStatus.SENT
    [received] = sink.received
    sent = received.message
    assert sorted(received.rcpt_tos) == ["ann@example.test", "bob@example.test"]
    assert sent["From"] == "Acme Support <support@acme.test>"
    assert getaddresses([sent["To"]]) == [("Ann Example", "ann@example.test")]
    assert getaddresses([sent["Cc"]]) == [("Bob", "bob@example.test")]
    assert sent["Subject"] == f"Re: Parcel missing [#{ticket.number}]"
    assert sent["Message-ID"] == f"<{reply.external_id}>"
    assert sent["In-Reply-To"] == "<ann-1@example.test>" and "<ann-1@example.test>" in sent["References"]
    reply_to = getaddresses([sent["Reply-To"]])[0][1]
    assert reply_to.startswith("reply+") and reply_to.endswith("@acme.test")
    assert sent.get_body(("plain",)).get_content().startswith("It left today.")
    assert sent.get_body(("html",)) is not None

    # When the customer answers what they received, their client mangling the headers in its own way
    headers: dict[str, str] = {"Message_ID": "<ann-2@example.test>", "body": "Thanks!"}
    if client == "keeps In-Reply-To only":
        headers.update(to=reply_to, In_Reply_To=sent["Message-ID"])
    elif client == "drops every reference":
        headers.update(to=reply_to.upper())
    answer = receive_raw(inbox, customer_mail("RE: " + sent["Subject"], **headers), source="smtp")

    # Then the answer is on the same ticket
    assert answer.intake.message is not None
    assert answer.intake.message.ticket_id == ticket.pk
    assert Ticket.objects.count() == 1
