"""A new contact arriving by email joins the organisation that owns its domain."""

from __future__ import annotations

import pytest

from frontdesk.accounts.choices import Role
from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.services import create_organisation, resolve_contact, update_organisation
from frontdesk.testing.factories import AgentFactory, BrandFactory

pytestmark = pytest.mark.django_db


def test_a_new_contact_joins_the_organisation_of_its_domain_and_changes_apply_at_once():
    # given
    brand = BrandFactory()
    admin = AgentFactory(brands=[brand], role=Role.ADMIN)
    acme = create_organisation(admin, brand, name="Acme", domains=["Acme.test"])
    # when
    ann, _ = resolve_contact(brand, IdentityKind.EMAIL, "ann@ACME.test")
    update_organisation(admin, acme, domains=["acme.example"])
    bob, _ = resolve_contact(brand, IdentityKind.EMAIL, "bob@acme.test")
    cleo, _ = resolve_contact(brand, IdentityKind.EMAIL, "cleo@acme.example")
    # then
    assert ann.organisation_id == acme.pk
    assert bob.organisation_id is None
    assert cleo.organisation_id == acme.pk


def test_another_brand_s_organisation_is_never_used():
    # given
    brand, other = BrandFactory(), BrandFactory()
    create_organisation(AgentFactory(brands=[other], role=Role.ADMIN), other, name="Acme", domains=["acme.test"])
    # when
    ann, _ = resolve_contact(brand, IdentityKind.EMAIL, "ann@acme.test")
    # then
    assert ann.organisation_id is None
