"""Logging a ticket for a customer by email address."""

from __future__ import annotations

import pytest

from frontdesk.contacts.models import Contact
from frontdesk.testing.factories import ContactFactory
from frontdesk.tickets.models import Ticket
from frontdesk.workspace.tests.desk import make_desk, signed_in

pytestmark = pytest.mark.django_db


def _form(desk, **changes):
    form = {
        "brand": str(desk.brand.pk), "email": "New.Customer@Example.test", "name": "New Customer",
        "subject": "Called about a refund", "text": "Wants the money back for order 7.", "channel": "phone",
        "priority": "high", "status": "open", "assign_to_me": "on", "tags": "refund, phone call",
    }  # fmt: skip
    form.update(changes)
    return form


def test_an_agent_logs_a_ticket_for_a_new_customer():
    # given
    desk = make_desk()
    client = signed_in(desk.agent)
    # when
    page = client.get("/tickets/new/")
    response = client.post("/tickets/new/", _form(desk))
    # then
    assert page.status_code == 200
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.number}/"
    assert ticket.requester.primary_address == "new.customer@example.test"
    assert (ticket.channel_kind, ticket.priority, ticket.status, ticket.assignee) == (
        "phone",
        "high",
        "open",
        desk.agent,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["phone-call", "refund"]


def test_a_known_customer_is_found_by_address():
    # given
    desk = make_desk()
    known = ContactFactory(brand=desk.brand, name="Known", email="known@example.test")
    # when
    signed_in(desk.agent).post("/tickets/new/", _form(desk, email="KNOWN@example.test", name=""))
    # then
    assert Ticket.objects.get().requester == known
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"subject": ""}, "This field is required."),
        ({"text": ""}, "This field is required."),
        ({"brand": "999999"}, "Select a valid choice."),
        ({"tags": "x" * 70}, "A tag is 1 to 60 characters"),
    ],
)
def test_bad_input_redisplays_the_form_with_the_problem(changes, words):
    # given
    desk = make_desk()
    # when
    response = signed_in(desk.agent).post("/tickets/new/", _form(desk, **changes))
    # then
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_an_agent_cannot_log_a_ticket_for_a_brand_they_do_not_work_for():
    # given
    desk = make_desk()
    # when
    response = signed_in(desk.agent).post("/tickets/new/", _form(desk, brand=str(desk.other_brand.pk)))
    # then
    assert response.status_code == 400
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("role", ["light_agent", "read_only"])
def test_roles_without_write_cannot_open_tickets(role):
    # given
    desk = make_desk()
    client = signed_in(desk.agents[role])
    # when
    page = client.get("/tickets/new/")
    post = client.post("/tickets/new/", _form(desk))
    # then
    assert page.status_code == 403 and post.status_code == 403
    assert not Ticket.objects.exists()
