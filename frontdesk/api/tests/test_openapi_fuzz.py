"""Property test of the whole API against its own OpenAPI schema: no operation answers with a server error,
and every answer matches what the schema promises (status codes, content types, bodies)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontdesk.accounts.choices import Role
from frontdesk.testing.api import make_token
from frontdesk.testing.factories import (
    AgentFactory,
    BrandFactory,
    ContactFactory,
    InboxFactory,
    OrganisationFactory,
    TeamFactory,
    make_ticket,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES_PER_OPERATION = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def _keep_test_connection():  # type: ignore[no-untyped-def]
    # The WSGI app closes "obsolete" connections after each request, which would end the test's transaction;
    # Django's own test client unhooks the same handlers.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(_keep_test_connection) -> str:  # type: ignore[no-untyped-def]
    # given an install with a little of everything, and an admin token with every scope
    brand = BrandFactory()
    team = TeamFactory(brand=brand)
    admin = AgentFactory(role=Role.ADMIN, brands=[brand])
    AgentFactory(brands=[brand], teams=[team])
    OrganisationFactory(brand=brand)
    InboxFactory(brand=brand)
    for _ in range(3):
        make_ticket(brand, requester=ContactFactory(brand=brand), tags=["vip"])
    return make_token(admin)


# Loaded at collection: serving the schema needs no database.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": 20260101,
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "mode": "all"},
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_no_operation_fails_or_breaks_its_schema(case, admin_token):  # type: ignore[no-untyped-def]
    # when / then
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)
