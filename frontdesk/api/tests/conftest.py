"""Fixtures shared by the API tests: one brand, an agent of it, and an API client acting as that agent."""

from __future__ import annotations

import pytest

from frontdesk.testing.api import as_agent
from frontdesk.testing.factories import AgentFactory, BrandFactory


@pytest.fixture
def brand():  # type: ignore[no-untyped-def]
    return BrandFactory()


@pytest.fixture
def agent(brand):  # type: ignore[no-untyped-def]
    return AgentFactory(brands=[brand])


@pytest.fixture
def api(agent):  # type: ignore[no-untyped-def]
    return as_agent(agent)
