"""Ticket services: opening, replying, notes, changes and the timeline they write."""

from __future__ import annotations

import pytest

from frontdesk.accounts.choices import Role
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.testing.factories import AgentFactory, BrandFactory, TeamFactory, make_ticket
from frontdesk.tickets.choices import DeliveryStatus, MessageKind, Status
from frontdesk.tickets.services import add_note, post_reply, update_ticket

pytestmark = pytest.mark.django_db


def test_opening_a_ticket_numbers_it_and_records_the_first_message():
    # given
    brand = BrandFactory()
    # when
    first = make_ticket(brand, tags=["Late Order"])
    second = make_ticket(brand)
    # then
    assert second.number == first.number + 1
    assert first.status == Status.NEW
    assert first.messages.get().kind == MessageKind.CUSTOMER
    assert [t.name for t in first.tags.all()] == ["late-order"]
    assert first.timeline.get().action == "created"


def test_first_reply_sets_first_response_assigns_and_opens():
    # given
    brand = BrandFactory()
    agent = AgentFactory(brands=[brand])
    ticket = make_ticket(brand)
    # when
    reply = post_reply(agent, ticket, text="On its way!")
    # then
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.assignee == agent
    assert ticket.status == Status.OPEN
    assert reply.delivery_status == DeliveryStatus.NOT_APPLICABLE
    assert {e.action for e in ticket.timeline.all()} >= {"created", "assigned", "status_changed"}


def test_html_from_outside_is_sanitised():
    # given / when
    ticket = make_ticket(html='<p onclick="x()">Hi<script>alert(1)</script><img src="javascript:alert(1)"></p>')
    # then
    html = ticket.messages.get().body_html
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "Hi" in html


@pytest.mark.parametrize("role", [Role.LIGHT_AGENT, Role.READ_ONLY])
def test_roles_without_write_cannot_reply_or_change(role):
    # given
    brand = BrandFactory()
    agent = AgentFactory(brands=[brand], role=role)
    ticket = make_ticket(brand)
    # when / then
    with pytest.raises(PermissionDenied):
        post_reply(agent, ticket, text="hello")
    with pytest.raises(PermissionDenied):
        update_ticket(agent, ticket, status=Status.SOLVED)


def test_light_agent_adds_notes_but_read_only_does_not():
    brand = BrandFactory()
    ticket = make_ticket(brand)
    light = AgentFactory(brands=[brand], role=Role.LIGHT_AGENT)
    viewer = AgentFactory(brands=[brand], role=Role.READ_ONLY)
    assert add_note(light, ticket, text="fyi").kind == MessageKind.NOTE
    with pytest.raises(PermissionDenied):
        add_note(viewer, ticket, text="fyi")


def test_agent_of_another_brand_cannot_touch_the_ticket():
    ticket = make_ticket(BrandFactory())
    outsider = AgentFactory(brands=[BrandFactory()])
    with pytest.raises(PermissionDenied):
        post_reply(outsider, ticket, text="hi")


def test_team_ticket_is_hidden_from_agents_outside_the_team_but_not_from_leads():
    brand = BrandFactory()
    team = TeamFactory(brand=brand)
    ticket = make_ticket(brand, team=team)
    outsider = AgentFactory(brands=[brand])
    member = AgentFactory(brands=[brand], teams=[team])
    lead = AgentFactory(brands=[brand], role=Role.LEAD)
    with pytest.raises(PermissionDenied):
        update_ticket(outsider, ticket, priority="high")
    update_ticket(member, ticket, priority="high")
    update_ticket(lead, ticket, priority="urgent")


def test_changes_are_recorded_with_before_and_after():
    brand = BrandFactory()
    agent = AgentFactory(brands=[brand])
    ticket = make_ticket(brand)
    update_ticket(agent, ticket, status=Status.PENDING, priority="high", add_tags=["vip"])
    events = {e.action: (e.before, e.after) for e in ticket.timeline.all()}
    assert events["status_changed"] == (Status.NEW, Status.PENDING)
    assert events["priority_changed"] == ("normal", "high")
    assert events["tags_changed"] == ([], ["vip"])


def test_invalid_values_are_refused_with_a_clear_message():
    brand = BrandFactory()
    agent = AgentFactory(brands=[brand])
    ticket = make_ticket(brand)
    with pytest.raises(ValidationFailed, match="not a valid status"):
        update_ticket(agent, ticket, status="done")
    with pytest.raises(ValidationFailed, match="Unknown ticket field"):
        update_ticket(agent, ticket, colour="red")
    other_team = TeamFactory(brand=BrandFactory())
    with pytest.raises(ValidationFailed, match="another brand"):
        update_ticket(agent, ticket, team=other_team)
