"""Token parsing and the brand lookups the API relies on."""

from __future__ import annotations

import pytest

from frontdesk.accounts import queries, tokens
from frontdesk.accounts.choices import Role
from frontdesk.core.errors import NotFound, ValidationFailed
from frontdesk.testing.factories import AgentFactory, BrandFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "fd_",
        "xx_0123456789ab_secret",
        "fd_0123456789ab_",
        "fd_ABCDEF012345_s",
        "fd_0123_s",
        "fd_0123456789ab_a\x00b",
    ],
)
def test_malformed_tokens_never_reach_the_database(raw):
    # when / then
    assert tokens.split(raw) is None


def test_a_generated_token_splits_into_prefix_and_secret():
    # given
    full, prefix, secret_hash = tokens.generate()
    # when
    parts = tokens.split(full)
    # then
    assert parts is not None and parts[0] == prefix
    assert tokens.matches(parts[1], secret_hash)


def test_only_brand_is_the_single_brand_or_a_clear_refusal():
    # given
    first = BrandFactory()
    agent = AgentFactory(brands=[first])
    torn = AgentFactory(brands=[first, BrandFactory()])
    # when / then
    assert queries.only_brand(agent) == first
    with pytest.raises(ValidationFailed, match="several brands"):
        queries.only_brand(torn)
    with pytest.raises(ValidationFailed, match="no brand"):
        queries.only_brand(AgentFactory())


def test_get_brand_hides_brands_you_do_not_work_for():
    # given
    mine, theirs = BrandFactory(), BrandFactory()
    agent = AgentFactory(brands=[mine])
    # when / then
    assert queries.get_brand(agent, mine.pk) == mine
    with pytest.raises(NotFound):
        queries.get_brand(agent, theirs.pk)
    assert queries.get_brand(AgentFactory(role=Role.ADMIN), theirs.pk) == theirs
