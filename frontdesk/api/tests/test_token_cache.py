"""A process remembers checked tokens for a few seconds; changes made here forget them at once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontdesk.accounts import token_cache
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import ApiToken
from frontdesk.accounts.services import revoke_api_token, update_agent
from frontdesk.testing.api import ApiClient, error_code, make_token
from frontdesk.testing.factories import AgentFactory, BrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    token_cache.clear()
    yield
    token_cache.clear()


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def agent(brand):  # type: ignore[no-untyped-def]
    return AgentFactory(brands=[brand])


def _row(token: str) -> ApiToken:
    return ApiToken.objects.get(prefix=token.split("_")[1])


def test_a_token_revoked_after_use_is_refused_at_once(agent, django_capture_on_commit_callbacks):
    # given a token the process has just checked
    token = make_token(agent)
    assert ApiClient(token).get("/tickets").status_code == 200
    # when it is revoked
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_token(agent, _row(token))
    # then
    response = ApiClient(token).get("/tickets")
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_an_agent_deactivated_after_use_is_refused_at_once(agent, brand, django_capture_on_commit_callbacks):
    # given
    admin = AgentFactory(brands=[brand], role=Role.ADMIN)
    token = make_token(agent)
    assert ApiClient(token).get("/tickets").status_code == 200
    # when
    with django_capture_on_commit_callbacks(execute=True):
        update_agent(admin, agent, is_active=False)
    # then
    assert ApiClient(token).get("/tickets").status_code == 401


def test_a_wrong_secret_with_a_known_prefix_is_never_served_from_memory(agent):
    # given
    token = make_token(agent)
    assert ApiClient(token).get("/tickets").status_code == 200
    # when the prefix is kept and the secret changed
    forged = token[: token.rindex("_") + 1] + "x" * 32
    # then
    assert ApiClient(forged).get("/tickets").status_code == 401


def test_a_change_made_by_another_process_takes_effect_when_the_memory_expires(agent, monkeypatch):
    # given a token remembered, then revoked behind this process's back (as another worker would)
    token = make_token(agent)
    assert ApiClient(token).get("/tickets").status_code == 200
    ApiToken.objects.filter(pk=_row(token).pk).update(revoked_at=timezone.now())
    # when the remembered entry is older than its lifetime
    now = token_cache.time.monotonic()
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: now + token_cache.lifetime() + 1)
    # then
    assert ApiClient(token).get("/tickets").status_code == 401


def test_with_no_lifetime_every_request_checks_the_database(agent, settings):
    # given
    settings.API_TOKEN_CACHE_SECONDS = 0
    token = make_token(agent)
    assert ApiClient(token).get("/tickets").status_code == 200
    # when revoked behind the process's back
    ApiToken.objects.filter(pk=_row(token).pk).update(revoked_at=timezone.now())
    # then
    assert ApiClient(token).get("/tickets").status_code == 401
