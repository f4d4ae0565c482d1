"""Contacts and organisations: lists, the contact page, edits, addresses, merging duplicates."""

from __future__ import annotations

import pytest

from frontdesk.contacts.models import Contact, ContactIdentity
from frontdesk.testing.factories import ContactFactory, OrganisationFactory, make_ticket
from frontdesk.workspace.tests.desk import make_desk, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "lead", "agent", "light_agent", "read_only"])
def test_every_role_lists_and_opens_contacts_of_its_brand(role):
    # given
    desk = make_desk()
    ann = ContactFactory(brand=desk.brand, name="Ann Customer")
    make_ticket(desk.brand, requester=ann, subject="Ann's question")
    client = signed_in(desk.agents[role])
    # when
    listing = client.get("/contacts/")
    page = client.get(f"/contacts/{ann.pk}/")
    # then
    assert listing.status_code == 200 and "Ann Customer" in listing.content.decode()
    assert page.status_code == 200 and "Ann&#x27;s question" in page.content.decode()
    assert ("Merge a duplicate" in page.content.decode()) == (role in ("admin", "lead", "agent"))


def test_contacts_of_another_brand_are_not_found():
    # given
    desk = make_desk()
    foreign = ContactFactory(brand=desk.other_brand, name="Foreign Person")
    client = signed_in(desk.agent)
    # when / then
    assert "Foreign Person" not in client.get("/contacts/").content.decode()
    assert client.get(f"/contacts/{foreign.pk}/").status_code == 404


def test_the_contact_list_searches_and_pages():
    # given
    desk = make_desk()
    for i in range(55):
        ContactFactory(brand=desk.brand, name=f"Person {i:02d}")
    ContactFactory(brand=desk.brand, name="Zed", email="zed@findme.test")
    client = signed_in(desk.agent)
    # when
    first = client.get("/contacts/")
    second = client.get("/contacts/?page=2")
    found = client.get("/contacts/?q=findme")
    junk = client.get("/contacts/?page=abc")
    # then
    assert len(first.context["contacts"]) == 50 and first.context["has_next"]
    assert len(second.context["contacts"]) == 6 and not second.context["has_next"]
    assert [c.name for c in found.context["contacts"]] == ["Zed"]
    assert junk.status_code == 200 and junk.context["page_number"] == 1


def test_an_agent_edits_name_notes_and_organisation():
    # given
    desk = make_desk()
    org = OrganisationFactory(brand=desk.brand, name="Initech")
    ann = ContactFactory(brand=desk.brand, name="Ann")
    # when
    response = signed_in(desk.agent).post(
        f"/contacts/{ann.pk}/edit/", {"name": "  Ann   Lee ", "notes": "Prefers phone", "organisation": str(org.pk)}
    )
    # then
    assert response.status_code == 302
    ann.refresh_from_db()
    assert (ann.name, ann.notes, ann.organisation) == ("Ann Lee", "Prefers phone", org)


@pytest.mark.parametrize("role", ["light_agent", "read_only"])
def test_roles_without_write_cannot_edit_a_contact(role):
    # given
    desk = make_desk()
    ann = ContactFactory(brand=desk.brand, name="Ann")
    # when
    response = signed_in(desk.agents[role]).post(f"/contacts/{ann.pk}/edit/", {"name": "Changed"})
    # then
    assert response.status_code == 403
    ann.refresh_from_db()
    assert ann.name == "Ann"


def test_addresses_are_added_and_a_taken_one_points_to_merging():
    # given
    desk = make_desk()
    ann = ContactFactory(brand=desk.brand, name="Ann")
    ContactFactory(brand=desk.brand, name="Bob", email="bob@example.test")
    client = signed_in(desk.agent)
    # when
    added = client.post(f"/contacts/{ann.pk}/identities/", {"kind": "phone", "value": "+49 30 1234567"})
    taken = client.post(f"/contacts/{ann.pk}/identities/", {"kind": "email", "value": "BOB@example.test"}, follow=True)
    invalid = client.post(f"/contacts/{ann.pk}/identities/", {"kind": "email", "value": "not-an-email"}, follow=True)
    # then
    assert added.status_code == 302
    assert ann.identities.filter(kind="phone", value="+49301234567").exists()
    assert "merge the two contacts instead" in taken.content.decode()
    assert "is not an email address" in invalid.content.decode()


def test_an_address_is_removed():
    # given
    desk = make_desk()
    ann = ContactFactory(brand=desk.brand, name="Ann")
    phone = ContactIdentity.objects.create(brand=desk.brand, contact=ann, kind="phone", value="+4930111222")
    # when
    response = signed_in(desk.agent).post(f"/contacts/{ann.pk}/identities/{phone.pk}/delete/")
    # then
    assert response.status_code == 302
    assert list(ann.identities.values_list("kind", flat=True)) == ["email"]


def test_a_duplicate_is_found_and_merged_with_its_tickets():
    # given
    desk = make_desk()
    keep = ContactFactory(brand=desk.brand, name="Ann Lee")
    duplicate = ContactFactory(brand=desk.brand, name="A. Lee", email="ann.private@example.test")
    ticket = make_ticket(desk.brand, requester=duplicate)
    client = signed_in(desk.agent)
    # when
    found = client.get(f"/contacts/{keep.pk}/merge/?other=ann.private@example.test")
    merged = client.post(f"/contacts/{keep.pk}/merge/", {"duplicate": str(duplicate.pk)})
    old_page = client.get(f"/contacts/{duplicate.pk}/")
    # then
    assert [c.pk for c, _ in found.context["candidates"]] == [duplicate.pk]
    assert merged.status_code == 302
    ticket.refresh_from_db()
    assert ticket.requester == keep
    assert keep.identities.filter(value="ann.private@example.test").exists()
    assert old_page.status_code == 302 and old_page["Location"] == f"/contacts/{keep.pk}/"


def test_merging_refuses_nonsense_clearly():
    # given
    desk = make_desk()
    keep = ContactFactory(brand=desk.brand)
    foreign = ContactFactory(brand=desk.other_brand)
    client = signed_in(desk.agent)
    # when
    itself = client.post(f"/contacts/{keep.pk}/merge/", {"duplicate": str(keep.pk)}, follow=True)
    nothing = client.post(f"/contacts/{keep.pk}/merge/", {"duplicate": ""}, follow=True)
    other_brand = client.post(f"/contacts/{keep.pk}/merge/", {"duplicate": str(foreign.pk)})
    none_found = client.get(f"/contacts/{keep.pk}/merge/?other=nobody-like-this")
    # then
    assert "cannot be merged into itself" in itself.content.decode()
    assert "Choose the contact to merge" in nothing.content.decode()
    assert other_brand.status_code == 404
    assert "No other contact" in none_found.content.decode()
    assert Contact.objects.filter(merged_into__isnull=False).count() == 0


def test_an_organisation_page_lists_its_people_and_tickets():
    # given
    desk = make_desk()
    org = OrganisationFactory(brand=desk.brand, name="Initech")
    ann = ContactFactory(brand=desk.brand, name="Ann", organisation=org)
    make_ticket(desk.brand, requester=ann, subject="Initech printer")
    client = signed_in(desk.agent)
    # when
    listing = client.get("/organisations/?q=init")
    page = client.get(f"/organisations/{org.pk}/")
    foreign = client.get(f"/organisations/{OrganisationFactory(brand=desk.other_brand).pk}/")
    # then
    assert "Initech" in listing.content.decode()
    assert "Ann" in page.content.decode() and "Initech printer" in page.content.decode()
    assert foreign.status_code == 404
