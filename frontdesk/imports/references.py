"""What import lines refer to, looked up once and kept for the whole import: brands, agents, teams, inboxes,
custom field definitions, and the organisations, contacts and tags found or created along the way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent, Team
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import Contact, ContactIdentity, Organisation
from frontdesk.core.models import Brand
from frontdesk.imports import errors
from frontdesk.imports.bulk import RowWriter, datetime_converter
from frontdesk.imports.records import LineError
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets.fields import definitions
from frontdesk.tickets.models import CustomField
from frontdesk.tickets.services import tags_by_name

UNASSIGNABLE_ROLES = (Role.READ_ONLY, Role.LIGHT_AGENT)


@dataclass(frozen=True)
class AgentRef:
    id: int
    email: str
    role: str
    is_active: bool
    brand_ids: frozenset[int]

    def works_for(self, brand_id: int) -> bool:
        return self.role == Role.ADMIN or brand_id in self.brand_ids


@dataclass(frozen=True)
class InboxRef:
    id: int
    channel_kind: str
    default_team_id: int | None


@dataclass(frozen=True)
class ContactRef:
    id: int
    organisation_id: int | None


class References:
    """Lookups for one import. Install-wide settings are read at the start; organisations, contacts and tags
    are cached as they are found or created, and `forget_created()` drops them when a batch is rolled back."""

    def __init__(self) -> None:
        self.brands = {b.slug: b for b in Brand.objects.all()}
        self.default_brand = next(iter(self.brands.values())) if len(self.brands) == 1 else None
        memberships: dict[int, set[int]] = defaultdict(set)
        for agent_id, brand_id in Agent.brands.through.objects.values_list("agent_id", "brand_id"):
            memberships[agent_id].add(brand_id)
        self.agents = {
            email: AgentRef(pk, email, role, active, frozenset(memberships[pk]))
            for pk, email, role, active in Agent.objects.values_list("id", "email", "role", "is_active")
        }
        team_rows = list(Team.objects.values_list("id", "brand_id", "name"))
        self.teams = {(brand_id, name.lower()): pk for pk, brand_id, name in team_rows}
        self.team_names = {pk: name for pk, _, name in team_rows}
        self.inbox_by_kind: dict[tuple[int, str], InboxRef] = {}
        self.inbox_by_name: dict[tuple[int, str], InboxRef] = {}
        for inbox in Inbox.objects.filter(is_active=True).order_by("id"):
            ref = InboxRef(inbox.pk, inbox.channel_kind, inbox.default_team_id)
            self.inbox_by_kind.setdefault((inbox.brand_id, inbox.channel_kind), ref)
            self.inbox_by_name.setdefault((inbox.brand_id, inbox.name.lower()), ref)
            if inbox.address:
                self.inbox_by_name.setdefault((inbox.brand_id, inbox.address.lower()), ref)
        # Read up front: checking lines must not query the database (it may run in another process).
        self.db_datetime = datetime_converter()
        self.contact_writer = RowWriter(
            Contact, ("brand", "name", "organisation", "language", "time_zone", "notes", "created_at", "updated_at")
        )
        self.identity_writer = RowWriter(
            ContactIdentity,
            ("brand", "contact", "kind", "value", "is_primary", "is_verified", "is_bouncing", "created_at",
             "updated_at"),
        )
        self._fields: dict[int, dict[str, CustomField]] = {b.pk: definitions(b.pk) for b in self.brands.values()}
        self.forget_created()

    def forget_created(self) -> None:
        self._organisations: dict[int, dict[str, int]] = {}
        self._domains: dict[int, dict[str, int]] = {}
        self.contacts: dict[tuple[int, str], ContactRef] = {}
        self.tags: dict[str, int] = {}

    # Checks of one line (no writes).

    def brand(self, slug: str) -> Brand:
        if not slug:
            if self.default_brand is not None:
                return self.default_brand
            raise LineError(
                f"brand: missing; use one of {', '.join(sorted(self.brands)) or '(no brands yet)'}.",
                code=errors.UNKNOWN_BRAND,
            )
        brand = self.brands.get(slug)
        if brand is None:
            raise LineError(
                f"brand: no brand with slug {slug!r}; use one of {', '.join(sorted(self.brands)) or '(none)'}.",
                code=errors.UNKNOWN_BRAND,
            )
        return brand

    def agent(self, email: str, path: str) -> AgentRef:
        agent = self.agents.get(email)
        if agent is None:
            raise LineError(
                f"{path}: no agent with email {email}; create the agent first (a deactivated agent is fine for "
                "authors of old messages).",
                code=errors.UNKNOWN_AGENT,
            )
        return agent

    def assignee(self, email: str, brand: Brand) -> AgentRef:
        agent = self.agent(email, "assignee")
        if not agent.is_active:
            raise LineError(f"assignee: {email} is deactivated.", code=errors.INVALID_ASSIGNEE)
        if agent.role in UNASSIGNABLE_ROLES:
            raise LineError(
                f"assignee: {email} cannot be assigned tickets (role {agent.role}).", code=errors.INVALID_ASSIGNEE
            )
        if not agent.works_for(brand.pk):
            raise LineError(f"assignee: {email} does not work for brand {brand.slug}.", code=errors.INVALID_ASSIGNEE)
        return agent

    def team(self, name: str, brand: Brand) -> int:
        team_id = self.teams.get((brand.pk, name.lower()))
        if team_id is None:
            known = sorted(self.team_names[pk] for (b, _), pk in self.teams.items() if b == brand.pk)
            raise LineError(
                f"team: brand {brand.slug} has no team named {name!r}"
                + (f"; its teams are {', '.join(known)}." if known else " (it has no teams)."),
                code=errors.UNKNOWN_TEAM,
            )
        return team_id

    def inbox(self, name: str, channel: str, brand: Brand) -> InboxRef | None:
        if name:
            ref = self.inbox_by_name.get((brand.pk, name.lower()))
            if ref is None:
                raise LineError(
                    f"inbox: brand {brand.slug} has no active inbox named or addressed {name!r}.",
                    code=errors.UNKNOWN_INBOX,
                )
            return ref
        return self.inbox_by_kind.get((brand.pk, channel))

    def field_definitions(self, brand_id: int) -> dict[str, CustomField]:
        return self._fields[brand_id]

    # Finding or creating (inside the batch's transaction).

    def _load_organisations(self, brand_id: int) -> dict[str, int]:
        if brand_id not in self._organisations:
            by_name: dict[str, int] = {}
            domains: dict[str, int] = {}
            for pk, name, org_domains in Organisation.objects.filter(brand_id=brand_id).values_list(
                "id", "name", "domains"
            ):
                by_name.setdefault(name.lower(), pk)
                for domain in org_domains or []:
                    domains.setdefault(str(domain).lower(), pk)
            self._organisations[brand_id] = by_name
            self._domains[brand_id] = domains
        return self._organisations[brand_id]

    def organisations(self, wanted: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
        """Organisation ids by (brand id, name), creating the missing ones (matched without regard to case)."""
        missing: dict[tuple[int, str], str] = {}
        for brand_id, name in wanted:
            if name.lower() not in self._load_organisations(brand_id):
                missing.setdefault((brand_id, name.lower()), name)
        if missing:
            Organisation.objects.bulk_create(
                [Organisation(brand_id=b, name=name) for (b, _), name in missing.items()], ignore_conflicts=True
            )
            for brand_id in {b for b, _ in missing}:
                self._organisations.pop(brand_id, None)
        return {(b, n): self._load_organisations(b)[n.lower()] for b, n in wanted}

    def organisation_for_email(self, brand_id: int, email: str) -> int | None:
        self._load_organisations(brand_id)
        return self._domains[brand_id].get(email.rpartition("@")[2])

    def contacts_for(self, wanted: dict[tuple[int, str], tuple[str, int | None, str]]) -> None:
        """Find or create the contacts behind (brand id, email); values are (name, organisation id, language)
        used only for new contacts: existing contacts are reused as they are."""
        missing = [key for key in wanted if key not in self.contacts]
        by_brand: dict[int, list[str]] = defaultdict(list)
        for brand_id, email in missing:
            by_brand[brand_id].append(email)
        for brand_id, emails in by_brand.items():
            for start in range(0, len(emails), 500):
                found = ContactIdentity.objects.filter(
                    brand_id=brand_id, kind=IdentityKind.EMAIL, value__in=emails[start : start + 500]
                ).values_list("value", "contact_id", "contact__organisation_id")
                for value, contact_id, organisation_id in found:
                    self.contacts[(brand_id, value)] = ContactRef(contact_id, organisation_id)
        new_keys = [key for key in missing if key not in self.contacts]
        if not new_keys:
            return
        now = self.db_datetime(timezone.now())
        rows: list[tuple[Any, ...]] = []
        for brand_id, email in new_keys:
            name, given_organisation, language = wanted[(brand_id, email)]
            rows.append(
                (brand_id, name, given_organisation or self.organisation_for_email(brand_id, email), language,
                 "", "", now, now)
            )
        ids = self.contact_writer.insert(rows, returning=True)
        self.identity_writer.insert(
            [(b, contact_id, IdentityKind.EMAIL, e, True, False, False, now, now)
             for (b, e), contact_id in zip(new_keys, ids, strict=True)]
        )
        for key, contact_id, row in zip(new_keys, ids, rows, strict=True):
            self.contacts[key] = ContactRef(contact_id, row[2])

    def tag_ids(self, names: Iterable[str]) -> dict[str, int]:
        missing = [n for n in dict.fromkeys(names) if n not in self.tags]
        if missing:
            self.tags.update({t.name: t.pk for t in tags_by_name(missing)})
        return self.tags
