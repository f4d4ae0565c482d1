"""Settings → Tags: admins list tags with ticket counts, create, rename, recolour and delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.testing.factories import AgentFactory, BrandFactory, make_ticket
from frontdesk.tickets.models import Tag, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN)
    client.force_login(agent)
    return agent


def test_list_shows_each_tag_with_its_ticket_count(client, admin):
    # given
    brand = BrandFactory()
    refund, vip = Tag.objects.create(name="refund"), Tag.objects.create(name="vip")
    Tag.objects.create(name="unused")
    for _ in range(3):
        make_ticket(brand).tags.add(refund)
    make_ticket(brand).tags.add(vip)
    # when
    counts = {t.name: t.ticket_count for t in client.get(reverse("settings:tags")).context["page_obj"]}
    # then
    assert counts == {"refund": 3, "unused": 0, "vip": 1}


def test_list_queries_do_not_grow_with_tags(client, admin, django_assert_max_num_queries):
    # given
    brand = BrandFactory()
    tags = [Tag.objects.create(name=f"tag-{n}") for n in range(60)]
    make_ticket(brand).tags.add(*tags)
    # when / then: session, user, count, tags with counts, whatever the layout needs; not one per row
    with django_assert_max_num_queries(8):
        response = client.get(reverse("settings:tags"))
    assert len(response.context["page_obj"]) == 60


def test_list_searches(client, admin):
    # given
    Tag.objects.create(name="refund")
    Tag.objects.create(name="vip")
    # when
    names = [t.name for t in client.get(reverse("settings:tags"), {"q": "REF"}).context["page_obj"]]
    # then
    assert names == ["refund"]


def test_admin_creates_a_tag(client, admin):
    # when
    response = client.post(reverse("settings:tags"), {"name": "Late Delivery", "color": "#FF0000"})
    # then
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert (tag.name, tag.color) == ("late-delivery", "#ff0000")


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"name": "refund", "color": "#000000"}, "name", "already exists"),
        ({"name": "   ", "color": "#000000"}, "name", "required"),
        ({"name": "x", "color": "blue"}, "color", "colour"),
    ],
)
def test_bad_tag_input_is_shown_on_its_field(client, admin, data, field, text):
    # given
    Tag.objects.create(name="refund")
    # when
    response = client.post(reverse("settings:tags"), data)
    # then
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert Tag.objects.count() == 1


def test_admin_renames_and_recolours_a_tag_on_every_ticket(client, admin):
    # given
    tag = Tag.objects.create(name="refund", color="#000000")
    ticket = make_ticket(BrandFactory())
    ticket.tags.add(tag)
    # when
    response = client.post(reverse("settings:tag_edit", args=[tag.pk]), {"name": "refunds", "color": "#00ff00"})
    # then
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("refunds", "#00ff00")
    assert [t.name for t in Ticket.objects.get(pk=ticket.pk).tags.all()] == ["refunds"]


def test_renaming_onto_another_tag_is_refused(client, admin):
    # given
    Tag.objects.create(name="vip")
    tag = Tag.objects.create(name="refund")
    # when
    response = client.post(reverse("settings:tag_edit", args=[tag.pk]), {"name": "VIP", "color": "#000000"})
    # then
    assert "already exists" in response.context["form"].errors["name"][0]
    assert response.context["tag"].name == "refund"


def test_delete_asks_first_and_keeps_the_tickets(client, admin):
    # given
    tag = Tag.objects.create(name="refund")
    ticket = make_ticket(BrandFactory())
    ticket.tags.add(tag)
    # when
    confirm = client.get(reverse("settings:tag_delete", args=[tag.pk]))
    response = client.post(reverse("settings:tag_delete", args=[tag.pk]))
    # then
    assert "1 ticket carries" in confirm.content.decode()
    assert response.status_code == 302
    assert not Tag.objects.exists()
    assert Ticket.objects.filter(pk=ticket.pk).exists()
