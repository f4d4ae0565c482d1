"""Settings → Teams: admins list teams per brand, create, rename, change members and delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team
from frontdesk.inboxes.models import Inbox
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN)
    client.force_login(agent)
    return agent


def test_list_groups_teams_by_brand_and_filters(client, admin):
    # given
    acme, zenith = BrandFactory(name="Acme"), BrandFactory(name="Zenith")
    TeamFactory(brand=acme, name="Billing")
    TeamFactory(brand=zenith, name="Repairs")
    # when
    everything = client.get(reverse("settings:teams")).content.decode()
    only_acme = client.get(reverse("settings:teams"), {"brand": acme.pk}).content.decode()
    nonsense = client.get(reverse("settings:teams"), {"brand": "x'; drop"})
    # then
    assert "Billing" in everything and "Repairs" in everything
    assert "Billing" in only_acme and "Repairs" not in only_acme
    assert nonsense.status_code == 200


def test_list_queries_do_not_grow_with_teams(client, admin, django_assert_max_num_queries):
    # given
    brand = BrandFactory()
    for _ in range(15):
        TeamFactory(brand=brand).members.set([AgentFactory(brands=[brand]), AgentFactory(brands=[brand])])
    # when / then
    with django_assert_max_num_queries(8):
        response = client.get(reverse("settings:teams"))
    assert response.content.decode().count("/delete/") == 15


def test_admin_creates_a_team_with_members(client, admin):
    # given
    brand = BrandFactory()
    ann, bob = AgentFactory(brands=[brand]), AgentFactory(brands=[brand])
    # when
    response = client.post(
        reverse("settings:team_create"), {"brand": brand.pk, "name": "Billing", "members": [ann.pk, bob.pk]}
    )
    # then
    assert response.status_code == 302
    team = Team.objects.get(brand=brand, name="Billing")
    assert set(team.members.all()) == {ann, bob}


def test_members_must_work_in_the_brand(client, admin):
    # given
    brand, other = BrandFactory(), BrandFactory()
    outsider = AgentFactory(brands=[other], name="Olga Outsider")
    # when
    response = client.post(
        reverse("settings:team_create"), {"brand": brand.pk, "name": "Billing", "members": [outsider.pk]}
    )
    # then
    assert response.status_code == 200
    assert "Olga Outsider" in response.context["form"].errors["members"][0]
    assert not Team.objects.exists()


def test_duplicate_team_name_is_shown_on_the_name(client, admin):
    # given
    team = TeamFactory(name="Billing")
    # when
    response = client.post(reverse("settings:team_create"), {"brand": team.brand_id, "name": "billing"})
    # then
    assert response.status_code == 200
    assert "already has a team" in response.context["form"].errors["name"][0]


def test_unknown_brand_is_a_form_error(client, admin):
    # when
    response = client.post(reverse("settings:team_create"), {"brand": 999999, "name": "Billing"})
    # then
    assert response.status_code == 200
    assert "brand" in response.context["form"].errors


def test_admin_renames_a_team_and_changes_members(client, admin):
    # given
    brand = BrandFactory()
    ann, bob = AgentFactory(brands=[brand]), AgentFactory(brands=[brand])
    team = TeamFactory(brand=brand, name="Billing")
    team.members.set([ann])
    # when
    response = client.post(reverse("settings:team_edit", args=[team.pk]), {"name": "Payments", "members": [bob.pk]})
    # then
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Payments"
    assert list(team.members.all()) == [bob]


def test_edit_offers_only_people_of_the_brand(client, admin):
    # given
    brand, other = BrandFactory(), BrandFactory()
    insider, outsider = AgentFactory(brands=[brand]), AgentFactory(brands=[other])
    team = TeamFactory(brand=brand)
    # when
    choices = client.get(reverse("settings:team_edit", args=[team.pk])).context["form"].fields["members"].queryset
    # then
    assert insider in choices and admin in choices
    assert outsider not in choices


def test_delete_asks_first_then_keeps_tickets_and_inboxes(client, admin):
    # given
    team = TeamFactory(name="Billing")
    ticket = make_ticket(team.brand, team=team)
    inbox = InboxFactory(brand=team.brand, default_team=team)
    # when
    confirm = client.get(reverse("settings:team_delete", args=[team.pk]))
    response = client.post(reverse("settings:team_delete", args=[team.pk]))
    # then
    assert "1 ticket" in confirm.content.decode()
    assert Team.objects.filter(pk=team.pk).exists() is False
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.team_id is None
    assert Inbox.objects.get(pk=inbox.pk).default_team_id is None
