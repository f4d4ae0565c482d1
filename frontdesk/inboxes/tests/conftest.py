"""Fixtures of the pipeline and outbox tests: a brand with an email inbox and an agent."""

from __future__ import annotations

import pytest

from frontdesk.inboxes.choices import ChannelKind
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory(name="Acme", slug="acme", support_email="support@acme.test")


@pytest.fixture
def inbox(brand):  # type: ignore[no-untyped-def]
    return InboxFactory(
        brand=brand, name="Acme support", channel_kind=ChannelKind.EMAIL, address="help@acme.test",
        settings={"aliases": ["hello@acme.test"], "from_name": "Acme Support"},
    )


@pytest.fixture
def agent(brand):  # type: ignore[no-untyped-def]
    return AgentFactory(brands=[brand], email="sam@acme-staff.test", name="Sam Agent")
