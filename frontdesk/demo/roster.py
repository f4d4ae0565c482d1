"""Who works at the demo company: brands, teams, agents, inboxes and ticket fields (plain data, no Django).

The generator draws assignees, teams and channels from here, and `frontdesk demo` creates exactly these rows,
so a generated file always imports into a database set up by `frontdesk demo --roster-only`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    support_email: str
    color: str


@dataclass(frozen=True)
class AgentSpec:
    email: str
    name: str
    role: str
    brands: tuple[str, ...]
    teams: tuple[tuple[str, str], ...] = ()  # (brand slug, team name)


@dataclass(frozen=True)
class InboxSpec:
    brand: str
    name: str
    channel_kind: str
    address: str = ""


@dataclass(frozen=True)
class Roster:
    brands: tuple[BrandSpec, ...]
    teams: tuple[tuple[str, str], ...]  # (brand slug, team name)
    agents: tuple[AgentSpec, ...]
    inboxes: tuple[InboxSpec, ...]
    products: tuple[str, ...] = field(default=())

    def agents_for(self, brand: str) -> list[AgentSpec]:
        """Agents who can be assigned this brand's tickets (admins, leads and agents)."""
        return [a for a in self.agents if brand in a.brands and a.role in ("admin", "lead", "agent")]

    def teams_for(self, brand: str) -> list[str]:
        return [name for slug, name in self.teams if slug == brand]

    def channels_for(self, brand: str) -> list[str]:
        return list(dict.fromkeys(i.channel_kind for i in self.inboxes if i.brand == brand))


PRODUCTS = (
    "Aurora Desk Lamp",
    "Nimbus Headphones",
    "Terra Backpack",
    "Pulse Smartwatch",
    "Orbit Coffee Grinder",
    "Flux Standing Desk",
    "Vela Rain Jacket",
    "Echo Bluetooth Speaker",
)

DEMO_ROSTER = Roster(
    brands=(
        BrandSpec("demo", "Demo", "support@demo.test", "#4f46e5"),
        BrandSpec("acme", "Acme", "support@acme.test", "#0f766e"),
    ),
    teams=(("demo", "Tier 1"), ("demo", "Billing"), ("acme", "Acme Care")),
    agents=(
        AgentSpec("admin@demo.test", "Alex Morgan", "admin", ("demo", "acme")),
        AgentSpec(
            "lead@demo.test", "Jordan Lee", "lead", ("demo", "acme"), (("demo", "Tier 1"), ("acme", "Acme Care"))
        ),
        AgentSpec("sam@demo.test", "Sam Carter", "agent", ("demo",), (("demo", "Tier 1"),)),
        AgentSpec("priya@demo.test", "Priya Shah", "agent", ("demo",), (("demo", "Tier 1"), ("demo", "Billing"))),
        AgentSpec("jonas@demo.test", "Jonas Weber", "agent", ("demo",), (("demo", "Billing"),)),
        AgentSpec("lena@acme.test", "Lena Costa", "agent", ("acme",), (("acme", "Acme Care"),)),
        AgentSpec("noah@demo.test", "Noah Fischer", "light_agent", ("demo",), (("demo", "Tier 1"),)),
        AgentSpec("olivia@demo.test", "Olivia Reed", "read_only", ("demo", "acme")),
    ),
    inboxes=(
        InboxSpec("demo", "Demo support email", "email", "support@demo.test"),
        InboxSpec("demo", "Demo website chat", "livechat", "demo-widget"),
        InboxSpec("demo", "Demo contact form", "web_form", "demo.test/contact"),
        InboxSpec("demo", "Demo WhatsApp", "whatsapp", "+4930123456"),
        InboxSpec("demo", "Demo phone line", "phone", "+4930123400"),
        InboxSpec("demo", "Demo API", "api"),
        InboxSpec("acme", "Acme support email", "email", "support@acme.test"),
        InboxSpec("acme", "Acme website chat", "livechat", "acme-widget"),
        InboxSpec("acme", "Acme contact form", "web_form", "acme.test/contact"),
        InboxSpec("acme", "Acme phone line", "phone", "+14155550100"),
    ),
    products=PRODUCTS,
)
