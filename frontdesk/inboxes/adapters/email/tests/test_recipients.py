"""Which inbox an address reaches: the rules shared by the SMTP listener and the provider webhooks."""

from __future__ import annotations

import pytest

from frontdesk.inboxes.adapters.email import recipients
from frontdesk.inboxes.adapters.email.recipients import Directory
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox
from frontdesk.testing.factories import BrandFactory


@pytest.fixture
def directory() -> Directory:
    found = Directory()
    found.add(1, "Support@Acme.test", {"aliases": ["help@acme.test", "HILFE@acme.de"], "domains": ["acme-mail.test"]})
    found.add(2, "support@globex.test", {"domains": "globex.test"})
    found.add(3, "support@acme.test", {})  # the same address configured again: the older inbox keeps it
    return found


@pytest.mark.parametrize(
    ("address", "inbox"),
    [
        ("support@acme.test", 1),
        ("<SUPPORT@ACME.TEST>", 1),
        ("help@acme.test", 1),
        ("hilfe@ACME.de", 1),
        ("support+orders@acme.test", 1),  # a sub-address of a configured address
        ("reply+k3y.s1gn3d@acme.test", 1),  # a reply address at a domain of the inbox
        ("reply+k3y@acme.de", 1),
        ("anyone@acme-mail.test", 1),  # catch-all domain
        ("reply+k3y@acme-mail.test", 1),
        ("sales@globex.test", 2),
        ("support@globex.test", 2),
        ("nobody@acme.test", None),  # a domain of an inbox, but not catch-all
        ("reply@acme.test", None),
        ("support@acme.test.evil", None),
        ("support@", None),
        ("", None),
        ("not an address", None),
    ],
)
def test_addresses_reach_their_inbox(directory, address, inbox):
    assert directory.resolve(address) == inbox


@pytest.mark.django_db
def test_only_active_email_inboxes_are_in_the_directory():
    # Given an email inbox, a switched-off one and a chat inbox with an address-like name
    brand = BrandFactory()
    active = Inbox.objects.create(brand=brand, name="Mail", channel_kind=ChannelKind.EMAIL, address="a@x.test")
    Inbox.objects.create(brand=brand, name="Old", channel_kind=ChannelKind.EMAIL, address="b@x.test", is_active=False)
    Inbox.objects.create(brand=brand, name="Chat", channel_kind=ChannelKind.LIVECHAT, address="c@x.test")

    # Then only the first is reached, and a change to an inbox is seen at once
    assert recipients.inbox_ids_for(["a@x.test", "b@x.test", "c@x.test"]) == {"a@x.test": active.pk}
    active.settings = {"aliases": ["d@x.test"]}
    active.save()
    assert recipients.inbox_id_for("d@x.test") == active.pk
