"""Who may open which settings page, and how bad requests are answered (never a 500)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent
from frontdesk.core.models import Brand
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory, TeamFactory
from frontdesk.tickets.models import CustomField, Tag

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [Role.LEAD, Role.AGENT, Role.LIGHT_AGENT, Role.READ_ONLY]
EVERY_ROLE = [Role.ADMIN, *NON_ADMIN_ROLES]


def sign_in(client: Client, role: str = Role.ADMIN, **fields: object) -> Agent:
    agent: Agent = AgentFactory(role=role, **fields)
    client.force_login(agent)
    return agent


@pytest.fixture
def records() -> dict[str, int]:
    """One of each thing the admin pages edit, by the id their URLs take."""
    brand = BrandFactory()
    return {
        "brand": brand.pk,
        "team": TeamFactory(brand=brand).pk,
        "agent": AgentFactory(brands=[brand]).pk,
        "inbox": InboxFactory(brand=brand).pk,
        "tag": Tag.objects.create(name="refund").pk,
        "field": CustomField.objects.create(key="order_number", label="Order number").pk,
    }


# (url name, which record id it takes or None)
ADMIN_GET_PAGES = [
    ("settings:brands", None),
    ("settings:brand_create", None),
    ("settings:brand_edit", "brand"),
    ("settings:teams", None),
    ("settings:team_create", None),
    ("settings:team_edit", "team"),
    ("settings:team_delete", "team"),
    ("settings:agents", None),
    ("settings:agent_create", None),
    ("settings:agent_edit", "agent"),
    ("settings:inboxes", None),
    ("settings:inbox_create", None),
    ("settings:inbox_edit", "inbox"),
    ("settings:tags", None),
    ("settings:tag_edit", "tag"),
    ("settings:tag_delete", "tag"),
    ("settings:fields", None),
    ("settings:field_create", None),
    ("settings:field_edit", "field"),
]
ADMIN_POST_ACTIONS = [
    ("settings:brand_create", None, {"name": "Evil", "slug": "evil", "color": "#000000"}),
    ("settings:brand_edit", "brand", {"name": "Renamed", "slug": "renamed", "color": "#000000"}),
    ("settings:team_create", None, {"brand": "", "name": "Evil team"}),
    ("settings:team_delete", "team", {}),
    ("settings:agent_create", None, {"name": "X", "email": "x@staff.test", "role": "admin"}),
    ("settings:agent_deactivate", "agent", {}),
    ("settings:agent_password_email", "agent", {}),
    ("settings:inbox_create", None, {"name": "Evil", "channel_kind": "email"}),
    ("settings:tags", None, {"name": "evil", "color": "#000000"}),
    ("settings:tag_delete", "tag", {}),
    ("settings:field_create", None, {"key": "evil", "label": "Evil", "field_type": "text", "position": 0}),
    ("settings:field_deactivate", "field", {}),
]
PERSONAL_PAGES = ["settings:index", "settings:profile", "settings:tokens"]


def _url(name: str, record: str | None, records: dict[str, int]) -> str:
    return reverse(name, args=[records[record]] if record else [])


@pytest.mark.parametrize(("name", "record"), ADMIN_GET_PAGES)
def test_admin_opens_every_admin_page(client, records, name, record):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = client.get(_url(name, record, records))
    # then
    assert response.status_code == 200
    assert response.context["section"] == "settings"


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize(("name", "record"), ADMIN_GET_PAGES)
def test_other_roles_get_403_on_admin_pages(client, records, role, name, record):
    # given
    sign_in(client, role)
    # when
    response = client.get(_url(name, record, records))
    # then
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize(("name", "record", "data"), ADMIN_POST_ACTIONS)
def test_other_roles_cannot_change_anything(client, records, role, name, record, data):
    # given
    sign_in(client, role)
    before = (Brand.objects.count(), Agent.objects.filter(is_active=True).count(), Tag.objects.count())
    # when
    response = client.post(_url(name, record, records), data)
    # then
    assert response.status_code == 403
    assert (Brand.objects.count(), Agent.objects.filter(is_active=True).count(), Tag.objects.count()) == before
    assert CustomField.objects.get(pk=records["field"]).is_active


@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_every_role_has_its_profile_and_tokens(client, role, name):
    # given
    sign_in(client, role)
    # when
    response = client.get(reverse(name))
    # then
    assert response.status_code == 200


def test_menu_shows_admin_sections_to_admins_only(client):
    # given
    sign_in(client, Role.AGENT)
    # when
    as_agent = client.get(reverse("settings:index")).content.decode()
    sign_in(client, Role.ADMIN)
    as_admin = client.get(reverse("settings:index")).content.decode()
    # then
    assert reverse("settings:brands") not in as_agent
    assert reverse("settings:profile") in as_agent
    assert reverse("settings:brands") in as_admin


@pytest.mark.parametrize("name", ["settings:index", "settings:brands", "settings:profile", "settings:tokens"])
def test_signed_out_visitors_are_sent_to_sign_in(client, name):
    # when
    response = client.get(reverse(name))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/settings/")


def test_deactivated_admin_is_signed_out(client):
    # given
    admin = sign_in(client, Role.ADMIN)
    Agent.objects.filter(pk=admin.pk).update(is_active=False)
    # when
    response = client.get(reverse("settings:brands"))
    # then
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "settings:brand_edit",
        "settings:team_edit",
        "settings:team_delete",
        "settings:agent_edit",
        "settings:inbox_edit",
        "settings:tag_edit",
        "settings:tag_delete",
        "settings:field_edit",
    ],
)
def test_unknown_ids_are_404(client, name):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = client.get(reverse(name, args=[987654]))
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/settings/brands/abc/", "/settings/agents/-1/", "/settings/tags/1e3/"])
def test_malformed_ids_are_404(client, path):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = client.get(path)
    # then
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "name", "record"),
    [
        ("get", "settings:agent_deactivate", "agent"),
        ("get", "settings:agent_activate", "agent"),
        ("get", "settings:agent_password_email", "agent"),
        ("get", "settings:field_deactivate", "field"),
        ("get", "settings:password_change", None),
        ("put", "settings:brand_create", None),
        ("delete", "settings:tag_edit", "tag"),
        ("patch", "settings:profile", None),
        ("post", "settings:brands", None),
        ("post", "settings:agents", None),
    ],
)
def test_wrong_method_is_405(client, records, method, name, record):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = getattr(client, method)(_url(name, record, records))
    # then
    assert response.status_code == 405


def test_wrong_method_on_token_revoke_is_405(client):
    # given
    sign_in(client, Role.AGENT)
    # when
    response = client.get(reverse("settings:token_revoke", args=[1]))
    # then
    assert response.status_code == 405


def test_posts_without_csrf_token_are_refused():
    # given
    client = Client(enforce_csrf_checks=True)
    sign_in(client, Role.ADMIN)
    # when
    response = client.post(reverse("settings:brand_create"), {"name": "Acme", "slug": "acme", "color": "#123456"})
    # then
    assert response.status_code == 403
    assert not Brand.objects.filter(slug="acme").exists()


def test_forms_carry_a_csrf_token(client):
    # given
    sign_in(client, Role.ADMIN)
    # when
    html = client.get(reverse("settings:brand_create")).content.decode()
    # then
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("name", ["settings:brand_create", "settings:agent_create", "settings:inbox_create"])
def test_an_empty_post_shows_errors_not_a_crash(client, name):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = client.post(reverse(name), {})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors


HUGE = "9" * 30


@pytest.mark.parametrize(
    "path",
    [
        f"/settings/brands/{HUGE}/",
        f"/settings/teams/?brand={HUGE}",
        "/settings/teams/?brand=%C2%B3",
        "/settings/teams/new/?brand=%C2%B3",
        f"/settings/inboxes/?brand={HUGE}",
        "/settings/inboxes/?brand=%D9%A3",
        f"/settings/agents/?page={HUGE}",
        "/settings/agents/?q=%00&role=%00",
        "/settings/tags/?q=%00",
    ],
)
def test_hostile_query_strings_get_an_answer_not_a_crash(client, path):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = client.get(path)
    # then
    assert response.status_code in (200, 404)


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("settings:team_create", {"brand": HUGE, "name": "X"}, "brand"),
        ("settings:team_create", {"brand": "1", "name": "X", "members": [HUGE]}, "members"),
        ("settings:agent_create", {"name": "X", "email": "x@y.test", "role": "agent", "brands": [HUGE]}, "brands"),
        ("settings:inbox_create", {"brand": "-1", "name": "X", "channel_kind": "email"}, "brand"),
        ("settings:field_create", {"key": "k", "label": "K", "field_type": "text", "position": HUGE}, "position"),
        ("settings:brand_create", {"name": "A\x00B", "slug": "ab", "color": "#000000"}, "name"),
    ],
)
def test_hostile_form_values_are_form_errors(client, name, data, field):
    # given
    sign_in(client, Role.ADMIN)
    # when
    response = client.post(reverse(name), data)
    # then
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_hostile_token_revoke_id_is_404(client):
    # given
    sign_in(client, Role.AGENT)
    # when
    response = client.post(f"/settings/tokens/{HUGE}/revoke/")
    # then
    assert response.status_code == 404
