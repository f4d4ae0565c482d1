"""Settings → Agents: list, add (with a password or a password-set email), edit, deactivate; no self-lockout."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.testing.factories import AgentFactory, BrandFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN, name="Ada Admin")
    client.force_login(agent)
    return agent


def new_agent(**overrides: object) -> dict[str, object]:
    data = {"name": "Nina New", "email": "Nina@Staff.test", "role": Role.AGENT, "password_mode": "email"}
    return data | overrides


def _link(body: str) -> str:
    match = re.search(r"https?://\S+(/reset/\S+/)", body)
    assert match, body
    return match.group(1)


def test_list_shows_role_brands_teams_status_and_last_sign_in(client, admin):
    # given
    brand = BrandFactory(name="Acme")
    team = TeamFactory(brand=brand, name="Billing")
    AgentFactory(name="Lena Lead", role=Role.LEAD, brands=[brand], teams=[team])
    AgentFactory(name="Otto Gone", is_active=False)
    # when
    html = client.get(reverse("settings:agents")).content.decode()
    # then
    assert "Lena Lead" in html and "Lead" in html and "Acme" in html and "Billing" in html
    assert "Otto Gone" in html and "Inactive" in html
    assert "Never" in html


def test_list_filters_by_search_role_and_status(client, admin):
    # given
    AgentFactory(name="Lena Lead", role=Role.LEAD)
    AgentFactory(name="Otto Gone", is_active=False)
    url = reverse("settings:agents")
    # when
    by_role = client.get(url, {"role": Role.LEAD}).context["page_obj"].object_list
    by_status = client.get(url, {"status": "inactive"}).context["page_obj"].object_list
    by_text = client.get(url, {"q": "otto"}).context["page_obj"].object_list
    junk = client.get(url, {"role": "king", "status": "??", "page": "last-but-one"})
    # then
    assert [a.name for a in by_role] == ["Lena Lead"]
    assert [a.name for a in by_status] == ["Otto Gone"]
    assert [a.name for a in by_text] == ["Otto Gone"]
    assert junk.status_code == 200


def test_list_queries_are_bounded(client, admin, django_assert_max_num_queries):
    # given many agents, each in two brands and two teams
    brands = [BrandFactory(), BrandFactory()]
    teams = [TeamFactory(brand=brands[0]), TeamFactory(brand=brands[1])]
    for _ in range(40):
        AgentFactory(brands=brands, teams=teams)
    # when / then: session, user, count, agents, brands, teams, whatever the layout needs; not one per row
    with django_assert_max_num_queries(10):
        response = client.get(reverse("settings:agents"))
    assert len(response.context["page_obj"].object_list) == 41


def test_admin_adds_an_agent_with_an_initial_password(client, admin):
    # given
    brand = BrandFactory()
    team = TeamFactory(brand=brand)
    data = new_agent(password_mode="password", password="a-long-secret-9", brands=[brand.pk], teams=[team.pk])
    # when
    response = client.post(reverse("settings:agent_create"), data)
    # then
    assert response.status_code == 302
    agent = Agent.objects.get(email="nina@staff.test")
    assert agent.role == Role.AGENT
    assert list(agent.brands.all()) == [brand] and list(agent.teams.all()) == [team]
    assert agent.check_password("a-long-secret-9")
    assert mail.outbox == []


def test_invited_agent_sets_a_password_through_the_emailed_link(client, admin):
    # given
    client.post(reverse("settings:agent_create"), new_agent())
    agent = Agent.objects.get(email="nina@staff.test")
    assert not agent.has_usable_password()
    [message] = mail.outbox
    link = _link(message.body)
    visitor = Client()
    # when: the link leads to the workspace's password page, which hides the token behind a redirect
    form_page = visitor.get(link, follow=True)
    done = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": "a-long-secret-9", "new_password2": "a-long-secret-9"}
    )
    again = Client().get(link, follow=True)
    # then
    assert message.to == ["nina@staff.test"]
    assert "Ada Admin" in message.body
    assert form_page.context["validlink"] is True
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("a-long-secret-9")
    assert again.context["validlink"] is False  # a link works once
    assert Client().login(email="nina@staff.test", password="a-long-secret-9")


def test_admin_can_send_the_password_email_again(client, admin):
    # given
    agent = AgentFactory(email="old@staff.test")
    # when
    response = client.post(reverse("settings:agent_password_email", args=[agent.pk]))
    # then
    assert response.status_code == 302
    assert mail.outbox[0].to == ["old@staff.test"]


def test_a_failing_mail_server_is_reported_not_a_crash(client, admin, settings):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    # when
    response = client.post(reverse("settings:agent_create"), new_agent(), follow=True)
    # then
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert Agent.objects.filter(email="nina@staff.test").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password_mode": "password", "password": ""}, "password", "initial password"),
        ({"password_mode": "password", "password": "password"}, "password", "too common"),
        ({"role": "emperor"}, "role", "valid choice"),
    ],
)
def test_bad_agent_input_is_shown_on_its_field(client, admin, overrides, field, text):
    # when
    response = client.post(reverse("settings:agent_create"), new_agent(**overrides))
    # then
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert not Agent.objects.filter(name="Nina New").exists()


def test_taken_email_is_shown_on_the_email(client, admin):
    # given
    AgentFactory(email="nina@staff.test")
    # when
    response = client.post(reverse("settings:agent_create"), new_agent())
    # then
    assert "already exists" in response.context["form"].errors["email"][0]


def test_teams_must_belong_to_the_agents_brands(client, admin):
    # given
    brand, other = BrandFactory(), BrandFactory()
    team = TeamFactory(brand=other, name="Elsewhere")
    # when
    response = client.post(reverse("settings:agent_create"), new_agent(brands=[brand.pk], teams=[team.pk]))
    # then
    assert "Elsewhere" in response.context["form"].errors["teams"][0]


def test_admin_edits_role_brands_and_teams(client, admin):
    # given
    old, new = BrandFactory(), BrandFactory()
    team = TeamFactory(brand=new)
    agent = AgentFactory(name="Sam", brands=[old])
    data = {"name": "Sam Senior", "role": Role.LEAD, "brands": [new.pk], "teams": [team.pk], "is_active": "on"}
    # when
    response = client.post(reverse("settings:agent_edit", args=[agent.pk]), data)
    # then
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.name, agent.role, agent.is_active) == ("Sam Senior", Role.LEAD, True)
    assert list(agent.brands.all()) == [new] and list(agent.teams.all()) == [team]


def test_admin_deactivates_and_reactivates_an_agent(client, admin):
    # given
    agent = AgentFactory()
    # when
    client.post(reverse("settings:agent_deactivate", args=[agent.pk]))
    agent.refresh_from_db()
    was_active = agent.is_active
    client.post(reverse("settings:agent_activate", args=[agent.pk]))
    # then
    assert was_active is False
    agent.refresh_from_db()
    assert agent.is_active is True


def test_admin_cannot_deactivate_themselves(client, admin):
    # when
    response = client.post(reverse("settings:agent_deactivate", args=[admin.pk]), follow=True)
    # then
    assert "cannot deactivate or demote yourself" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.parametrize("change", [{"role": Role.AGENT, "is_active": "on"}, {"role": Role.ADMIN}])
def test_admin_cannot_demote_or_deactivate_themselves_in_the_form(client, admin, change):
    # when
    response = client.post(reverse("settings:agent_edit", args=[admin.pk]), {"name": "Ada Admin", **change})
    # then
    assert response.status_code == 200
    assert "cannot deactivate or demote yourself" in response.context["form"].non_field_errors()[0]
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)


def test_edit_page_of_self_disables_deactivate(client, admin):
    # when
    html = client.get(reverse("settings:agent_edit", args=[admin.pk])).content.decode()
    # then
    assert "disabled" in html
