"""Every failure answers in the one JSON error shape, with a stable code; none is a 500 with a traceback."""

from __future__ import annotations

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client

from frontdesk.api.errors import to_domain_error
from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import AgentFactory, BrandFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def api(brand):  # type: ignore[no-untyped-def]
    return as_agent(AgentFactory(brands=[brand]))


@pytest.mark.parametrize("raw", ["{not json", "", "NaN", '{"subject": NaN}', b"\xff\xfe"])
def test_invalid_json_is_400(api, raw):
    # when
    response = api.post("/tickets", raw=raw)
    # then
    assert response.status_code in (400, 422)
    assert error_code(response) in ("invalid_json", "validation_failed")


def test_a_broken_body_is_400_invalid_json(api):
    # when
    response = api.post("/tickets", raw='{"subject": "x",')
    # then
    assert response.status_code == 400
    assert error_code(response) == "invalid_json"


@pytest.mark.parametrize("raw", ["[]", '"text"', "3", "null"])
def test_a_body_that_is_not_an_object_is_422(api, raw):
    # when
    response = api.post("/tickets", raw=raw)
    # then
    assert response.status_code == 422
    assert error_code(response) == "validation_failed"


def test_wrong_types_name_every_field(api):
    # when
    response = api.post("/tickets", {"subject": 12, "priority": "extreme", "requester": {"email": ["x"]}})
    # then
    assert response.status_code == 422
    errors = response.json()["error"]["details"]["errors"]
    assert {e["field"] for e in errors} == {"subject", "priority", "requester.email"}
    assert {e["location"] for e in errors} == {"body"}


@pytest.mark.parametrize("path", ["/tickets/0", "/tickets/-1", "/tickets/abc", f"/tickets/{2**64}"])
def test_out_of_range_ids_are_4xx(api, path):
    # when
    response = api.get(path)
    # then
    assert response.status_code in (404, 422)
    error_code(response)


def test_text_no_database_can_store_is_refused(api):
    # when
    nul = api.post("/tickets", {"subject": "a\u0000b", "text": "x", "requester": {"email": "c@example.com"}})
    surrogate = api.post("/tickets", raw='{"subject": "\\ud800", "text": "x", "requester": {"email": "c@example.com"}}')
    # then
    assert nul.status_code == 422
    assert nul.json()["error"]["details"]["errors"][0]["field"] == "subject"
    assert surrogate.status_code == 422


def test_an_unknown_route_is_a_json_404(api):
    # when
    responses = [api.get("/nothing-here"), api.get("/tickets/1/nope"), api.get("/"), Client().get("/api/v1/x/y")]
    # then
    for response in responses:
        assert response.status_code == 404
        assert error_code(response) == "route_not_found"


def test_a_wrong_method_is_a_json_405_with_allow(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    response = api.delete(f"/tickets/{ticket.pk}")
    # then
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}


def test_an_oversize_body_is_413_before_it_is_read(api, settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    # when
    response = api.post("/tickets", {"subject": "x" * 200, "requester": {"email": "c@example.com"}})
    # then
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert response.json()["error"]["details"]["limit"] == 100


def test_django_refusing_a_body_is_413_too():
    # when
    error = to_domain_error(RequestDataTooBig("too big"))
    # then
    assert error is not None
    assert (error.status, error.code) == (413, "payload_too_large")


def test_a_content_length_that_is_not_a_number_is_400(api):
    # when
    response = api.client.post(
        "/api/v1/tickets",
        data="{}",
        content_type="application/json",
        headers=api._headers(),
        CONTENT_LENGTH="lots",
    )
    # then
    assert response.status_code == 400
    assert error_code(response) == "invalid_content_length"


def test_a_bug_answers_500_json_without_a_traceback_and_is_logged(api, brand, monkeypatch, caplog):
    # given
    from frontdesk.tickets import queries

    ticket = make_ticket(brand)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "get_ticket", broken)
    # when
    response = api.get(f"/tickets/{ticket.pk}")
    # then
    assert response.status_code == 500
    assert error_code(response) == "internal_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    assert "secret internals" in caplog.text


def test_a_bug_outside_an_operation_is_caught_too(monkeypatch):
    # given
    from frontdesk.api import docs

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(docs.OfflineSwagger, "render_page", broken)
    # when
    response = Client().get("/api/v1/docs")
    # then
    assert response.status_code == 500
    assert error_code(response) == "internal_error"
