"""The MIME mail of a reply: the headers that keep the customer's answer on its ticket, recipients, body."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from frontdesk.inboxes import pipeline
from frontdesk.inboxes.adapters.email.adapter import EmailAdapter
from frontdesk.inboxes.adapters.email.addresses import read_reply_token
from frontdesk.inboxes.adapters.email.outbound import PermanentFailure, classify, connection_for
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.reply_tokens import ticket_id
from frontdesk.inboxes.tests.inbound import mail
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory
from frontdesk.tickets.choices import Direction, MessageKind
from frontdesk.tickets.models import Message
from frontdesk.tickets.services import Upload, post_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox():  # type: ignore[no-untyped-def]
    brand = BrandFactory(name="Acme", slug="acme", support_email="support@acme.test")
    return InboxFactory(
        brand=brand, name="Acme support", channel_kind=ChannelKind.EMAIL, address="help@acme.test",
        settings={"from_name": "Acme Support", "signature": "The Acme team", "auto_ack": False},
    )


@pytest.fixture
def agent(inbox):  # type: ignore[no-untyped-def]
    return AgentFactory(brands=[inbox.brand], name="Sam", signature="Sam, Acme support")


def sent(inbox, message):  # type: ignore[no-untyped-def]
    result = EmailAdapter().deliver(inbox, message)
    assert result.ok, result.error
    return django_mail.outbox[-1]


def test_a_reply_carries_the_threading_headers_recipients_and_signature(inbox, agent):
    # given a ticket opened by a mail that answered an earlier one, with Bob copied in
    first = pipeline.receive(
        inbox,
        mail(subject="Re: RE: Parcel", cc=("bob@example.test",), message_id="c1@mail.example.test",
             references=("root@mail.example.test",), name="Ann",
             metadata={"email": {"references": ["root@mail.example.test"]}}),
    )
    ticket = first.ticket
    # when an agent replies with an attachment
    reply = post_reply(agent, ticket, text="It left today.", html="<p>It <b>left</b> today.</p>",
                       attachments=[Upload("label.txt", b"tracking 123")])
    out = sent(inbox, reply)
    headers = out.message()
    # then the mail is threaded, addressed and signed as it should be
    reply.refresh_from_db()
    assert headers["From"] == "Acme Support <help@acme.test>"
    assert out.to == ["Ann <ann@example.test>"] and out.cc == ["bob@example.test"]
    assert headers["Subject"] == f"Re: Parcel [#{ticket.number}]"
    assert headers["Message-ID"] == f"<{reply.external_id}>" and reply.external_id.endswith("@acme.test")
    assert headers["In-Reply-To"] == "<c1@mail.example.test>"
    assert headers["References"] == "<root@mail.example.test> <c1@mail.example.test>"
    assert ticket_id(read_reply_token(headers["Reply-To"])) == ticket.pk
    assert headers["Auto-Submitted"] is None
    assert "It left today.\n\n-- \nSam, Acme support" in out.body
    assert out.alternatives[0][1] == "text/html" and "<b>left</b>" in out.alternatives[0][0]
    assert out.attachments[0][0] == "label.txt"


def test_the_composer_chooses_to_cc_and_bcc(inbox, agent):
    # given a ticket with Bob copied in
    ticket = pipeline.receive(inbox, mail(cc=("bob@example.test",))).ticket
    # when the agent replies to someone else, copying Carol and blind-copying Dan (and the support address)
    chosen = {"to": [{"address": "ops@example.test", "name": "Ops"}], "cc": ["carol@example.test", "help@acme.test"],
              "bcc": ["dan@example.test"]}
    out = sent(inbox, post_reply(agent, ticket, text="Forwarding to ops.", metadata={"email": chosen}))
    # then those are the recipients, and the support address is never one of them
    assert out.to == ["Ops <ops@example.test>"] and out.cc == ["carol@example.test"]
    assert out.bcc == ["dan@example.test"]


def test_an_acknowledgement_says_it_is_automatic(inbox):
    # given an inbox that acknowledges new tickets
    inbox.settings = {**inbox.settings, "auto_ack": {"enabled": True}}
    inbox.save()
    stored = pipeline.receive(inbox, mail(message_id="n1@mail.example.test"))
    ack = Message.objects.get(ticket_id=stored.ticket_id, kind=MessageKind.SYSTEM, direction=Direction.OUTBOUND)
    # when it is sent
    out = sent(inbox, ack)
    headers = out.message()
    # then auto-responders are told not to answer, and the ticket number is in the subject
    assert headers["Auto-Submitted"] == "auto-replied" and headers["X-Auto-Response-Suppress"] == "All"
    assert f"[#{stored.ticket.number}]" in headers["Subject"]
    assert headers["In-Reply-To"] == "<n1@mail.example.test>"
    assert out.to == ["ann@example.test"] and out.cc == []
    assert "The Acme team" not in out.body


def test_quoted_history_is_added_when_the_inbox_asks_for_it(inbox, agent):
    # given an inbox quoting history and a customer's mail
    inbox.settings = {**inbox.settings, "quote_history": True}
    inbox.save()
    ticket = pipeline.receive(inbox, mail(text="Where is order 1001?")).ticket
    # when the agent replies
    out = sent(inbox, post_reply(agent, ticket, text="Found it."))
    # then the customer's words are quoted below the reply
    assert "> Where is order 1001?" in out.body


def test_a_subject_that_is_already_a_reply_gets_no_second_re(inbox, agent):
    # given a ticket whose subject has our number already
    ticket = pipeline.receive(inbox, mail(subject="Re: Broken lamp [#77]")).ticket
    # when the agent replies
    out = sent(inbox, post_reply(agent, ticket, text="Sorry."))
    # then the subject has one Re: and the ticket's own number
    assert out.subject == f"Re: Broken lamp [#{ticket.number}]"


def test_a_reply_to_nobody_fails_for_good(inbox, agent):
    # given a reply whose requester has no email address
    ticket = pipeline.receive(inbox, mail()).ticket
    ticket.requester.identities.all().delete()
    reply = post_reply(agent, ticket, text="Hello?")
    # when it is sent / then it fails without retry
    result = EmailAdapter().deliver(inbox, reply)
    assert not result.ok and not result.retry and "no email address" in result.error


def test_an_inbox_can_send_through_an_email_provider(inbox, monkeypatch):
    # given an inbox sending through Mailgun, its key in an environment variable
    monkeypatch.setenv("ACME_MAILGUN_KEY", "key-123")
    inbox.settings = {**inbox.settings, "outbound": {"backend": "anymail", "esp": "mailgun",
                                                     "api_key_env": "ACME_MAILGUN_KEY"}}
    # when its connection is made / then it is anymail's Mailgun backend with that key
    connection = connection_for(inbox)
    assert type(connection).__module__ == "anymail.backends.mailgun" and connection.api_key == "key-123"


def test_postmark_gets_its_key_as_a_server_token(inbox, monkeypatch):
    # given an inbox sending through Postmark
    monkeypatch.setenv("ACME_POSTMARK_TOKEN", "pm-123")
    inbox.settings = {**inbox.settings, "outbound": {"backend": "anymail", "esp": "postmark",
                                                     "api_key_env": "ACME_POSTMARK_TOKEN"}}
    # when its connection is made / then anymail's Postmark backend holds the token where Postmark wants it
    connection = connection_for(inbox)
    assert type(connection).__module__ == "anymail.backends.postmark" and connection.server_token == "pm-123"


def test_demo_mail_never_leaves_through_an_inbox_relay(inbox, settings):
    # given the demo, and an inbox configured with its own SMTP relay
    settings.DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    inbox.settings = {**inbox.settings, "outbound": {"backend": "smtp", "host": "smtp.example.com"}}
    # when its connection is made / then it is the default backend (the demo's outbox folder), not the relay
    assert type(connection_for(inbox)).__module__ == "django.core.mail.backends.locmem"


@pytest.mark.parametrize("outbound", [{"backend": "pigeon"}, {"backend": "anymail", "esp": "../../etc"}])
def test_unknown_outbound_settings_fail_for_good(inbox, outbound):
    # given settings naming no known backend / when used / then sending fails without retrying
    inbox.settings = {**inbox.settings, "outbound": outbound}
    with pytest.raises(PermanentFailure) as failure:
        connection_for(inbox)
    assert classify(failure.value)[1] is False
