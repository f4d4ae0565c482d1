"""An email ticket in the workspace: To/Cc/Bcc and signature, the original, quoted text, remote images, delivery."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontdesk.contacts.models import ContactIdentity
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Delivery, Intake
from frontdesk.testing.factories import ContactFactory, InboxFactory, make_ticket
from frontdesk.tickets.models import Message, TicketParticipant
from frontdesk.tickets.services import add_participants
from frontdesk.workspace.tests.desk import HTMX, make_desk, signed_in

pytestmark = pytest.mark.django_db

TRACKER = "https://tracker.example/open.gif?u=42"
RAW = (
    b"From: Ada Lovelace <ada@example.test>\r\nTo: support@acme.test\r\nSubject: Parcel\r\n"
    b"Message-ID: <m1@example.test>\r\n\r\n<script>alert(1)</script> Where is it?\r\n"
)


@pytest.fixture
def desk():
    return make_desk()


@pytest.fixture
def inbox(desk):
    return InboxFactory(brand=desk.brand, name="Acme mail", channel_kind=ChannelKind.EMAIL, address="support@acme.test")


def email_ticket(desk, inbox, *, html="", text="Where is my parcel?", email=None, **fields):
    known = ContactIdentity.objects.filter(brand=desk.brand, value="ada@example.test").first()
    requester = known.contact if known else ContactFactory(brand=desk.brand, name="Ada", email="ada@example.test")
    metadata = {"email": {"message_id": "m1@example.test", "from": "Ada Lovelace <ada@example.test>",
                          "to": ["support@acme.test"], **(email or {})}}
    return make_ticket(
        desk.brand, requester=requester, inbox=inbox, channel_kind=ChannelKind.EMAIL, subject="Parcel",
        text=text, html=html, metadata=metadata, **fields,
    )


def page(client, ticket, query=""):
    return client.get(f"/tickets/{ticket.number}/{query}")


def reply(client, ticket, htmx=False, **fields):
    data = {"kind": "reply", "text": "It left the warehouse today.", "to": "ada@example.test", "cc": "", "bcc": "",
            "signature": ""} | fields
    return client.post(f"/tickets/{ticket.number}/messages/", data, **(HTMX if htmx else {}))


# The composer


def test_the_composer_of_an_email_ticket_prefills_the_requester_the_participants_and_the_signature(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    add_participants(ticket, [ContactFactory.create(brand=desk.brand, email="bob@example.test")])
    desk.agent.signature = "Best regards,\nSupport Person"
    desk.agent.save(update_fields=["signature"])
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert 'name="to" value="ada@example.test"' in html
    assert 'name="cc" value="bob@example.test"' in html
    assert 'name="bcc" value=""' in html
    assert "Best regards,\nSupport Person</textarea>" in html


def test_a_ticket_on_a_channel_without_addresses_has_no_recipient_fields(desk):
    # given
    ticket = desk.ticket()
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert 'name="cc"' not in html and 'name="text"' in html


def test_a_reply_goes_to_the_chosen_people_with_the_signature_and_new_cc_become_participants(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    client = signed_in(desk.agent)
    # when
    response = reply(
        client, ticket, cc="Bob <Bob@Example.test>; carol@example.test", bcc="audit@acme.test",
        signature="Support Person\nAcme",
    )
    # then
    assert response.status_code == 302
    sent = Message.objects.get(ticket=ticket, kind="reply")
    assert sent.metadata["email"].items() >= {
        "to": ["ada@example.test"], "cc": ["bob@example.test", "carol@example.test"], "bcc": ["audit@acme.test"],
        "signature": "Support Person\nAcme",
    }.items()
    assert sent.body_text == "It left the warehouse today."
    copied = set(TicketParticipant.objects.filter(ticket=ticket).values_list("contact__identities__value", flat=True))
    assert copied == {"bob@example.test", "carol@example.test"}


def test_after_a_send_over_htmx_the_new_participants_are_prefilled(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    # when
    response = reply(signed_in(desk.agent), ticket, htmx=True, cc="bob@example.test")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="composer-recipients"' in html and 'name="cc" value="bob@example.test"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [("cc", "bob@example"), ("cc", "not an address"), ("to", ""), ("bcc", "a@b.test, <>"), ("to", "x@@y.test")],
)
def test_a_bad_address_is_refused_with_the_text_kept_and_nothing_sent(desk, inbox, field, value):
    # given
    ticket = email_ticket(desk, inbox)
    before = Message.objects.filter(ticket=ticket).count()
    # when
    response = reply(signed_in(desk.agent), ticket, **{field: value, "text": "Keep me"})
    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html and ("email address" in html or "at least one address" in html)
    assert "Keep me</textarea>" in html
    assert Message.objects.filter(ticket=ticket).count() == before
    assert not TicketParticipant.objects.filter(ticket=ticket).exists()


def test_a_bad_address_over_htmx_is_a_toast(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    # when
    response = reply(signed_in(desk.agent), ticket, htmx=True, cc="bob@")
    # then
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#flash"
    assert "“bob@” is not an email address" in response.content.decode()


def test_a_note_on_an_email_ticket_ignores_the_recipient_fields(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    # when
    response = reply(signed_in(desk.agent), ticket, kind="note", cc="not an address", signature="Sig")
    # then
    note = Message.objects.get(ticket=ticket, kind="note")
    assert response.status_code == 302
    assert note.metadata == {} and note.body_text == "It left the warehouse today."


def test_a_bouncing_address_is_shown_before_sending(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    ContactIdentity.objects.filter(value="ada@example.test").update(is_bouncing=True)
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert "bounce-warning" in html and "Mail to <b>ada@example.test</b> bounced" in html


# Show original


def keep_original(ticket, raw=RAW):
    message = ticket.messages.get()
    sha = hashlib.sha256(raw).hexdigest()
    intake = Intake(
        inbox=ticket.inbox, brand=ticket.brand, source="smtp", sha256=sha, size=len(raw), received_at=timezone.now(),
        message=message,
    )
    intake.raw.save(f"test/{sha}", ContentFile(raw), save=False)
    intake.save()
    return message, intake


def test_show_original_downloads_the_raw_mail_as_plain_text(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    message, _ = keep_original(ticket)
    client = signed_in(desk.agent)
    # when
    html = page(client, ticket).content.decode()
    response = client.get(f"/messages/{message.pk}/original/")
    # then
    assert f'href="/messages/{message.pk}/original/"' in html and "Show original" in html
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == RAW


def test_show_original_is_found_through_the_intake_named_in_the_metadata(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    message, intake = keep_original(ticket)
    Intake.objects.filter(pk=intake.pk).update(message=None)
    Message.objects.filter(pk=message.pk).update(metadata={"email": {"intake_id": intake.pk}})
    # when
    response = signed_in(desk.agent).get(f"/messages/{message.pk}/original/")
    # then
    assert response.status_code == 200


def test_show_original_is_a_404_for_another_brand_and_for_a_message_without_one(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    message, _ = keep_original(ticket)
    other = email_ticket(desk, inbox).messages.get()
    # when
    outsider = signed_in(desk.outsider).get(f"/messages/{message.pk}/original/")
    missing = signed_in(desk.agent).get(f"/messages/{other.pk}/original/")
    unknown = signed_in(desk.agent).get("/messages/999999/original/")
    # then
    assert (outsider.status_code, missing.status_code, unknown.status_code) == (404, 404, 404)


def test_an_intake_of_another_brand_named_in_the_metadata_is_not_served(desk, inbox):
    # given: a message pointing at an intake id of another brand's mail
    foreign_inbox = InboxFactory(brand=desk.other_brand, channel_kind=ChannelKind.EMAIL, address="x@globex.test")
    foreign = make_ticket(desk.other_brand, inbox=foreign_inbox, channel_kind=ChannelKind.EMAIL)
    _, foreign_intake = keep_original(foreign)
    ticket = email_ticket(desk, inbox, email={"intake_id": foreign_intake.pk})
    # when
    response = signed_in(desk.agent).get(f"/messages/{ticket.messages.get().pk}/original/")
    # then
    assert response.status_code == 404


# Quoted history, automatic replies, forwards


def test_the_stripped_text_is_shown_first_and_the_full_message_on_request(desk, inbox):
    # given
    full = "Thanks, that works!\n\nOn Monday, Support wrote:\n> Try restarting it."
    ticket = email_ticket(desk, inbox, text=full, email={"visible_text": "Thanks, that works!"})
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    visible = html.index('class="msg-body prose msg-visible"')
    assert html.index("Thanks, that works!", visible) < html.index("Show full message")
    assert html.index("Try restarting it.") > html.index("Show full message")


def test_automatic_replies_and_forwarded_originals_are_marked(desk, inbox):
    # given
    auto = email_ticket(desk, inbox, email={"automated": "auto_reply"})
    forwarded = email_ticket(
        desk, inbox, email={"forwarded": {"name": "Grace Hopper", "address": "grace@example.test",
                                          "subject": "Broken lamp", "note": "Can you help her?"}},
    )
    client = signed_in(desk.agent)
    # when
    auto_html = page(client, auto).content.decode()
    forwarded_html = page(client, forwarded).content.decode()
    # then
    assert "mail-badge-auto" in auto_html and "Automatic reply" in auto_html
    assert "Automatic reply" not in forwarded_html
    assert "mail-badge-forward" in forwarded_html
    assert "originally from <b>Grace Hopper</b> &lt;grace@example.test&gt;" in forwarded_html
    assert "Can you help her?" in forwarded_html


# Remote images


def test_remote_images_are_not_loaded_until_the_agent_asks(desk, inbox):
    # given
    html = f'<p>Look:</p><img src="{TRACKER}" alt="logo" width="120"><img src="data:image/png;base64,iVBORw0KGgo=">'
    ticket = email_ticket(desk, inbox, html=html)
    message = ticket.messages.get()
    client = signed_in(desk.agent)
    # when
    blocked = page(client, ticket)
    shown = page(client, ticket, f"?images={message.pk}")
    # then
    body = blocked.content.decode()
    assert "tracker.example" not in body
    assert 'alt="logo" width="120" class="remote-image"' in body and "data:image/png" in body
    assert "1 remote image hidden" in body and f'href="?images={message.pk}#m{message.pk}"' in body
    assert "img-src 'self' data:;" in blocked["Content-Security-Policy"]
    assert 'src="https://tracker.example/open.gif?u=42"' in shown.content.decode().replace("&amp;", "&")
    assert "img-src 'self' data: https: http:" in shown["Content-Security-Policy"]


def test_showing_images_of_one_message_keeps_the_others_blocked(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox, html=f'<img src="{TRACKER}">')
    client = signed_in(desk.agent)
    client.post(f"/tickets/{ticket.number}/messages/", {"kind": "note", "html": "x", "text": "x"})
    other = Message.objects.create(
        ticket=ticket, direction="inbound", kind="customer", channel_kind="email", body_text="again",
        body_html='<img src="//pixel.example/again.gif"><img src="/\\\\evil.example/x.gif">',
    )
    # when
    body = page(client, ticket, f"?images={ticket.messages.order_by('id').first().pk}").content.decode()
    # then
    assert "tracker.example" in body
    assert "pixel.example" not in body and "evil.example" not in body
    assert f'id="m{other.pk}"' in body


def test_junk_in_the_images_parameter_is_ignored(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox, html=f'<img src="{TRACKER}">')
    # when
    response = page(signed_in(desk.agent), ticket, "?images=abc,%C2%B2,99999999999999999999999")
    # then
    assert response.status_code == 200 and "tracker.example" not in response.content.decode()


# Delivery status


@pytest.mark.parametrize(
    ("status", "error", "badge", "shown"),
    [
        ("queued", "", "Queued", ""),
        ("sent", "", "Sent", ""),
        ("failed", "550 5.1.1 <ada@example.test>: mailbox unavailable", "Failed", "This reply could not be sent."),
        ("bounced", "5.1.1 user unknown", "Bounced", "This reply bounced"),
    ],
)
def test_each_reply_shows_its_delivery_status_and_why_it_failed(desk, inbox, status, error, badge, shown):
    # given
    ticket = email_ticket(desk, inbox)
    reply(signed_in(desk.agent), ticket)
    Message.objects.filter(ticket=ticket, kind="reply").update(delivery_status=status, delivery_error=error)
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert f'data-delivery="{status}"' in html and f"{badge}</span>" in html
    assert shown in html
    if error:
        assert error.replace("<", "&lt;").replace(">", "&gt;") in html


def test_a_reply_being_retried_says_so_with_the_last_error(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    reply(signed_in(desk.agent), ticket)
    sent = Message.objects.get(ticket=ticket, kind="reply")
    Message.objects.filter(pk=sent.pk).update(delivery_status="queued")
    Delivery.objects.update_or_create(
        message=sent,
        defaults={"inbox": inbox, "status": "queued", "attempts": 2, "last_error": "421 try again later",
                  "next_attempt_at": timezone.now()},
    )
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert 'data-delivery="retrying"' in html and "Attempt 2 failed: 421 try again later" in html


def test_the_ticket_page_costs_the_same_queries_however_long_the_conversation(desk, inbox):
    # given: a conversation, measured, then four more replies, each copying someone new in
    ticket = email_ticket(desk, inbox, html=f'<img src="{TRACKER}">')
    client = signed_in(desk.agent)
    reply(client, ticket, cc="p0@example.test")
    page(client, ticket)
    with CaptureQueriesContext(connection) as short:
        page(client, ticket)
    for n in range(1, 5):
        reply(client, ticket, text=f"Answer {n}", cc=f"p{n}@example.test")
    # when
    with CaptureQueriesContext(connection) as long:
        response = page(client, ticket)
    # then
    assert response.status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries) <= 25


def test_a_bounced_address_is_marked_on_the_customer_with_the_reason(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    ContactIdentity.objects.filter(value="ada@example.test").update(
        is_bouncing=True, bounced_at=timezone.now(), bounce_reason="5.1.1 user unknown"
    )
    client = signed_in(desk.agent)
    # when
    ticket_html = page(client, ticket).content.decode()
    contact_html = client.get(f"/contacts/{ticket.requester_id}/").content.decode()
    # then
    assert "bouncing</span>" in ticket_html and "5.1.1 user unknown" in ticket_html
    assert "bounced now</span>" in contact_html and 'title="5.1.1 user unknown"' in contact_html


def test_a_follow_up_ticket_links_to_the_closed_one_and_both_stories_say_so(desk, inbox):
    # given
    old = email_ticket(desk, inbox)
    new = email_ticket(desk, inbox, follow_up_of=old)
    client = signed_in(desk.agent)
    # when
    new_html = page(client, new).content.decode()
    old_html = page(client, old).content.decode()
    # then
    assert f'href="/tickets/{old.number}/"' in new_html and f"Follow-up of #{old.number}" in new_html
    assert f"following up #{old.number}" in new_html
    assert f"follow-up #{new.number}" in old_html


def test_an_agents_own_mail_copied_to_the_support_address_says_so(desk, inbox):
    # given
    ticket = email_ticket(desk, inbox)
    Message.objects.create(
        ticket=ticket, direction="outbound", kind="reply", channel_kind="email", author_agent=desk.agent,
        body_text="Answered from my phone.", body_html="<p>Answered from my phone.</p>",
        metadata={"sent_by_agent": desk.agent.pk, "email": {"to": ["ada@example.test"]}},
    )
    # when
    html = page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert "from their mailbox" in html and "Answered from my phone." in html
