"""Contacts, their identities and organisations over the API."""

from __future__ import annotations

import pytest

from frontdesk.accounts.choices import TokenScope
from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import AgentFactory, BrandFactory, ContactFactory, OrganisationFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def api(brand):  # type: ignore[no-untyped-def]
    return as_agent(AgentFactory(brands=[brand]))


def test_creating_a_contact_with_identities(api, brand):
    # when
    response = api.post(
        "/contacts",
        {
            "name": "Ada Lovelace",
            "identities": [
                {"kind": "email", "value": "ADA@example.com"},
                {"kind": "phone", "value": "+44 20 7946 0000"},
            ],
            "language": "en",
        },
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["brand_id"] == brand.pk
    assert [(i["kind"], i["value"], i["is_primary"]) for i in body["identities"]] == [
        ("email", "ada@example.com", True),
        ("phone", "+442079460000", False),
    ]


def test_an_invalid_identity_leaves_no_contact(api):
    # when
    response = api.post("/contacts", {"name": "X", "identities": [{"kind": "email", "value": "not-an-email"}]})
    # then
    assert response.status_code == 422
    assert error_code(response) == "invalid_identity"
    assert api.get("/contacts").json()["data"] == []


def test_search_get_and_patch(api, brand):
    # given
    organisation = OrganisationFactory(brand=brand)
    ada = ContactFactory(brand=brand, name="Ada Lovelace", email="ada@example.com")
    ContactFactory(brand=brand, name="Charles Babbage")
    # when
    found = api.get("/contacts", {"q": "ada@"}).json()["data"]
    patched = api.patch(f"/contacts/{ada.pk}", {"organisation_id": organisation.pk, "notes": "VIP"})
    detached = api.patch(f"/contacts/{ada.pk}", {"organisation_id": None})
    # then
    assert [c["id"] for c in found] == [ada.pk]
    assert api.get(f"/contacts/{ada.pk}").json()["display_name"] == "Ada Lovelace"
    assert patched.json()["organisation"]["id"] == organisation.pk
    assert patched.json()["notes"] == "VIP"
    assert detached.json()["organisation"] is None


def test_an_address_of_another_contact_is_a_conflict(api, brand):
    # given
    ContactFactory(brand=brand, email="taken@example.com")
    other = ContactFactory(brand=brand)
    # when
    response = api.post(f"/contacts/{other.pk}/identities", {"kind": "email", "value": "taken@example.com"})
    # then
    assert response.status_code == 409
    assert error_code(response) == "identity_taken"


def test_adding_and_removing_an_identity(api, brand):
    # given
    contact = ContactFactory(brand=brand)
    # when
    added = api.post(f"/contacts/{contact.pk}/identities", {"kind": "telegram", "value": "@ada"})
    removed = api.delete(f"/contacts/{contact.pk}/identities/{added.json()['id']}")
    again = api.delete(f"/contacts/{contact.pk}/identities/{added.json()['id']}")
    # then
    assert added.status_code == 201
    assert removed.status_code == 204
    assert again.status_code == 404
    assert error_code(again) == "identity_not_found"


def test_merging_moves_identities_and_tickets(api, brand):
    # given
    keep = ContactFactory(brand=brand, email="a@example.com")
    duplicate = ContactFactory(brand=brand, email="b@example.com")
    ticket = make_ticket(brand, requester=duplicate)
    # when
    response = api.post(f"/contacts/{keep.pk}/merge", {"duplicate_id": duplicate.pk})
    # then
    assert response.status_code == 200
    assert {i["value"] for i in response.json()["identities"]} == {"a@example.com", "b@example.com"}
    ticket.refresh_from_db()
    assert ticket.requester_id == keep.pk
    assert api.get(f"/contacts/{duplicate.pk}").json()["merged_into_id"] == keep.pk
    assert error_code(api.post(f"/contacts/{keep.pk}/merge", {"duplicate_id": keep.pk})) == "merge_invalid"


def test_contacts_of_other_brands_are_invisible(api):
    # given
    stranger = ContactFactory(brand=BrandFactory())
    # when
    response = api.get(f"/contacts/{stranger.pk}")
    # then
    assert response.status_code == 404
    assert error_code(response) == "contact_not_found"
    assert api.get("/contacts").json()["data"] == []


def test_contacts_scopes(brand):
    # given
    agent = AgentFactory(brands=[brand])
    reader = as_agent(agent, [TokenScope.CONTACTS_READ])
    # when / then
    assert reader.get("/contacts").status_code == 200
    assert error_code(reader.post("/contacts", {"name": "x"})) == "insufficient_scope"
    assert error_code(as_agent(agent, [TokenScope.TICKETS_WRITE]).get("/contacts")) == "insufficient_scope"


def test_organisations_create_list_get_patch(api, brand):
    # given
    created = api.post("/organisations", {"name": "Engines Ltd", "domains": ["Engines.example"]})
    org_id = created.json()["id"]
    ContactFactory(brand=brand, organisation_id=org_id)
    # when
    listed = api.get("/organisations", {"q": "engines"}).json()["data"]
    patched = api.patch(f"/organisations/{org_id}", {"notes": "Key account"})
    duplicate = api.post("/organisations", {"name": "engines ltd"})
    # then
    assert created.status_code == 201
    assert created.json()["domains"] == ["engines.example"]
    assert [(o["id"], o["contact_count"]) for o in listed] == [(org_id, 1)]
    assert api.get(f"/organisations/{org_id}").json()["contact_count"] == 1
    assert patched.json()["notes"] == "Key account"
    assert duplicate.status_code == 409


def test_new_contacts_join_the_organisation_of_their_domain(api, brand):
    # given
    org = api.post("/organisations", {"name": "Engines Ltd", "domains": ["engines.example"]}).json()
    # when
    ticket = api.post("/tickets", {"subject": "Hi", "text": "x", "requester": {"email": "ada@engines.example"}}).json()
    # then
    assert ticket["organisation"]["id"] == org["id"]
