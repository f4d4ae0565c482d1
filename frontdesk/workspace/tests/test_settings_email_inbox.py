"""Settings → an email inbox: addresses, replies, acknowledgement, sending and IMAP, checked before saving."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN)
    client.force_login(agent)
    return agent


@pytest.fixture
def inbox():
    brand = BrandFactory(name="Acme", slug="acme")
    return InboxFactory(
        brand=brand, name="Acme mail", channel_kind=ChannelKind.EMAIL, address="support@acme.test",
        settings={"reply_domain": "acme.test", "imap": {"host": "old.example", "mark_seen": True}},
    )


def valid(**changes):
    data = {
        "name": "Acme mail",
        "is_active": "on",
        "address": "Support@Acme.test",
        "aliases": "help@acme.test\nhelp@acme.test, billing@acme.test",
        "domains": "acme.test @Acme-Shop.test",
        "from_name": "Acme Support",
        "signature": "The Acme team",
        "quote_history": "on",
        "reopen_days": "7",
        "ack_enabled": "on",
        "ack_subject": "[#{ticket_number}] {subject}",
        "ack_body": "Hi {customer_name}, {brand} got it. Literal {{braces}}.",
        "outbound_backend": "smtp",
        "smtp_host": "smtp.acme.test",
        "smtp_port": "465",
        "smtp_security": "ssl",
        "smtp_username": "support@acme.test",
        "smtp_password_env": "ACME_SMTP_PASSWORD",
        "imap_enabled": "on",
        "imap_host": "imap.gmail.com",
        "imap_port": "993",
        "imap_security": "ssl",
        "imap_username": "support@acme.test",
        "imap_auth": "xoauth2",
        "imap_token_url": "https://oauth2.googleapis.com/token",
        "imap_client_id_env": "ACME_CLIENT_ID",
        "imap_client_secret_env": "ACME_CLIENT_SECRET",
        "imap_refresh_token_env": "ACME_REFRESH_TOKEN",
        "imap_folder": "Support",
        "imap_interval_s": "120",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def edit(client, inbox, data):
    return client.post(reverse("settings:inbox_edit", args=[inbox.pk]), data)


def test_the_page_of_an_email_inbox_shows_its_sections_and_where_mail_comes_in(client, admin, inbox):
    # when
    html = client.get(reverse("settings:inbox_edit", args=[inbox.pk])).content.decode()
    # then
    for title in ("Addresses", "Replies", "Automatic acknowledgement", "Sending", "Fetching mail over IMAP"):
        assert f"<legend>{title}</legend>" in html
    assert "/inbound/email/mailgun_mime/" in html and "/inbound/email/amazon_ses/" in html
    assert "/tracking/email/mailgun/" in html and "/tracking/email/postmark/" in html
    assert "Forward <code>support@acme.test</code>" in html and ":2525" in html


def test_an_admin_saves_every_email_setting(client, admin, inbox, monkeypatch):
    # given
    monkeypatch.setenv("ACME_SMTP_PASSWORD", "secret")
    # when
    response = edit(client, inbox, valid())
    # then
    assert response.status_code == 302 and response["Location"] == reverse("settings:inbox_edit", args=[inbox.pk])
    inbox.refresh_from_db()
    s = inbox.settings
    assert inbox.address == "support@acme.test"
    assert s["aliases"] == ["help@acme.test", "billing@acme.test"]
    assert s["domains"] == ["acme.test", "acme-shop.test"]
    assert (s["from_name"], s["signature"], s["quote_history"], s["reopen_days"]) == (
        "Acme Support", "The Acme team", True, 7,
    )
    assert s["auto_ack"] == {
        "enabled": True, "subject": "[#{ticket_number}] {subject}",
        "body": "Hi {customer_name}, {brand} got it. Literal {{braces}}.",
    }
    assert s["outbound"] == {
        "backend": "smtp", "host": "smtp.acme.test", "port": 465, "use_tls": False, "use_ssl": True,
        "username": "support@acme.test", "password_env": "ACME_SMTP_PASSWORD",
    }
    assert s["imap"] == {
        "host": "imap.gmail.com", "port": 993, "ssl": True, "starttls": False, "username": "support@acme.test",
        "auth": "xoauth2", "folder": "Support", "interval_s": 120, "token_url": "https://oauth2.googleapis.com/token",
        "client_id_env": "ACME_CLIENT_ID", "client_secret_env": "ACME_CLIENT_SECRET",
        "refresh_token_env": "ACME_REFRESH_TOKEN", "mark_seen": True,
    }
    assert s["reply_domain"] == "acme.test"  # a key the form does not own is kept
    assert len(s["webhook_token"]) >= 20
    page = client.get(reverse("settings:inbox_edit", args=[inbox.pk])).content.decode()
    assert f"/inbound/email/postmark/{s['webhook_token']}/" in page
    assert "Set on this server" in page and "Not set on this server" in page  # password set, OAuth ids not


def test_no_secret_value_is_ever_stored(client, admin, inbox, monkeypatch):
    # given
    monkeypatch.setenv("ACME_SMTP_PASSWORD", "hunter2-secret")
    # when
    edit(client, inbox, valid())
    # then
    inbox.refresh_from_db()
    assert "hunter2-secret" not in str(inbox.settings)


def test_switching_off_imap_and_the_relay_removes_them_and_the_token_can_be_rotated(client, admin, inbox):
    # given
    edit(client, inbox, valid())
    inbox.refresh_from_db()
    token = inbox.settings["webhook_token"]
    # when
    response = edit(client, inbox, valid(imap_enabled=None, outbound_backend="", rotate_webhook_token="on"))
    # then
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert "imap" not in inbox.settings and "outbound" not in inbox.settings
    assert inbox.settings["webhook_token"] != token


def test_an_email_provider_is_named_with_its_key_variable(client, admin, inbox):
    # when
    response = edit(
        client, inbox,
        valid(outbound_backend="anymail", esp="mailgun", esp_api_key_env="MAILGUN_KEY", esp_domain="mg.acme.test"),
    )
    # then
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert inbox.settings["outbound"] == {
        "backend": "anymail", "esp": "mailgun", "api_key_env": "MAILGUN_KEY",
        "options": {"sender_domain": "mg.acme.test"},
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"address": "support@"}, "address", "not an email address"),
        ({"aliases": "help@acme.test\nnot-an-address"}, "aliases", "not-an-address"),
        ({"domains": "https://acme.test"}, "domains", "Not a domain name"),
        ({"ack_subject": "Ticket {number}"}, "ack_subject", "Unknown placeholder {number}"),
        ({"ack_body": "Hello {customer_name"}, "ack_body", "not closed"),
        ({"ack_body": ""}, "ack_body", "needs a subject and a message"),
        ({"reopen_days": "-1"}, "reopen_days", "greater than or equal to 0"),
        ({"smtp_host": ""}, "smtp_host", "needs a host"),
        ({"smtp_password_env": "my password"}, "smtp_password_env", "capital letters"),
        ({"smtp_password_env": ""}, "smtp_password_env", "holds the password"),
        ({"outbound_backend": "anymail", "esp": ""}, "esp", "Choose the provider"),
        ({"outbound_backend": "anymail", "esp": "mailgun", "esp_api_key_env": "K"}, "esp_domain", "domain"),
        ({"imap_host": ""}, "imap_host", "needs a host"),
        ({"imap_refresh_token_env": ""}, "imap_refresh_token_env", "OAuth 2.0"),
        ({"imap_auth": "password"}, "imap_password_env", "holds the password"),
        ({"imap_interval_s": "2"}, "imap_interval_s", "greater than or equal to 10"),
        ({"imap_port": "70000"}, "imap_port", "less than or equal to 65535"),
    ],
)
def test_bad_email_settings_are_shown_on_their_field_and_nothing_is_saved(client, admin, inbox, changes, field, words):
    # given
    before = dict(inbox.settings)
    # when
    response = edit(client, inbox, valid(**changes))
    # then
    assert response.status_code == 200
    errors = response.context["channel_form"].errors
    assert field in errors and words in " ".join(errors[field])
    inbox.refresh_from_db()
    assert inbox.settings == before and inbox.address == "support@acme.test"


def test_inboxes_of_other_kinds_keep_the_plain_form(client, admin):
    # given
    chat = InboxFactory(channel_kind=ChannelKind.LIVECHAT, address="widget-1")
    # when
    response = client.get(reverse("settings:inbox_edit", args=[chat.pk]))
    # then
    assert response.context["channel_form"] is None
    assert "Fetching mail over IMAP" not in response.content.decode()


def test_a_new_email_inbox_leads_to_its_email_settings(client, admin):
    # given
    brand = BrandFactory()
    # when
    response = client.post(
        reverse("settings:inbox_create"),
        {"brand": brand.pk, "name": "Mail", "channel_kind": ChannelKind.EMAIL, "address": "help@x.test"},
    )
    # then
    inbox = brand.inboxes.get()
    assert response["Location"] == reverse("settings:inbox_edit", args=[inbox.pk])


def test_amazon_ses_needs_no_key_variable(client, admin, inbox):
    # when
    response = edit(client, inbox, valid(outbound_backend="anymail", esp="amazon_ses", esp_api_key_env=""))
    # then
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert inbox.settings["outbound"] == {"backend": "anymail", "esp": "amazon_ses"}
