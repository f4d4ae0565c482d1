"""A token acts with its agent's role, brands and teams: the API shows and allows what the UI would."""

from __future__ import annotations

import pytest

from frontdesk.accounts.choices import Role
from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import AgentFactory, BrandFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.django_db

NEW = {"subject": "Hello", "text": "Question", "requester": {"email": "c@example.com"}}


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def ticket(brand):  # type: ignore[no-untyped-def]
    return make_ticket(brand)


def agent_with(role, brand):  # type: ignore[no-untyped-def]
    return as_agent(AgentFactory(role=role, brands=[brand]))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD, Role.AGENT])
def test_writers_open_reply_and_change(role, brand, ticket):
    # given
    api = agent_with(role, brand)
    # when
    opened = api.post("/tickets", NEW)
    replied = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "reply", "text": "On it"})
    changed = api.patch(f"/tickets/{ticket.pk}", {"priority": "high"})
    # then
    assert (opened.status_code, replied.status_code, changed.status_code) == (201, 201, 200)


def test_a_light_agent_adds_notes_only(brand, ticket):
    # given
    api = agent_with(Role.LIGHT_AGENT, brand)
    # when
    note = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": "FYI"})
    reply = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "reply", "text": "Hi"})
    change = api.patch(f"/tickets/{ticket.pk}", {"status": "pending"})
    opened = api.post("/tickets", NEW)
    # then
    assert note.status_code == 201
    assert [r.status_code for r in (reply, change, opened)] == [403, 403, 403]
    assert {error_code(r) for r in (reply, change, opened)} == {"permission_denied"}


def test_a_read_only_agent_reads_and_nothing_else(brand, ticket):
    # given
    api = agent_with(Role.READ_ONLY, brand)
    # when
    reads = [api.get("/tickets"), api.get(f"/tickets/{ticket.pk}"), api.get(f"/tickets/{ticket.pk}/messages")]
    writes = [
        api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": "FYI"}),
        api.patch(f"/tickets/{ticket.pk}", {"status": "pending"}),
        api.post("/tickets", NEW),
        api.post("/contacts", {"name": "X"}),
    ]
    # then
    assert [r.status_code for r in reads] == [200, 200, 200]
    assert [r.status_code for r in writes] == [403, 403, 403, 403]


def test_a_refused_ticket_writes_nothing(brand):
    # given
    api = agent_with(Role.READ_ONLY, brand)
    # when
    api.post("/tickets", {**NEW, "requester": {"email": "never@example.com"}})
    # then
    from frontdesk.contacts.models import ContactIdentity

    assert not ContactIdentity.objects.filter(value="never@example.com").exists()


def test_an_agent_of_another_brand_gets_404_for_its_tickets(ticket):
    # given
    api = agent_with(Role.AGENT, BrandFactory())
    # when
    responses = [
        api.get(f"/tickets/{ticket.pk}"),
        api.patch(f"/tickets/{ticket.pk}", {"status": "pending"}),
        api.get(f"/tickets/{ticket.pk}/messages"),
        api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": "x"}),
        api.get(f"/tickets/{ticket.pk}/timeline"),
    ]
    # then
    assert [r.status_code for r in responses] == [404] * 5
    assert {error_code(r) for r in responses} == {"ticket_not_found"}
    assert api.get("/tickets").json()["data"] == []


def test_a_lead_of_another_brand_cannot_open_tickets_in_this_one(brand):
    # given
    api = agent_with(Role.LEAD, BrandFactory())
    # when
    response = api.post("/tickets", {**NEW, "brand_id": brand.pk})
    # then
    assert response.status_code == 422
    assert error_code(response) == "brand_not_found"


def test_team_tickets_are_hidden_from_agents_outside_the_team_but_not_from_leads(brand):
    # given
    team = TeamFactory(brand=brand)
    ticket = make_ticket(brand, team=team)
    outsider = agent_with(Role.AGENT, brand)
    member = as_agent(AgentFactory(brands=[brand], teams=[team]))
    lead = agent_with(Role.LEAD, brand)
    # when / then
    assert outsider.get(f"/tickets/{ticket.pk}").status_code == 404
    assert outsider.get("/tickets").json()["data"] == []
    assert member.get(f"/tickets/{ticket.pk}").status_code == 200
    assert lead.get(f"/tickets/{ticket.pk}").status_code == 200


def test_moving_a_ticket_out_of_sight_still_answers_with_the_result(brand):
    # given an agent who sends a ticket to a team they are not in
    team = TeamFactory(brand=brand)
    ticket = make_ticket(brand)
    api = agent_with(Role.AGENT, brand)
    # when
    response = api.patch(f"/tickets/{ticket.pk}", {"team_id": team.pk})
    # then
    assert response.status_code == 200
    assert response.json()["team"]["id"] == team.pk
    assert api.get(f"/tickets/{ticket.pk}").status_code == 404


def test_only_admins_change_settings(brand):
    # given
    lead = agent_with(Role.LEAD, brand)
    # when
    responses = [
        lead.post("/agents", {"email": "new@staff.example", "role": "agent"}),
        lead.post("/teams", {"brand_id": brand.pk, "name": "Billing"}),
        lead.post("/inboxes", {"brand_id": brand.pk, "name": "Mail", "channel": "email"}),
        lead.post("/custom-fields", {"key": "plan", "label": "Plan"}),
    ]
    # then
    assert [r.status_code for r in responses] == [403] * 4
