"""Tickets over the API: opening with a requester by email, reading, changing."""

from __future__ import annotations

import base64

import pytest

from frontdesk.accounts.choices import Role
from frontdesk.contacts.models import Contact
from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import (
    AgentFactory,
    BrandFactory,
    ContactFactory,
    InboxFactory,
    TeamFactory,
    make_ticket,
)
from frontdesk.tickets.catalog import create_custom_field
from frontdesk.tickets.choices import FieldType, MessageKind
from frontdesk.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db


def new_ticket(**fields):  # type: ignore[no-untyped-def]
    return {
        "subject": "Where is my order?",
        "text": "It has not arrived.",
        "requester": {"email": "ada@example.com"},
        **fields,
    }


def test_opening_a_ticket_creates_the_requester_and_the_first_message(api, brand):
    # when
    response = api.post(
        "/tickets", new_ticket(requester={"email": "Ada@Example.com", "name": "Ada"}, tags=["Late Order"])
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["requester"]["email"] == "ada@example.com"
    assert body["requester"]["name"] == "Ada"
    assert body["brand"]["id"] == brand.pk
    assert body["tags"] == ["late-order"]
    assert body["channel"] == "api"
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.messages.get().kind == MessageKind.CUSTOMER
    assert ticket.timeline.filter(action="created").exists()


def test_the_requester_is_reused_by_email_within_the_brand(api, brand):
    # given
    existing = ContactFactory(brand=brand, email="ada@example.com")
    # when
    response = api.post("/tickets", new_ticket(requester={"email": "ADA@example.com"}))
    # then
    assert response.json()["requester"]["id"] == existing.pk
    assert Contact.objects.filter(brand=brand).count() == 1


def test_the_brand_defaults_to_the_inbox_brand(brand):
    # given an agent of two brands and an inbox of the second
    other = BrandFactory()
    agent = AgentFactory(brands=[brand, other])
    inbox = InboxFactory(brand=other)
    # when
    response = as_agent(agent).post("/tickets", new_ticket(inbox_id=inbox.pk))
    # then
    assert response.status_code == 201
    assert response.json()["brand"]["id"] == other.pk
    assert response.json()["inbox"]["id"] == inbox.pk


def test_an_agent_of_several_brands_must_name_one(brand):
    # given
    agent = AgentFactory(brands=[brand, BrandFactory()])
    # when
    response = as_agent(agent).post("/tickets", new_ticket())
    # then
    assert response.status_code == 422
    assert error_code(response) == "brand_required"


def test_a_brand_not_yours_is_refused_on_the_field(api):
    # when
    response = api.post("/tickets", new_ticket(brand_id=BrandFactory().pk))
    # then
    assert response.status_code == 422
    assert error_code(response) == "brand_not_found"
    assert response.json()["error"]["details"]["field"] == "brand_id"


def test_opening_with_assignee_team_priority_type_fields_and_external_id(api, brand, agent):
    # given
    team = TeamFactory(brand=brand)
    admin = AgentFactory(role=Role.ADMIN)
    create_custom_field(admin, key="order_number", label="Order number")
    # when
    response = api.post(
        "/tickets",
        new_ticket(
            assignee_id=agent.pk,
            team_id=team.pk,
            priority="high",
            type="incident",
            status="pending",
            custom_fields={"order_number": "A-1001"},
            external_id="crm-77",
        ),
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["assignee"]["id"] == agent.pk
    assert body["team"]["id"] == team.pk
    assert (body["priority"], body["type"], body["status"]) == ("high", "incident", "pending")
    assert body["custom_fields"] == {"order_number": "A-1001"}
    assert Ticket.objects.get(pk=body["id"]).messages.get().external_id == "crm-77"


def test_a_refused_ticket_leaves_no_new_contact_behind(api, brand):
    # when the custom field is unknown, after the requester would have been created
    response = api.post("/tickets", new_ticket(requester={"email": "new@example.com"}, custom_fields={"nope": 1}))
    # then
    assert response.status_code == 422
    assert error_code(response) == "invalid_field"
    assert not Contact.objects.filter(identities__value="new@example.com").exists()


def test_an_existing_contact_can_be_the_requester(api, brand):
    # given
    contact = ContactFactory(brand=brand)
    # when
    response = api.post("/tickets", {"subject": "Hi", "text": "Hello", "requester_id": contact.pk})
    # then
    assert response.status_code == 201
    assert response.json()["requester"]["id"] == contact.pk


def test_a_requester_is_required(api):
    # when
    response = api.post("/tickets", {"subject": "Hi", "text": "Hello"})
    # then
    assert response.status_code == 422
    assert error_code(response) == "requester_required"


def test_attachments_arrive_as_base64(api):
    # given
    content = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    # when
    response = api.post(
        "/tickets",
        new_ticket(attachments=[{"filename": "shot.png", "content_base64": base64.b64encode(content).decode()}]),
    )
    # then
    assert response.status_code == 201
    attachment = Attachment.objects.get(ticket_id=response.json()["id"])
    assert (attachment.filename, attachment.size, attachment.content_type) == ("shot.png", len(content), "image/png")


def test_an_attachment_that_is_not_base64_is_refused(api):
    # when
    response = api.post("/tickets", new_ticket(attachments=[{"filename": "a.txt", "content_base64": "%%%"}]))
    # then
    assert response.status_code == 422
    assert error_code(response) == "invalid_attachment"
    assert not Ticket.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused_before_decoding(api, settings):
    # given
    settings.ATTACHMENT_MAX_BYTES = 10
    # when
    response = api.post(
        "/tickets",
        new_ticket(attachments=[{"filename": "a.txt", "content_base64": base64.b64encode(b"x" * 30).decode()}]),
    )
    # then
    assert response.status_code == 422
    assert error_code(response) == "attachment_too_large"
    assert response.json()["error"]["details"]["limit"] == 10


def test_outside_html_is_sanitised(api):
    # when
    response = api.post("/tickets", new_ticket(text="", html='<p onclick="x()">Hi<script>alert(1)</script></p>'))
    # then
    html = Ticket.objects.get(pk=response.json()["id"]).messages.get().body_html
    assert "script" not in html and "onclick" not in html


def test_getting_a_ticket_shows_its_followers(api, brand, agent):
    # given
    ticket = make_ticket(brand)
    # when
    response = api.get(f"/tickets/{ticket.pk}")
    # then
    assert response.status_code == 200
    assert response.json()["number"] == ticket.number
    assert response.json()["followers"] == []


def test_patch_changes_only_what_is_sent_and_records_each_change(api, brand, agent):
    # given
    ticket = make_ticket(brand, tags=["a", "b"])
    # when
    response = api.patch(
        f"/tickets/{ticket.pk}",
        {
            "status": "pending",
            "priority": "urgent",
            "add_tags": ["c"],
            "remove_tags": ["a"],
            "follower_ids": [agent.pk],
        },
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["priority"], body["tags"]) == ("pending", "urgent", ["b", "c"])
    assert [f["id"] for f in body["followers"]] == [agent.pk]
    actions = set(ticket.timeline.values_list("action", flat=True))
    assert {"status_changed", "priority_changed", "tags_changed", "followers_changed"} <= actions


def test_patch_with_null_clears_assignee_team_and_type(api, brand, agent):
    # given
    team = TeamFactory(brand=brand)
    agent.teams.add(team)
    ticket = make_ticket(brand, assignee=agent, team=team, ticket_type="task")
    # when
    response = api.patch(f"/tickets/{ticket.pk}", {"assignee_id": None, "team_id": None, "type": None})
    # then
    body = response.json()
    assert (body["assignee"], body["team"], body["type"]) == (None, None, None)


def test_patch_with_an_unknown_assignee_is_refused_on_that_field(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    response = api.patch(f"/tickets/{ticket.pk}", {"assignee_id": 999999})
    # then
    assert response.status_code == 422
    assert error_code(response) == "agent_not_found"
    assert response.json()["error"]["details"] == {"field": "assignee_id"}


def test_solving_without_a_required_field_is_refused_and_changes_nothing(api, brand):
    # given
    admin = AgentFactory(role=Role.ADMIN)
    create_custom_field(admin, key="reason", label="Reason", field_type=FieldType.TEXT, required_to_solve=True)
    ticket = make_ticket(brand)
    # when
    response = api.patch(f"/tickets/{ticket.pk}", {"status": "solved", "priority": "low"})
    # then
    assert response.status_code == 422
    assert error_code(response) == "required_field_missing"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("new", "normal")


def test_unknown_ticket_is_404(api):
    # when
    response = api.get("/tickets/424242")
    # then
    assert response.status_code == 404
    assert error_code(response) == "ticket_not_found"


def test_a_returning_requester_without_a_name_gets_the_name_given(api, brand):
    # given
    nameless = ContactFactory(brand=brand, name="", email="anon@example.com")
    # when
    response = api.post("/tickets", new_ticket(requester={"email": "anon@example.com", "name": "Ann"}))
    # then
    assert response.json()["requester"] == {"id": nameless.pk, "name": "Ann", "email": "anon@example.com"}
