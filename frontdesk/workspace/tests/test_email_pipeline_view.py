"""Mail received through the real intake and pipeline, then read and answered in the workspace."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core import mail as outbox

from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.intake import receive_raw
from frontdesk.testing.factories import InboxFactory
from frontdesk.tickets.models import Message, Ticket
from frontdesk.workspace.tests.desk import make_desk, signed_in

pytestmark = pytest.mark.django_db
TESTDATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "testdata" / "email"


@pytest.fixture
def desk():
    return make_desk()


@pytest.fixture
def inbox(desk):
    return InboxFactory(
        brand=desk.brand, name="Acme mail", channel_kind=ChannelKind.EMAIL, address="support@acme.test",
        settings={"auto_ack": {"enabled": False}},
    )


def mail(subject="My lamp", *, sender="Ada Lovelace <ada@example.test>", text="", html="", **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Acme Support <support@acme.test>"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", "<lamp-1@example.test>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def test_a_received_mail_is_shown_stripped_with_its_images_held_back_and_its_original(desk, inbox):
    # given
    raw = mail(
        text="The shade is cracked.\n\nOn Mon, 1 Dec 2026, Acme Support <support@acme.test> wrote:\n> It shipped.",
        html='<p>The shade is cracked.</p><img src="https://cdn.example.test/track.gif" width="1" height="1">'
        "<p>On Mon, 1 Dec 2026, Acme Support &lt;support@acme.test&gt; wrote:</p><blockquote>It shipped.</blockquote>",
        Cc="Charles Babbage <charles@example.test>",
    )
    result = receive_raw(inbox, raw, source="smtp")
    ticket = Ticket.objects.get(pk=result.intake.message.ticket_id)
    client = signed_in(desk.agent)
    # when
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    original = client.get(f"/messages/{result.intake.message_id}/original/")
    # then
    assert "cdn.example.test" not in html and "1 remote image hidden" in html
    assert "Show full message" in html
    assert "Charles Babbage" in html  # in the mail's Cc line and prefilled as a participant
    assert 'name="cc" value="charles@example.test"' in html
    assert original.content == raw


def test_an_out_of_office_answer_is_marked_automatic(desk, inbox):
    # given
    source = TESTDATA / "bounces-sisimai" / "bsd" / "rfc3834-01.eml"
    if not source.exists():
        pytest.skip("../shared/testdata is not here")
    result = receive_raw(inbox, source.read_bytes().replace(b"\r\n", b"\n"), source="smtp")
    if result.intake.message is None:
        pytest.skip("this auto-reply is addressed to no inbox of the test")
    # when
    html = signed_in(desk.admin).get(f"/tickets/{result.intake.message.ticket.number}/").content.decode()
    # then
    assert "mail-badge-auto" in html and "Automatic reply" in html


def test_a_reply_with_cc_goes_out_and_shows_sent(desk, inbox, django_capture_on_commit_callbacks):
    # given
    result = receive_raw(inbox, mail(text="Where is my parcel?"), source="smtp")
    ticket = result.intake.message.ticket
    client = signed_in(desk.agent)
    outbox.outbox.clear()
    # when: the reply is committed, and the outbox (inline in tests) sends it
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/tickets/{ticket.number}/messages/",
            {"kind": "reply", "text": "It ships today.", "to": "ada@example.test",
             "cc": "Grace <grace@example.test>", "bcc": "audit@acme.test", "signature": "Ann from Acme"},
        )
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    # then
    sent = Message.objects.get(ticket=ticket, kind="reply")
    assert (sent.delivery_status, sent.delivery_error) == ("sent", "")
    assert 'data-delivery="sent"' in html
    [message] = [m for m in outbox.outbox if "It ships today." in m.body]
    assert (message.to, message.cc, message.bcc) == (["ada@example.test"], ["grace@example.test"], ["audit@acme.test"])
    assert message.body.count("Ann from Acme") == 1
