"""Agents, teams, brands, tags, inboxes and custom fields over the API (admins write, others read)."""

from __future__ import annotations

import pytest

from frontdesk.accounts.choices import Role, TokenScope
from frontdesk.accounts.models import Agent
from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def admin(brand):  # type: ignore[no-untyped-def]
    return AgentFactory(role=Role.ADMIN, brands=[brand])


@pytest.fixture
def api(admin):  # type: ignore[no-untyped-def]
    return as_agent(admin)


def test_admin_adds_and_changes_an_agent(api, brand):
    # given
    team = TeamFactory(brand=brand)
    # when
    created = api.post(
        "/agents",
        {
            "email": "Grace@Staff.example",
            "name": "Grace",
            "role": "lead",
            "brand_ids": [brand.pk],
            "team_ids": [team.pk],
        },
    )
    agent_id = created.json()["id"]
    changed = api.patch(f"/agents/{agent_id}", {"role": "agent", "is_active": False})
    # then
    assert created.status_code == 201, created.json()
    assert (created.json()["email"], created.json()["brand_ids"], created.json()["team_ids"]) == (
        "grace@staff.example",
        [brand.pk],
        [team.pk],
    )
    assert (changed.json()["role"], changed.json()["is_active"]) == ("agent", False)
    assert not Agent.objects.get(pk=agent_id).has_usable_password()


def test_an_email_already_taken_is_a_conflict(api, admin):
    # when
    response = api.post("/agents", {"email": admin.email})
    # then
    assert response.status_code == 409
    assert error_code(response) == "email_taken"


def test_a_weak_password_is_refused(api):
    # when
    response = api.post("/agents", {"email": "x@staff.example", "password": "123"})
    # then
    assert response.status_code == 422
    assert error_code(response) == "weak_password"


def test_admins_cannot_lock_themselves_out(api, admin):
    # when
    response = api.patch(f"/agents/{admin.pk}", {"is_active": False})
    # then
    assert response.status_code == 422
    assert error_code(response) == "self_lockout"


def test_agents_see_colleagues_of_their_brands_only(brand):
    # given
    agent = AgentFactory(brands=[brand])
    colleague = AgentFactory(brands=[brand])
    stranger = AgentFactory(brands=[BrandFactory()])
    api = as_agent(agent, [TokenScope.ADMIN_READ])
    # when
    listed = {a["id"] for a in api.get("/agents").json()["data"]}
    # then
    assert {agent.pk, colleague.pk} <= listed
    assert stranger.pk not in listed
    assert error_code(api.get(f"/agents/{stranger.pk}")) == "agent_not_found"


def test_agents_change_their_own_name_but_not_their_role(brand):
    # given
    agent = AgentFactory(brands=[brand])
    api = as_agent(agent)
    # when
    renamed = api.patch(f"/agents/{agent.pk}", {"name": "New Name", "time_zone": "Europe/Paris"})
    promoted = api.patch(f"/agents/{agent.pk}", {"role": "admin"})
    # then
    assert renamed.json()["name"] == "New Name"
    assert promoted.status_code == 403


def test_teams_lifecycle(api, brand, admin):
    # given
    member = AgentFactory(brands=[brand])
    # when
    created = api.post("/teams", {"brand_id": brand.pk, "name": "Billing", "member_ids": [member.pk]})
    team_id = created.json()["id"]
    renamed = api.patch(f"/teams/{team_id}", {"name": "Payments", "member_ids": [admin.pk, member.pk]})
    clash = api.post("/teams", {"brand_id": brand.pk, "name": "payments"})
    deleted = api.delete(f"/teams/{team_id}")
    # then
    assert (created.status_code, created.json()["member_ids"]) == (201, [member.pk])
    assert (renamed.json()["name"], renamed.json()["member_ids"]) == ("Payments", sorted([admin.pk, member.pk]))
    assert error_code(clash) == "team_exists"
    assert deleted.status_code == 204
    assert api.get(f"/teams/{team_id}").status_code == 404


def test_brands_list_only_your_brands(brand):
    # given
    BrandFactory()
    api = as_agent(AgentFactory(brands=[brand]), [TokenScope.TICKETS_READ])
    # when
    response = api.get("/brands")
    # then
    assert [b["id"] for b in response.json()["data"]] == [brand.pk]


def test_tags_lifecycle(api):
    # when
    created = api.post("/tags", {"name": "Late Order", "color": "#FF0000"})
    tag_id = created.json()["id"]
    clash = api.post("/tags", {"name": "late-order"})
    bad_colour = api.post("/tags", {"name": "x", "color": "red"})
    renamed = api.patch(f"/tags/{tag_id}", {"name": "late"})
    found = api.get("/tags", {"q": "lat"}).json()["data"]
    deleted = api.delete(f"/tags/{tag_id}")
    # then
    assert (created.status_code, created.json()["name"], created.json()["color"]) == (201, "late-order", "#ff0000")
    assert clash.status_code == 409
    assert bad_colour.status_code == 422
    assert renamed.json()["name"] == "late"
    assert [t["id"] for t in found] == [tag_id]
    assert deleted.status_code == 204


def test_inboxes_lifecycle(api, brand):
    # given
    team = TeamFactory(brand=brand)
    # when
    created = api.post(
        "/inboxes",
        {
            "brand_id": brand.pk,
            "name": "Mail",
            "channel": "email",
            "address": "help@x.example",
            "default_team_id": team.pk,
        },
    )
    inbox_id = created.json()["id"]
    changed = api.patch(f"/inboxes/{inbox_id}", {"default_team_id": None, "is_active": False})
    # then
    assert created.status_code == 201, created.json()
    assert created.json()["default_team"]["id"] == team.pk
    assert (changed.json()["default_team"], changed.json()["is_active"]) == (None, False)
    assert [i["id"] for i in api.get("/inboxes", {"brand": brand.pk}).json()["data"]] == [inbox_id]


def test_inboxes_of_other_brands_are_invisible(brand):
    # given
    inbox = InboxFactory(brand=BrandFactory())
    api = as_agent(AgentFactory(brands=[brand]))
    # when
    response = api.get(f"/inboxes/{inbox.pk}")
    # then
    assert error_code(response) == "inbox_not_found"


def test_custom_fields_lifecycle(api, brand):
    # when
    created = api.post(
        "/custom-fields",
        {"key": "plan", "label": "Plan", "type": "dropdown", "options": ["free", "pro"], "brand_id": brand.pk},
    )
    field_id = created.json()["id"]
    no_options = api.post("/custom-fields", {"key": "size", "label": "Size", "type": "dropdown"})
    changed = api.patch(f"/custom-fields/{field_id}", {"options": ["free", "pro", "team"], "is_active": False})
    listed = api.get("/custom-fields", {"include_inactive": True}).json()["data"]
    # then
    assert created.status_code == 201
    assert error_code(no_options) == "invalid_field"
    assert changed.json()["options"] == ["free", "pro", "team"]
    assert [f["id"] for f in listed] == [field_id]
    assert api.get("/custom-fields").json()["data"] == []
    assert api.get(f"/custom-fields/{field_id}").json()["key"] == "plan"


def test_custom_field_values_are_checked_on_tickets(api, brand):
    # given
    api.post("/custom-fields", {"key": "seats", "label": "Seats", "type": "number"})
    new = {"subject": "x", "text": "y", "requester": {"email": "c@example.com"}}
    # when
    good = api.post("/tickets", {**new, "custom_fields": {"seats": "12"}})
    bad = api.post("/tickets", {**new, "custom_fields": {"seats": "nan"}})
    # then
    assert good.json()["custom_fields"] == {"seats": 12}
    assert bad.status_code == 422
    assert error_code(bad) == "invalid_field"


def test_admins_add_brands(api, brand):
    # when
    created = api.post("/brands", {"name": "Globex", "slug": "globex", "support_email": "help@globex.example"})
    clash = api.post("/brands", {"name": "Other", "slug": brand.slug})
    bad_email = api.post("/brands", {"name": "X", "slug": "x", "support_email": "nope"})
    bad_slug = api.post("/brands", {"name": "X", "slug": "Not A Slug"})
    # then
    assert created.status_code == 201
    assert created.json()["slug"] == "globex"
    assert error_code(clash) == "brand_exists"
    assert bad_email.status_code == 422
    assert bad_slug.status_code == 422


def test_agents_cannot_add_brands(brand):
    # when
    response = as_agent(AgentFactory(brands=[brand])).post("/brands", {"name": "X", "slug": "x"})
    # then
    assert response.status_code == 403
