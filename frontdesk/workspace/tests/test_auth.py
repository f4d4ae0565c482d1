"""Signing in and out, password reset by email, and every page asking for a signed-in agent."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from frontdesk.testing.factories import PASSWORD, AgentFactory, BrandFactory

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password_lands_in_the_inbox():
    # given
    agent = AgentFactory(email="ann@staff.test", brands=[BrandFactory()])
    client = Client()
    # when
    response = client.post("/login/", {"username": "Ann@Staff.test", "password": PASSWORD})
    # then
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"] == agent


def test_a_wrong_password_is_refused_with_a_clear_message():
    # given
    AgentFactory(email="ann@staff.test")
    # when
    response = Client().post("/login/", {"username": "ann@staff.test", "password": "wrong-password"})
    # then
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def test_a_deactivated_agent_cannot_sign_in():
    # given
    AgentFactory(email="gone@staff.test", is_active=False)
    client = Client()
    # when
    response = client.post("/login/", {"username": "gone@staff.test", "password": PASSWORD})
    # then
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url", ["/", "/tickets/1/", "/contacts/", "/organisations/", "/tickets/new/", "/attachments/1/"]
)
def test_every_page_needs_a_signed_in_agent(url):
    # when
    response = Client().get(url)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_sign_out_is_a_post_and_ends_the_session():
    # given
    client = Client()
    client.force_login(AgentFactory())
    # when
    refused = client.get("/logout/")
    response = client.post("/logout/")
    # then
    assert refused.status_code == 405
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password():
    # given
    AgentFactory(email="ann@staff.test", name="Ann Lee")
    client = Client()
    # when
    sent = client.post("/password-reset/", {"email": "ANN@staff.test"})
    link = re.search(r"http://testserver(/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-new-secret-9", "new_password2": "a-new-secret-9"}
    )
    # then
    assert sent.status_code == 302 and sent["Location"] == "/password-reset/sent/"
    assert mail.outbox[0].to == ["ann@staff.test"]
    assert "Hello Ann" in mail.outbox[0].body
    assert done.status_code == 302 and done["Location"] == "/reset/done/"
    assert Client().post("/login/", {"username": "ann@staff.test", "password": "a-new-secret-9"}).status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same():
    # when
    response = Client().post("/password-reset/", {"email": "nobody@staff.test"}, follow=True)
    # then
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_a_used_reset_link_says_so():
    # when
    response = Client().get("/reset/MQ/bad-token/")
    # then
    assert response.status_code == 200 and "no longer works" in response.content.decode()
