"""Who may call the API: bearer tokens with scopes, the signed-in session with CSRF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from frontdesk.accounts.choices import Role, TokenScope
from frontdesk.accounts.models import ApiToken
from frontdesk.accounts.services import revoke_api_token
from frontdesk.testing.api import ApiClient, as_agent, error_code, make_token
from frontdesk.testing.factories import PASSWORD, AgentFactory, BrandFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def agent(brand):  # type: ignore[no-untyped-def]
    return AgentFactory(brands=[brand])


def test_no_token_is_401_with_a_json_error_and_a_challenge():
    # when
    response = ApiClient().get("/tickets")
    # then
    assert response.status_code == 401
    assert error_code(response) == "authentication_required"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer fd_0123456789ab_wrongsecret", "Bearer fd_zz_x", "Bearer fd_" + "a" * 500],
)
def test_a_malformed_or_unknown_token_is_401(header):
    # when
    response = Client().get("/api/v1/tickets", headers={"Authorization": header})
    # then
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_a_token_with_the_wrong_secret_is_refused(agent):
    # given
    token = make_token(agent)
    prefix = token.split("_")[1]
    # when
    response = ApiClient(f"fd_{prefix}_not-the-secret").get("/tickets")
    # then
    assert response.status_code == 401


def test_revoked_and_expired_tokens_and_deactivated_agents_are_refused(agent, brand):
    # given
    revoked = make_token(agent)
    revoke_api_token(agent, ApiToken.objects.get(prefix=revoked.split("_")[1]))
    expired = make_token(agent)
    ApiToken.objects.filter(prefix=expired.split("_")[1]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    gone = AgentFactory(brands=[brand])
    gone_token = make_token(gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # when / then
    for token in (revoked, expired, gone_token):
        response = ApiClient(token).get("/tickets")
        assert response.status_code == 401, token
        assert error_code(response) == "invalid_token"


def test_a_read_scope_reads_but_does_not_write(agent, brand):
    # given
    ticket = make_ticket(brand)
    api = as_agent(agent, [TokenScope.TICKETS_READ])
    # when
    read = api.get(f"/tickets/{ticket.pk}")
    write = api.patch(f"/tickets/{ticket.pk}", {"status": "pending"})
    # then
    assert read.status_code == 200
    assert write.status_code == 403
    assert error_code(write) == "insufficient_scope"
    assert write.json()["error"]["details"]["required"] == "tickets:write"


def test_the_scope_is_checked_before_the_input(agent):
    # given a token without tickets:write and a body that is not even valid
    api = as_agent(agent, [TokenScope.CONTACTS_READ])
    # when
    response = api.post("/tickets", raw="{not json")
    # then
    assert response.status_code == 403
    assert error_code(response) == "insufficient_scope"


def test_a_write_scope_includes_reading_the_same_things(agent, brand):
    # given
    ticket = make_ticket(brand)
    api = as_agent(agent, [TokenScope.TICKETS_WRITE])
    # when
    response = api.get(f"/tickets/{ticket.pk}")
    # then
    assert response.status_code == 200


def test_scopes_of_other_areas_do_not_open_tickets(agent, brand):
    # given
    make_ticket(brand)
    api = as_agent(agent, [TokenScope.CONTACTS_WRITE, TokenScope.ADMIN_WRITE])
    # when
    response = api.get("/tickets")
    # then
    assert response.status_code == 403


def test_me_answers_with_any_scope(agent):
    # given
    api = as_agent(agent, [TokenScope.CONTACTS_READ])
    # when
    response = api.get("/me")
    # then
    assert response.status_code == 200
    assert response.json()["email"] == agent.email


def test_a_token_records_when_it_was_last_used(agent):
    # given
    token = make_token(agent)
    # when
    ApiClient(token).get("/me")
    # then
    assert ApiToken.objects.get(prefix=token.split("_")[1]).last_used_at is not None


def test_the_signed_in_session_reads_without_a_token(agent, brand):
    # given
    make_ticket(brand)
    client = Client()
    client.login(username=agent.email, password=PASSWORD)
    # when
    response = client.get("/api/v1/tickets")
    # then
    assert response.status_code == 200
    assert len(response.json()["data"]) == 1


def test_the_session_needs_the_csrf_token_to_change_anything(agent, brand):
    # given
    ticket = make_ticket(brand)
    client = Client(enforce_csrf_checks=True)
    client.login(username=agent.email, password=PASSWORD)
    client.get("/api/v1/docs")  # sets the csrftoken cookie, as any page would
    csrf = client.cookies["csrftoken"].value
    url = f"/api/v1/tickets/{ticket.pk}"
    # when
    refused = client.patch(url, data='{"status": "pending"}', content_type="application/json")
    accepted = client.patch(
        url, data='{"status": "pending"}', content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    # then
    assert refused.status_code == 403
    assert error_code(refused) == "csrf_failed"
    assert accepted.status_code == 200


def test_without_session_or_token_an_unsafe_call_is_401_not_a_csrf_error():
    # when
    response = Client(enforce_csrf_checks=True).post("/api/v1/tickets", data="{}", content_type="application/json")
    # then
    assert response.status_code == 401


def test_a_token_acts_with_its_agents_role(brand):
    # given a read-only agent whose token has every scope
    viewer = AgentFactory(brands=[brand], role=Role.READ_ONLY)
    ticket = make_ticket(brand)
    api = as_agent(viewer)
    # when
    response = api.patch(f"/tickets/{ticket.pk}", {"status": "pending"})
    # then
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_another_scheme_is_treated_as_no_token_and_never_logged(settings, caplog):
    # given
    settings.DEBUG = True
    # when
    response = Client().get("/api/v1/tickets", headers={"Authorization": "Token fd_secret_value"})
    # then
    assert response.status_code == 401
    assert error_code(response) == "authentication_required"
    assert "fd_secret_value" not in caplog.text
