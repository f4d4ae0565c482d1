"""An email ticket in a real browser: read the mail (images held back), reply with a Cc, see it go out."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from frontdesk.accounts.choices import Role
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.testing.factories import PASSWORD, AgentFactory, BrandFactory, ContactFactory, InboxFactory, make_ticket
from frontdesk.tickets.models import Message, TicketParticipant
from frontdesk.tickets.services import add_participants, post_reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SHOTS = Path(os.environ.get("FRONTDESK_SHOTS", "/tmp/shots"))
MAIL_HTML = (
    "<p>Hello,</p><p>my Aurora desk lamp arrived with a cracked shade (photo below). Can you send a new one?</p>"
    '<p><img src="https://images.example.test/lamp.jpg" alt="photo of the lamp" width="320" height="180"></p>'
    "<p>Thanks, Ada</p><p>On Monday, Acme Support wrote:</p><blockquote>Your order has shipped.</blockquote>"
)


@pytest.fixture
def email_desk(transactional_db):
    brand = BrandFactory(name="Acme", slug="acme")
    agent = AgentFactory(
        email="ann@staff.test", name="Ann Lee", role=Role.AGENT, brands=[brand], signature="Ann Lee\nAcme Support"
    )
    inbox = InboxFactory(brand=brand, name="Acme mail", channel_kind=ChannelKind.EMAIL, address="support@acme.test")
    ada = ContactFactory(brand=brand, name="Ada Lovelace", email="ada@example.test")
    ticket = make_ticket(
        brand, requester=ada, inbox=inbox, channel_kind=ChannelKind.EMAIL, subject="Cracked lamp shade",
        text="Hello,\nmy Aurora desk lamp arrived with a cracked shade. Can you send a new one?\nThanks, Ada\n\n"
        "On Monday, Acme Support wrote:\n> Your order has shipped.",
        html=MAIL_HTML,
        metadata={
            "email": {
                "message_id": "lamp-1@example.test",
                "from": {"address": "ada@example.test", "name": "Ada Lovelace"},
                "to": [{"address": "support@acme.test", "name": "Acme Support"}],
                "cc": [{"address": "charles@example.test", "name": "Charles Babbage"}],
            },
            "visible_text": "Hello,\nmy Aurora desk lamp arrived with a cracked shade. Can you send a new one?\n"
            "Thanks, Ada",
        },
    )
    add_participants(ticket, [ContactFactory(brand=brand, name="Charles Babbage", email="charles@example.test")])
    return agent, ticket


def _sign_in(page, live_server, agent):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", agent.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("All open")


def test_reply_to_an_email_with_a_cc_and_see_it_sent(page, live_server, email_desk):
    # given
    agent, ticket = email_desk
    remote: list[str] = []
    # The "remote" image is answered by the test itself: nothing leaves the machine, and every request is seen.
    page.route(
        "https://images.example.test/**",
        lambda route: (remote.append(route.request.url), route.fulfill(status=200, content_type="image/png", body=PNG)),
    )
    _sign_in(page, live_server, agent)
    # when: the agent opens the ticket
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    # then: the mail shows without its quoted history and without loading the remote image
    first = page.locator("#stream .msg-customer").first
    expect(first).to_contain_text("cracked shade")
    expect(first.locator(".msg-visible")).not_to_contain_text("Your order has shipped")
    expect(first.locator(".images-bar")).to_contain_text("1 remote image hidden")
    expect(page.locator("#composer-to")).to_have_value("ada@example.test")
    expect(page.locator("#composer-cc")).to_have_value("charles@example.test")
    expect(page.locator(".signature summary")).to_contain_text("Ann Lee Acme Support")
    expect(page.locator("#composer-signature")).to_have_value("Ann Lee\nAcme Support")
    assert remote == []
    # when: a bad address is refused, nothing is sent
    page.fill("#composer-text", "We are sending a new shade today.")
    page.fill("#composer-cc", "charles@example.test, grace@")
    page.click("button.send")
    expect(page.locator(".toast-error")).to_contain_text("is not an email address")
    expect(page.locator("#stream .msg-reply")).to_have_count(0)
    # when: the address is corrected and Bcc added
    page.locator(".toast-error .toast-close").click()
    page.fill("#composer-cc", "charles@example.test, Grace Hopper <grace@example.test>")
    page.click(".bcc-link")
    page.fill("#composer-bcc", "orders@acme.test")
    page.click("button.send")
    # then: the reply is on the ticket with its recipients and goes out
    sent = page.locator("#stream .msg-reply").last
    expect(sent).to_contain_text("We are sending a new shade today.")
    expect(sent.locator(".msg-addresses")).to_contain_text("grace@example.test")
    expect(sent.locator("[data-delivery]")).to_have_text(re.compile(r"Queued|Sent"))
    expect(page.locator("#composer-text")).to_have_value("")
    expect(page.locator("#composer-cc")).to_have_value("charles@example.test, grace@example.test")
    assert TicketParticipant.objects.filter(ticket=ticket, contact__identities__value="grace@example.test").exists()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "email-ticket.png"))
    # when: the agent asks for the images of the mail
    page.locator(".images-bar a").click()
    # then: the page comes back with that message's image loaded
    expect(page.locator("#stream .msg-customer .images-bar")).to_have_count(0)
    expect(page.locator('#stream img[alt="photo of the lamp"]')).to_have_attribute(
        "src", "https://images.example.test/lamp.jpg"
    )
    page.wait_for_function("() => document.querySelector('img[alt=\"photo of the lamp\"]').complete")
    assert remote == ["https://images.example.test/lamp.jpg"]
    # when: the agent expands the quoted history
    page.locator("#stream .msg-customer .msg-full summary").click()
    # then
    expect(page.locator("#stream .msg-customer .msg-full")).to_contain_text("Your order has shipped.")
    page.locator("#stream .msg-customer").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "email-ticket-images.png"))
    # The refused address is answered 422 on purpose; the browser and htmx log that answer, nothing else may fail.
    assert [e for e in page.script_errors if "422" not in e] == []



def test_email_inbox_settings_show_only_the_fields_that_apply(page, live_server, transactional_db):
    # given
    brand = BrandFactory(name="Acme", slug="acme")
    admin = AgentFactory(email="root@staff.test", name="Ro Admin", role=Role.ADMIN, brands=[brand])
    inbox = InboxFactory(brand=brand, name="Acme mail", channel_kind=ChannelKind.EMAIL, address="support@acme.test")
    _sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/settings/inboxes/{inbox.pk}/")
    # then: IMAP and relay details stay out of the way until chosen
    expect(page.locator("#id_imap_host")).to_be_hidden()
    expect(page.locator("#id_smtp_host")).to_be_hidden()
    # when: IMAP with OAuth is switched on
    page.check("#id_imap_enabled")
    page.select_option("#id_imap_auth", "xoauth2")
    # then
    expect(page.locator("#id_imap_host")).to_be_visible()
    expect(page.locator("#id_imap_token_url")).to_be_visible()
    expect(page.locator("#id_imap_password_env")).to_be_hidden()
    # when: saved without what OAuth needs, then completed
    page.fill("#id_imap_host", "imap.gmail.com")
    page.fill("#id_imap_username", "support@acme.test")
    page.click("form.form .form-actions button[type=submit]")
    expect(page.locator(".row-imap_token_url .field-error")).to_contain_text("OAuth 2.0")
    page.fill("#id_imap_token_url", "https://oauth2.googleapis.com/token")
    page.fill("#id_imap_client_id_env", "ACME_CLIENT_ID")
    page.fill("#id_imap_refresh_token_env", "ACME_REFRESH_TOKEN")
    page.click("form.form .form-actions button[type=submit]")
    # then
    expect(page.locator(".toast")).to_contain_text("Inbox Acme mail saved.")
    expect(page.locator(".webhook-table")).to_contain_text("/inbound/email/postmark/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#id_imap_host").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "email-inbox-settings.png"))
    page.locator(".webhook-table").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "email-inbox-connection.png"))
    inbox.refresh_from_db()
    assert inbox.settings["imap"]["auth"] == "xoauth2"
    assert page.script_errors == []


def test_a_queued_reply_turns_sent_without_a_reload(page, live_server, email_desk):
    # given: a reply still in the outbox when the page opens
    agent, ticket = email_desk
    reply = post_reply(agent, ticket, text="Checking with the warehouse.")
    Message.objects.filter(pk=reply.pk).update(delivery_status="queued")
    _sign_in(page, live_server, agent)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.locator(f"#m{reply.pk} [data-delivery]")).to_have_text("Queued")
    # when: the worker sends it
    Message.objects.filter(pk=reply.pk).update(delivery_status="sent")
    # then: the page notices by itself
    expect(page.locator(f"#m{reply.pk} [data-delivery]")).to_have_text("Sent")
    assert page.script_errors == []


def test_bounces_automatic_replies_and_forwards_are_told_apart(page, live_server, email_desk):
    # given: a reply that bounced, an out-of-office answer, and the acknowledgement the customer got
    agent, ticket = email_desk
    bounced = post_reply(agent, ticket, text="Here is your return label.")
    Message.objects.filter(pk=bounced.pk).update(
        delivery_status="bounced",
        delivery_error="5.1.1 <ada@example.test>: Recipient address rejected: User unknown in virtual mailbox table",
    )
    Message.objects.create(
        ticket=ticket, direction="inbound", kind="customer", channel_kind="email", author_contact=ticket.requester,
        body_text="I am out of the office until Monday.", body_html="<p>I am out of the office until Monday.</p>",
        metadata={"automated": "auto_reply", "email": {"from": {"address": "ada@example.test", "name": "Ada"}}},
    )
    ticket.requester.identities.update(is_bouncing=True, bounce_reason="5.1.1 User unknown")
    _sign_in(page, live_server, agent)
    # when
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    # then
    expect(page.locator(f"#m{bounced.pk} [data-delivery]")).to_have_text("Bounced")
    expect(page.locator(f"#m{bounced.pk} .delivery-problem")).to_contain_text("User unknown in virtual mailbox")
    expect(page.locator(".msg-automated .mail-badge-auto")).to_have_text("Automatic reply")
    expect(page.locator(".bounce-warning")).to_contain_text("Mail to ada@example.test bounced")
    page.locator(f"#m{bounced.pk}").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "email-ticket-bounce.png"))
    assert page.script_errors == []
