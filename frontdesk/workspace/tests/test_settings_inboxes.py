"""Settings → Inboxes: admins list, create and edit inboxes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN)
    client.force_login(agent)
    return agent


def test_list_shows_inboxes_with_brand_kind_and_team(client, admin, django_assert_max_num_queries):
    # given
    brand = BrandFactory(name="Acme")
    team = TeamFactory(brand=brand, name="Billing")
    for n in range(10):
        InboxFactory(brand=brand, name=f"Support {n}", channel_kind=ChannelKind.EMAIL, default_team=team)
    # when
    with django_assert_max_num_queries(8):
        html = client.get(reverse("settings:inboxes")).content.decode()
    # then
    assert "Support 9" in html and "Acme" in html and "Email" in html and "Billing" in html


def test_list_filters_by_brand(client, admin):
    # given
    acme, zenith = BrandFactory(), BrandFactory()
    InboxFactory(brand=acme, name="Acme mail")
    InboxFactory(brand=zenith, name="Zenith chat")
    # when
    html = client.get(reverse("settings:inboxes"), {"brand": zenith.pk}).content.decode()
    # then
    assert "Zenith chat" in html and "Acme mail" not in html


def test_admin_creates_an_inbox(client, admin):
    # given
    brand = BrandFactory()
    team = TeamFactory(brand=brand)
    data = {
        "brand": brand.pk,
        "name": "Support mail",
        "channel_kind": ChannelKind.EMAIL,
        "address": " help@acme.test ",
        "default_team": team.pk,
    }
    # when
    response = client.post(reverse("settings:inbox_create"), data)
    # then
    assert response.status_code == 302
    inbox = Inbox.objects.get(name="Support mail")
    assert (inbox.brand, inbox.channel_kind, inbox.address, inbox.default_team) == (
        brand,
        ChannelKind.EMAIL,
        "help@acme.test",
        team,
    )


def test_default_team_of_another_brand_is_refused_inline(client, admin):
    # given
    brand, other = BrandFactory(), BrandFactory()
    team = TeamFactory(brand=other)
    data = {"brand": brand.pk, "name": "Support", "channel_kind": ChannelKind.EMAIL, "default_team": team.pk}
    # when
    response = client.post(reverse("settings:inbox_create"), data)
    # then
    assert response.status_code == 200
    assert "another brand" in response.context["form"].non_field_errors()[0]
    assert not Inbox.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("channel_kind", "pigeon"), ("name", ""), ("brand", "abc")])
def test_bad_inbox_input_is_shown_on_its_field(client, admin, field, value):
    # given
    data = {"brand": BrandFactory().pk, "name": "Support", "channel_kind": ChannelKind.EMAIL} | {field: value}
    # when
    response = client.post(reverse("settings:inbox_create"), data)
    # then
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_admin_edits_and_deactivates_an_inbox(client, admin):
    # given
    inbox = InboxFactory(name="Old", address="old@acme.test")
    team = TeamFactory(brand=inbox.brand)
    # when
    response = client.post(
        reverse("settings:inbox_edit", args=[inbox.pk]),
        {"name": "New", "address": "new@acme.test", "default_team": team.pk},
    )
    # then
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert (inbox.name, inbox.address, inbox.default_team, inbox.is_active) == ("New", "new@acme.test", team, False)


def test_edit_offers_only_teams_of_the_inbox_brand(client, admin):
    # given
    inbox = InboxFactory()
    own, foreign = TeamFactory(brand=inbox.brand), TeamFactory()
    # when
    response = client.post(reverse("settings:inbox_edit", args=[inbox.pk]), {"name": "X", "default_team": foreign.pk})
    choices = client.get(reverse("settings:inbox_edit", args=[inbox.pk])).context["form"].fields["default_team"]
    # then
    assert "default_team" in response.context["form"].errors
    assert list(choices.queryset) == [own]
