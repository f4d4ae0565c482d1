"""Prepare a frontdesk database for the benchmarks (run by frontdesk's interpreter with bench.frontdesk_settings).

    python -m bench.fd_setup CLIENTS

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


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)))
