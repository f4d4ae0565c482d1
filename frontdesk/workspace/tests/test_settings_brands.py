"""Settings → Brands: admins list, create and edit brands."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts import services
from frontdesk.accounts.choices import Role
from frontdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontdesk.core.models import Brand
from frontdesk.testing.factories import AgentFactory, BrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN)
    client.force_login(agent)
    return agent


def brand_data(**overrides: object) -> dict[str, object]:
    return {"name": "Acme Shop", "slug": "acme-shop", "support_email": "help@acme.test", "color": "#ff8800"} | overrides


def test_list_shows_every_brand(client, admin):
    # given
    BrandFactory(name="Acme Shop")
    BrandFactory(name="Zenith Bikes", is_active=False)
    # when
    html = client.get(reverse("settings:brands")).content.decode()
    # then
    assert "Acme Shop" in html
    assert "Zenith Bikes" in html
    assert "Inactive" in html


def test_admin_creates_a_brand(client, admin):
    # when
    response = client.post(reverse("settings:brand_create"), brand_data())
    # then
    assert response.status_code == 302
    brand = Brand.objects.get(slug="acme-shop")
    assert (brand.name, brand.support_email, brand.color, brand.is_active) == (
        "Acme Shop",
        "help@acme.test",
        "#ff8800",
        True,
    )


def test_taken_slug_is_shown_on_the_slug_field(client, admin):
    # given
    BrandFactory(slug="acme-shop")
    # when
    response = client.post(reverse("settings:brand_create"), brand_data())
    # then
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["slug"][0]
    assert Brand.objects.filter(slug="acme-shop").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("slug", "not a slug!"), ("color", "red"), ("color", "#12345"), ("support_email", "nope"), ("name", "")],
)
def test_bad_input_is_refused_with_a_message(client, admin, field, value):
    # when
    response = client.post(reverse("settings:brand_create"), brand_data(**{field: value}))
    # then
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Brand.objects.exists()


def test_admin_edits_and_deactivates_a_brand(client, admin):
    # given
    brand = BrandFactory(slug="old")
    # when
    response = client.post(
        reverse("settings:brand_edit", args=[brand.pk]), brand_data(name="New name", slug="new", color="#000000")
    )
    # then
    assert response.status_code == 302
    brand.refresh_from_db()
    assert (brand.name, brand.slug, brand.color, brand.is_active) == ("New name", "new", "#000000", False)


def test_edit_form_starts_with_the_brand_values(client, admin):
    # given
    brand = BrandFactory(name="Acme", slug="acme")
    # when
    form = client.get(reverse("settings:brand_edit", args=[brand.pk])).context["form"]
    # then
    assert form.initial["slug"] == "acme"
    assert form.initial["is_active"] is True


def test_renaming_to_a_taken_slug_keeps_the_brand(client, admin):
    # given
    BrandFactory(slug="taken")
    brand = BrandFactory(slug="mine", name="Mine")
    # when
    response = client.post(reverse("settings:brand_edit", args=[brand.pk]), brand_data(slug="taken", name="Other"))
    # then
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["slug"][0]
    brand.refresh_from_db()
    assert (brand.slug, brand.name) == ("mine", "Mine")


class TestUpdateBrandService:
    def test_only_admins_may_change_a_brand(self):
        # given
        lead = AgentFactory(role=Role.LEAD)
        brand = BrandFactory()
        # when / then
        with pytest.raises(PermissionDenied):
            services.update_brand(lead, brand, name="Mine now")

    def test_refuses_bad_values_without_touching_the_brand(self):
        # given
        admin = AgentFactory(role=Role.ADMIN)
        brand = BrandFactory(name="Acme", slug="acme")
        BrandFactory(slug="taken")
        # when / then
        with pytest.raises(ValidationFailed):
            services.update_brand(admin, brand, name="Renamed", color="blue")
        with pytest.raises(Conflict):
            services.update_brand(admin, brand, name="Renamed", slug="taken")
        with pytest.raises(ValidationFailed):
            services.update_brand(admin, brand, slug="no spaces")
        assert brand.name == "Acme"
        brand.refresh_from_db()
        assert (brand.name, brand.slug) == ("Acme", "acme")

    def test_saves_only_what_changed(self, django_capture_on_commit_callbacks):
        # given
        admin = AgentFactory(role=Role.ADMIN)
        brand = BrandFactory(slug="acme")
        # when
        services.update_brand(admin, brand, support_email=" Help@Acme.TEST ", color="#ABCDEF", slug="acme")
        # then
        brand.refresh_from_db()
        assert (brand.support_email, brand.color, brand.slug) == ("help@acme.test", "#abcdef", "acme")
