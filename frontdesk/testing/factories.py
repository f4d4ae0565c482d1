"""Test data factories shared by every app's tests (import from here, not from another app's tests)."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent, Team, TeamMembership
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import Contact, ContactIdentity, Organisation
from frontdesk.core.models import Brand
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox
from frontdesk.tickets.services import open_ticket

PASSWORD = "correct-horse-battery"


class BrandFactory(factory.django.DjangoModelFactory[Brand]):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    support_email = factory.LazyAttribute(lambda o: f"support@{o.slug}.test")


class AgentFactory(factory.django.DjangoModelFactory[Agent]):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@staff.test")
    name = factory.Faker("name")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def brands(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.brands.set(extracted)

    @factory.post_generation
    def teams(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for team in extracted:
                TeamMembership.objects.get_or_create(team=team, agent=self)

    @classmethod
    def _after_postgeneration(cls, instance: Agent, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Org {n} Ltd")


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    name = factory.Faker("name")

    @factory.post_generation
    def email(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            address = extracted or f"customer{self.pk}@example.test"
            ContactIdentity.objects.create(
                brand_id=self.brand_id, contact=self, kind=IdentityKind.EMAIL, value=address.lower(), is_primary=True
            )


class InboxFactory(factory.django.DjangoModelFactory[Inbox]):
    class Meta:
        model = Inbox

    brand = factory.SubFactory(BrandFactory)
    name = "API"
    channel_kind = ChannelKind.API


def make_ticket(
    brand: Brand | None = None,
    *,
    requester: Contact | None = None,
    subject: str = "Where is my order?",
    text: str = "It has not arrived yet.",
    **fields: Any,
):  # type: ignore[no-untyped-def]
    """A ticket opened through the real service, as a channel would open it."""
    brand = brand or (requester.brand if requester else BrandFactory())
    requester = requester or ContactFactory(brand=brand)
    fields.setdefault("at", timezone.now())
    return open_ticket(None, brand=brand, requester=requester, subject=subject, text=text, **fields)
