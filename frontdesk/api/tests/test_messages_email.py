"""Replies on email tickets over the API: to, cc and bcc checked and kept; messages show their email side."""

from __future__ import annotations

import pytest

from frontdesk.inboxes.choices import ChannelKind
from frontdesk.testing.api import error_code
from frontdesk.testing.factories import ContactFactory, InboxFactory, make_ticket
from frontdesk.tickets.models import Message, TicketParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(brand):
    inbox = InboxFactory(brand=brand, channel_kind=ChannelKind.EMAIL, address="support@acme.test")
    requester = ContactFactory(brand=brand, name="Ada Lovelace", email="ada@example.test")
    return make_ticket(
        brand, requester=requester, inbox=inbox, channel_kind=ChannelKind.EMAIL,
        metadata={"email": {"message_id": "m1@example.test", "from": "Ada Lovelace <ada@example.test>",
                            "to": ["support@acme.test"], "cc": [{"address": "bob@example.test", "name": "Bob"}]}},
    )


def test_a_reply_with_recipients_keeps_them_and_copies_new_people_in(api, ticket):
    # when
    response = api.post(
        f"/tickets/{ticket.pk}/messages",
        {"text": "On its way.", "to": ["Ada <ADA@example.test>"], "cc": ["carol@example.test", "ada@example.test"],
         "bcc": ["audit@acme.test"]},
    )
    # then
    assert response.status_code == 201, response.json()
    message = Message.objects.get(pk=response.json()["id"])
    assert message.metadata["email"].items() >= {
        "to": ["ada@example.test"], "cc": ["carol@example.test"], "bcc": ["audit@acme.test"]
    }.items()
    copied = TicketParticipant.objects.filter(ticket=ticket).values_list("contact__identities__value", flat=True)
    assert list(copied) == ["carol@example.test"]
    email = response.json()["email"]
    assert email["to"] == [{"address": "ada@example.test", "name": ""}]
    assert email["cc"] == [{"address": "carol@example.test", "name": ""}]
    assert "bcc" not in email


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cc": ["bob@example"]}, "cc"),
        ({"to": ["not an address"]}, "to"),
        ({"to": []}, "to"),
        ({"bcc": ["ok@example.test", "a@@b.test"]}, "bcc"),
    ],
)
def test_a_bad_address_is_refused_with_a_stable_code_and_nothing_is_stored(api, ticket, body, field):
    # given
    before = Message.objects.count()
    # when
    response = api.post(f"/tickets/{ticket.pk}/messages", {"text": "Hello"} | body)
    # then
    assert response.status_code == 422
    assert error_code(response) == "invalid_address"
    assert response.json()["error"]["details"]["field"] == field
    assert Message.objects.count() == before
    assert not TicketParticipant.objects.filter(ticket=ticket).exists()


def test_recipients_are_refused_on_channels_that_do_not_address_people_and_on_notes(api, brand, ticket):
    # given
    api_ticket = make_ticket(brand)
    # when
    on_api = api.post(f"/tickets/{api_ticket.pk}/messages", {"text": "Hi", "cc": ["bob@example.test"]})
    on_note = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": "Hi", "cc": ["bob@example.test"]})
    # then
    assert (on_api.status_code, error_code(on_api)) == (422, "recipients_not_supported")
    assert (on_note.status_code, error_code(on_note)) == (422, "recipients_not_supported")


def test_too_many_recipients_are_a_validation_failure(api, ticket):
    # when
    response = api.post(
        f"/tickets/{ticket.pk}/messages", {"text": "Hi", "cc": [f"p{n}@example.test" for n in range(51)]}
    )
    # then
    assert response.status_code == 422


def test_the_conversation_shows_the_email_side_and_the_delivery_status(api, ticket):
    # given
    api.post(f"/tickets/{ticket.pk}/messages", {"text": "On its way.", "cc": ["carol@example.test"]})
    replies = Message.objects.filter(ticket=ticket, kind="reply")
    replies.update(delivery_status="bounced", delivery_error="5.1.1 unknown")
    # when
    data = api.get(f"/tickets/{ticket.pk}/messages").json()["data"]
    # then
    first, answer = data[0], data[-1]
    assert first["email"] == {
        "message_id": "m1@example.test", "from": {"address": "ada@example.test", "name": "Ada Lovelace"},
        "to": [{"address": "support@acme.test", "name": ""}], "cc": [{"address": "bob@example.test", "name": "Bob"}],
        "subject": "", "automated": "",
    }
    assert (answer["delivery_status"], answer["delivery_error"]) == ("bounced", "5.1.1 unknown")
    assert answer["email"]["cc"] == [{"address": "carol@example.test", "name": ""}]


def test_messages_without_email_have_none(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    data = api.get(f"/tickets/{ticket.pk}/messages").json()["data"]
    # then
    assert data[0]["email"] is None
