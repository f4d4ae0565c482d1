"""Looking a sender up by address without creating anyone."""

from __future__ import annotations

import pytest

from frontdesk.contacts.models import Contact
from frontdesk.contacts.queries import contact_by_address
from frontdesk.core.errors import ValidationFailed
from frontdesk.testing.factories import BrandFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_finds_the_contact_whatever_the_case_of_the_address():
    # given
    contact = ContactFactory(email="ada@example.com")
    # when / then
    assert contact_by_address(contact.brand_id, "email", " ADA@Example.com ") == contact


def test_an_unknown_address_or_another_brand_finds_nobody_and_creates_nothing():
    # given
    contact = ContactFactory(email="ada@example.com")
    # when
    elsewhere = contact_by_address(BrandFactory().pk, "email", "ada@example.com")
    unknown = contact_by_address(contact.brand_id, "email", "bob@example.com")
    # then
    assert elsewhere is None and unknown is None
    assert Contact.objects.count() == 1


def test_a_malformed_address_is_refused():
    # when / then
    with pytest.raises(ValidationFailed):
        contact_by_address(BrandFactory().pk, "email", "not an address")
