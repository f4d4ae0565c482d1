"""Settings: received mail an inbox could not make into a message is listed, downloadable and read again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.inboxes.choices import IntakeStatus
from frontdesk.inboxes.intake import receive_raw
from frontdesk.inboxes.models import Intake
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory

pytestmark = pytest.mark.django_db
NO_SENDER = b"To: support@acme.test\r\nSubject: Order 7\r\nMessage-ID: <ns@x.test>\r\n\r\nWhere is it?\r\n"


@pytest.fixture
def inbox():  # type: ignore[no-untyped-def]
    brand = BrandFactory(name="Acme", slug="acme")
    return InboxFactory(brand=brand, name="Acme mail", channel_kind="email", address="support@acme.test")


@pytest.fixture
def unreadable(inbox):  # type: ignore[no-untyped-def]
    """A mail from nobody (no From, an empty envelope sender): kept, failed."""
    intake = receive_raw(inbox, NO_SENDER, source="smtp", envelope={"mail_from": ""}).intake
    assert intake.status == IntakeStatus.FAILED
    return intake


def test_an_admin_sees_downloads_and_reads_again_what_could_not_be_read(client, inbox, unreadable):
    # given an admin on the inbox's page
    client.force_login(AgentFactory(role=Role.ADMIN))
    page = client.get(reverse("settings:inbox_edit", args=[inbox.pk])).content.decode()
    # then the failed mail is listed with its reason, and its original downloads as it came
    assert "Received, not made into a message" in page and f'data-intake="{unreadable.pk}"' in page
    assert "The mail names no sender" in page
    original = client.get(reverse("settings:intake_original", args=[inbox.pk, unreadable.pk]))
    assert original.status_code == 200 and original.content == NO_SENDER
    assert original["Content-Disposition"].startswith("attachment")
    # when the sender becomes known (the envelope kept it wrong, fixed here) and the admin reads it again
    Intake.objects.filter(pk=unreadable.pk).update(envelope={"mail_from": "ann@example.test"})
    answer = client.post(reverse("settings:intake_retry", args=[inbox.pk, unreadable.pk]), follow=True)
    # then it is a message on a new ticket of ann's, and the list is empty
    unreadable.refresh_from_db()
    assert unreadable.status == IntakeStatus.DONE
    assert unreadable.message.ticket.requester.primary_address == "ann@example.test"
    assert "now a message on ticket" in answer.content.decode()
    assert f'data-intake="{unreadable.pk}"' not in answer.content.decode()


def test_agents_who_are_no_admins_and_other_inboxes_ids_get_nothing(client, inbox, unreadable):
    # an agent who is no admin: refused
    client.force_login(AgentFactory(brands=[inbox.brand]))
    assert client.get(reverse("settings:intake_original", args=[inbox.pk, unreadable.pk])).status_code == 403
    assert client.post(reverse("settings:intake_retry", args=[inbox.pk, unreadable.pk])).status_code == 403
    # another inbox's id in the URL: not found
    other = InboxFactory(brand=inbox.brand, channel_kind="email", address="sales@acme.test")
    client.force_login(AgentFactory(role=Role.ADMIN))
    assert client.get(reverse("settings:intake_original", args=[other.pk, unreadable.pk])).status_code == 404
    assert client.post(reverse("settings:intake_retry", args=[other.pk, unreadable.pk])).status_code == 404
    unreadable.refresh_from_db()
    assert unreadable.status == IntakeStatus.FAILED
