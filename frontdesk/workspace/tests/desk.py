"""A small help desk for workspace tests: two brands, a team, one agent of every role, a few tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client, override_settings

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent, Team
from frontdesk.core.models import Brand
from frontdesk.testing.factories import AgentFactory, BrandFactory, TeamFactory, make_ticket


@dataclass
class Desk:
    brand: Brand
    other_brand: Brand
    team: Team
    agents: dict[str, Agent] = field(default_factory=dict)

    @property
    def admin(self) -> Agent:
        return self.agents["admin"]

    @property
    def lead(self) -> Agent:
        return self.agents["lead"]

    @property
    def agent(self) -> Agent:
        return self.agents["agent"]

    @property
    def light(self) -> Agent:
        return self.agents["light_agent"]

    @property
    def read_only(self) -> Agent:
        return self.agents["read_only"]

    @property
    def outsider(self) -> Agent:
        """An agent of the other brand only."""
        return self.agents["outsider"]

    def ticket(self, **fields: Any) -> Any:
        return make_ticket(self.brand, **fields)


# Tests sign in with force_login; a fast hasher keeps making six agents per test cheap.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
def make_desk() -> Desk:
    brand = BrandFactory(name="Acme", slug="acme")
    other = BrandFactory(name="Globex", slug="globex")
    team = TeamFactory(brand=brand, name="Billing")
    desk = Desk(brand=brand, other_brand=other, team=team)
    for role in (Role.ADMIN, Role.LEAD, Role.AGENT, Role.LIGHT_AGENT, Role.READ_ONLY):
        desk.agents[role.value] = AgentFactory(role=role, brands=[brand], name=f"{role.label} Person")
    desk.agents["outsider"] = AgentFactory(role=Role.AGENT, brands=[other], name="Other Brand Person")
    return desk


def signed_in(agent: Agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


HTMX = {"HTTP_HX_REQUEST": "true"}
