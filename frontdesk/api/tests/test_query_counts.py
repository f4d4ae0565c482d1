"""Every list costs the same number of queries for 2 rows as for 20: no query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.accounts.choices import Role
from frontdesk.testing.api import as_agent
from frontdesk.testing.factories import (
    AgentFactory,
    BrandFactory,
    ContactFactory,
    InboxFactory,
    OrganisationFactory,
    TeamFactory,
    make_ticket,
)
from frontdesk.tickets.services import add_note

pytestmark = pytest.mark.django_db


def fill(brand, size):  # type: ignore[no-untyped-def]
    team = TeamFactory(brand=brand)
    ticket = make_ticket(brand)
    for i in range(size):
        organisation = OrganisationFactory(brand=brand)
        ContactFactory(brand=brand, organisation=organisation)
        AgentFactory(brands=[brand], teams=[team])
        InboxFactory(brand=brand, default_team=team)
        TeamFactory(brand=brand)
        add_note(AgentFactory(role=Role.ADMIN), ticket, text=f"note {i}")
    return ticket


def count(api, path):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"limit": 100})
    assert response.status_code == 200, response.json()
    return len(queries)


@pytest.mark.parametrize(
    "path",
    ["/contacts", "/organisations", "/agents", "/teams", "/inboxes", "/tags", "/brands", "/messages", "/timeline"],
)
def test_lists_do_not_query_per_row(path):
    # given two installs, one with ten times the rows of the other
    counts = []
    for size in (2, 20):
        brand = BrandFactory()
        ticket = fill(brand, size)
        api = as_agent(AgentFactory(brands=[brand]))
        api.get("/me")  # the token's last use is written once a minute: keep that out of the count
        url = f"/tickets/{ticket.pk}{path}" if path in ("/messages", "/timeline") else path
        counts.append(count(api, url))
    # when / then
    assert counts[0] == counts[1], counts
