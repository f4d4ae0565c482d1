"""Prepare a frontdesk database for the benchmarks (run by frontdesk's interpreter with bench.frontdesk_settings).

    python -m bench.fd_setup CLIENTS
    python -m bench.fd_setup --roster   # the demo roster, when `frontdesk demo --roster-only` is not there

Makes sure there is a brand (an imported dataset brings its own), an admin agent the benchmark signs in as,
and one API token per client process; prints them as one JSON object on the last line. Idempotent.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.frontdesk_settings")

import django

django.setup()

from frontdesk.accounts import services as accounts  # noqa: E402
from frontdesk.accounts.choices import Role, TokenScope  # noqa: E402
from frontdesk.accounts.models import Agent  # noqa: E402
from frontdesk.core.models import Brand  # noqa: E402

EMAIL = "bench@staff.test"
PASSWORD = "bench-password-1"  # loopback only


def main(clients: int) -> dict[str, object]:
    brand = Brand.objects.order_by("id").first() or accounts.create_brand(
        None, name="Bench", slug="bench", support_email="support@bench.test"
    )
    agent = Agent.objects.filter(email=EMAIL).first()
    if agent is None:
        agent = accounts.create_agent(
            None, email=EMAIL, name="Bench Admin", role=Role.ADMIN, password=PASSWORD,
            brands=list(Brand.objects.all()), check_password=False,
        )
    tokens = [
        accounts.issue_api_token(agent, agent, name=f"bench client {i}", scopes=[TokenScope.TICKETS_WRITE])[1]
        for i in range(clients)
    ]
    return {"email": EMAIL, "password": PASSWORD, "tokens": tokens, "brand_id": brand.pk}


def roster() -> dict[str, object]:
    """The brands, teams, agents and inboxes generated datasets refer to (frontdesk.demo.roster)."""
    from frontdesk.demo.roster import DEMO_ROSTER
    from frontdesk.inboxes import services as inboxes
    from frontdesk.tickets import catalog
    from frontdesk.tickets.choices import FieldType

    brands = {b.slug: accounts.create_brand(None, name=b.name, slug=b.slug, support_email=b.support_email,
                                            color=b.color) for b in DEMO_ROSTER.brands}
    teams = {(slug, name): accounts.create_team(None, brands[slug], name=name) for slug, name in DEMO_ROSTER.teams}
    for a in DEMO_ROSTER.agents:
        accounts.create_agent(None, email=a.email, name=a.name, role=a.role, password=PASSWORD,
                              brands=[brands[b] for b in a.brands], teams=[teams[t] for t in a.teams],
                              check_password=False)
    for i in DEMO_ROSTER.inboxes:
        inboxes.create_inbox(None, brands[i.brand], name=i.name, channel_kind=i.channel_kind, address=i.address)
    admin = Agent.objects.filter(role=Role.ADMIN).order_by("id").first()
    # The ticket fields the generator fills in (an order number, the product concerned).
    catalog.create_custom_field(admin, key="order_number", label="Order number")
    catalog.create_custom_field(admin, key="product", label="Product", field_type=FieldType.DROPDOWN,
                                options=list(DEMO_ROSTER.products))
    return {"brands": len(brands), "agents": len(DEMO_ROSTER.agents)}


if __name__ == "__main__":
    if sys.argv[1:] == ["--roster"]:
        print(json.dumps(roster()))
    else:
        print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)))
