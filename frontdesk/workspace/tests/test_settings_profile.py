"""Settings → My profile: every agent edits their own name, signature, time zone and password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.testing.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.django_db
EVERY_ROLE = [Role.ADMIN, Role.LEAD, Role.AGENT, Role.LIGHT_AGENT, Role.READ_ONLY]


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_edits_their_profile(client, role):
    # given
    agent = AgentFactory(role=role, name="Old Name")
    client.force_login(agent)
    data = {"name": "New Name", "signature": "Kind regards,\nNew", "time_zone": "Europe/Berlin"}
    # when
    response = client.post(reverse("settings:profile"), data)
    # then
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.name, agent.signature, agent.time_zone, agent.role) == (
        "New Name",
        "Kind regards,\nNew",
        "Europe/Berlin",
        role,
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "time_zone": "UTC"}, "name"),
        ({"name": "Me", "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"name": "Me", "time_zone": "UTC", "signature": "x" * 2001}, "signature"),
    ],
)
def test_bad_profile_input_is_shown_on_its_field(client, data, field):
    # given
    agent = AgentFactory(name="Kept", time_zone="UTC")
    client.force_login(agent)
    # when
    response = client.post(reverse("settings:profile"), data)
    # then
    assert response.status_code == 200
    assert field in response.context["form"].errors
    agent.refresh_from_db()
    assert agent.name == "Kept"


def test_the_profile_form_cannot_change_role_or_brands(client):
    # given
    agent = AgentFactory(role=Role.READ_ONLY)
    client.force_login(agent)
    # when
    client.post(reverse("settings:profile"), {"name": "Me", "time_zone": "UTC", "role": Role.ADMIN, "is_active": ""})
    # then
    agent.refresh_from_db()
    assert (agent.role, agent.is_active) == (Role.READ_ONLY, True)


@pytest.mark.parametrize("role", [Role.AGENT, Role.READ_ONLY])
def test_agent_changes_their_password_and_stays_signed_in(client, role):
    # given
    agent = AgentFactory(role=role)
    client.force_login(agent)
    other_session = Client()
    other_session.force_login(agent)
    data = {"old_password": PASSWORD, "new_password1": "another-long-secret", "new_password2": "another-long-secret"}
    # when
    response = client.post(reverse("settings:password_change"), data)
    # then
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("another-long-secret")
    assert client.get(reverse("settings:profile")).status_code == 200
    assert other_session.get(reverse("settings:profile")).status_code == 302  # signed out elsewhere


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"old_password": "wrong", "new_password1": "another-long-secret", "new_password2": "another-long-secret"},
            "old_password",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "another-long-secret", "new_password2": "different-secret"},
            "new_password2",
        ),
        ({"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}, "new_password2"),
    ],
)
def test_bad_password_change_is_refused_with_a_message(client, data, field):
    # given
    agent = AgentFactory()
    client.force_login(agent)
    # when
    response = client.post(reverse("settings:password_change"), data)
    # then
    assert response.status_code == 200
    assert field in response.context["password_form"].errors
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)
