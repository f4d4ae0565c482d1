"""Settings → My API tokens: every agent issues and revokes their own tokens; admins see everyone's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.accounts import services
from frontdesk.accounts.choices import Role, TokenScope
from frontdesk.accounts.models import ApiToken
from frontdesk.testing.factories import AgentFactory

pytestmark = pytest.mark.django_db
EVERY_ROLE = [Role.ADMIN, Role.LEAD, Role.AGENT, Role.LIGHT_AGENT, Role.READ_ONLY]


def issue(agent, name: str = "sync") -> ApiToken:
    token, _ = services.issue_api_token(agent, agent, name=name, scopes=[TokenScope.TICKETS_READ])
    return token


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_creates_a_token_and_sees_its_text_once(client, role):
    # given
    agent = AgentFactory(role=role)
    client.force_login(agent)
    data = {"name": "order sync", "scopes": [TokenScope.TICKETS_READ, TokenScope.CONTACTS_READ]}
    # when
    created = client.post(reverse("settings:tokens"), data)
    later = client.get(reverse("settings:tokens"))
    # then
    text = created.context["new_token"]["text"]
    assert text in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert text not in later.content.decode()
    token = services.authenticate_token(text)
    assert token is not None and token.agent == agent
    assert token.scopes == sorted([TokenScope.TICKETS_READ, TokenScope.CONTACTS_READ])


def test_expiry_is_the_end_of_the_chosen_day_in_the_agents_time_zone(client):
    # given
    agent = AgentFactory(time_zone="Asia/Tokyo")
    client.force_login(agent)
    day = timezone.now().date() + dt.timedelta(days=10)
    # when
    client.post(reverse("settings:tokens"), {"name": "t", "scopes": [TokenScope.TICKETS_READ], "expires_on": day})
    # then
    expires = ApiToken.objects.get().expires_at
    assert expires.astimezone(dt.timezone(dt.timedelta(hours=9))) == dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone(dt.timedelta(hours=9))
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "t"}, "scopes"),
        ({"name": "t", "scopes": ["everything"]}, "scopes"),
        ({"name": "", "scopes": [TokenScope.TICKETS_READ]}, "name"),
        ({"name": "t", "scopes": [TokenScope.TICKETS_READ], "expires_on": "2001-01-01"}, "expires_on"),
        ({"name": "t", "scopes": [TokenScope.TICKETS_READ], "expires_on": "next week"}, "expires_on"),
    ],
)
def test_bad_token_input_is_shown_on_its_field(client, data, field):
    # given
    client.force_login(AgentFactory())
    # when
    response = client.post(reverse("settings:tokens"), data)
    # then
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()


def test_list_shows_prefix_scopes_last_use_and_expiry_but_never_the_secret(client):
    # given
    agent = AgentFactory()
    token, text = services.issue_api_token(
        agent, agent, name="sync", scopes=[TokenScope.TICKETS_WRITE], expires_at=timezone.now() + dt.timedelta(days=3)
    )
    services.authenticate_token(text)
    client.force_login(agent)
    # when
    html = client.get(reverse("settings:tokens")).content.decode()
    # then
    assert token.prefix in html and "tickets:write" in html and "just now" in html
    assert text not in html and text.split("_", 2)[2] not in html


def test_agents_see_only_their_own_tokens(client):
    # given
    me, colleague = AgentFactory(), AgentFactory()
    mine, theirs = issue(me, "mine"), issue(colleague, "theirs")
    client.force_login(me)
    # when
    listed = list(client.get(reverse("settings:tokens")).context["page_obj"])
    # then
    assert listed == [mine]
    assert theirs not in listed


def test_agent_revokes_their_own_token(client):
    # given
    agent = AgentFactory()
    token = issue(agent)
    client.force_login(agent)
    # when
    response = client.post(reverse("settings:token_revoke", args=[token.pk]))
    # then
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_usable


@pytest.mark.parametrize("role", [Role.LEAD, Role.AGENT, Role.LIGHT_AGENT, Role.READ_ONLY])
def test_agents_cannot_revoke_other_agents_tokens(client, role):
    # given
    theirs = issue(AgentFactory())
    client.force_login(AgentFactory(role=role))
    # when
    response = client.post(reverse("settings:token_revoke", args=[theirs.pk]))
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_admin_sees_and_revokes_everyones_tokens(client, django_assert_max_num_queries):
    # given
    admin = AgentFactory(role=Role.ADMIN)
    tokens = [issue(AgentFactory(name=f"Agent {n}")) for n in range(12)]
    client.force_login(admin)
    # when
    with django_assert_max_num_queries(8):
        listed = client.get(reverse("settings:tokens"))
    response = client.post(reverse("settings:token_revoke", args=[tokens[0].pk]))
    # then
    assert len(listed.context["page_obj"]) == 12 and "Agent 11" in listed.content.decode()
    assert response.status_code == 302
    tokens[0].refresh_from_db()
    assert tokens[0].revoked_at is not None


def test_unknown_token_is_404(client):
    # given
    client.force_login(AgentFactory())
    # when
    response = client.post(reverse("settings:token_revoke", args=[424242]))
    # then
    assert response.status_code == 404
