"""Settings → Custom fields: admins list, create, edit, deactivate and reactivate ticket fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.testing.factories import AgentFactory, BrandFactory
from frontdesk.tickets.choices import FieldType
from frontdesk.tickets.models import CustomField

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN)
    client.force_login(agent)
    return agent


def field_data(**overrides: object) -> dict[str, object]:
    return {"key": "order_number", "label": "Order number", "field_type": FieldType.TEXT, "position": 1} | overrides


def test_list_shows_active_and_inactive_fields(client, admin, django_assert_max_num_queries):
    # given
    brand = BrandFactory(name="Acme")
    CustomField.objects.create(key="order_number", label="Order number", brand=brand)
    CustomField.objects.create(key="old", label="Old field", is_active=False)
    # when
    with django_assert_max_num_queries(6):
        html = client.get(reverse("settings:fields")).content.decode()
    # then
    assert "Order number" in html and "Acme" in html
    assert "Old field" in html and "All brands" in html and "Inactive" in html


def test_admin_creates_a_brand_field(client, admin):
    # given
    brand = BrandFactory()
    # when
    response = client.post(
        reverse("settings:field_create"), field_data(key="Order Number", brand=brand.pk, required_to_solve="on")
    )
    # then
    assert response.status_code == 302
    field = CustomField.objects.get()
    assert (field.key, field.brand, field.required_to_solve, field.position) == ("order_number", brand, True, 1)


def test_admin_creates_a_dropdown_with_options(client, admin):
    # when
    client.post(
        reverse("settings:field_create"),
        field_data(key="plan", field_type=FieldType.DROPDOWN, options="Free\n\n Pro \nEnterprise\n"),
    )
    # then
    assert CustomField.objects.get(key="plan").options == ["Free", "Pro", "Enterprise"]


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"field_type": FieldType.DROPDOWN, "options": "  "}, "options", "at least one option"),
        ({"key": "bad/key!"}, "key", "letters, digits"),
        ({"field_type": "colour"}, "field_type", "valid choice"),
        ({"position": "-1"}, "position", "greater than or equal"),
        ({"position": "many"}, "position", "whole number"),
        ({"brand": "99999"}, "brand", "valid choice"),
    ],
)
def test_bad_field_input_is_shown_on_its_field(client, admin, overrides, field, text):
    # when
    response = client.post(reverse("settings:field_create"), field_data(**overrides))
    # then
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert not CustomField.objects.exists()


def test_taken_key_is_shown_on_the_key(client, admin):
    # given
    CustomField.objects.create(key="order_number", label="Order")
    # when
    response = client.post(reverse("settings:field_create"), field_data())
    # then
    assert "already exists" in response.context["form"].errors["key"][0]


def test_admin_edits_label_options_and_position(client, admin):
    # given
    field = CustomField.objects.create(key="plan", label="Plan", field_type=FieldType.DROPDOWN, options=["Free"])
    # when
    response = client.post(
        reverse("settings:field_edit", args=[field.pk]),
        {"label": "Plan name", "options": "Free\nPro", "position": 5, "is_active": "on"},
    )
    # then
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.options, field.position, field.is_active) == ("Plan name", ["Free", "Pro"], 5, True)


def test_edit_of_a_text_field_has_no_options(client, admin):
    # given
    field = CustomField.objects.create(key="order_number", label="Order")
    # when
    form = client.get(reverse("settings:field_edit", args=[field.pk])).context["form"]
    # then
    assert "options" not in form.fields


def test_dropdown_cannot_lose_all_options(client, admin):
    # given
    field = CustomField.objects.create(key="plan", label="Plan", field_type=FieldType.DROPDOWN, options=["Free"])
    # when
    response = client.post(
        reverse("settings:field_edit", args=[field.pk]), {"label": "Plan", "options": "", "position": 0}
    )
    # then
    assert "options" in response.context["form"].errors
    field.refresh_from_db()
    assert field.options == ["Free"]


def test_admin_deactivates_and_reactivates_a_field(client, admin):
    # given
    field = CustomField.objects.create(key="order_number", label="Order")
    # when
    client.post(reverse("settings:field_deactivate", args=[field.pk]))
    field.refresh_from_db()
    was_active = field.is_active
    client.post(reverse("settings:field_activate", args=[field.pk]))
    # then
    assert was_active is False
    field.refresh_from_db()
    assert field.is_active is True
