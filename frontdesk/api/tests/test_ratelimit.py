"""Requests per minute per token: 429 with Retry-After once the limit is passed, usage in headers."""

from __future__ import annotations

import pytest

from frontdesk.api import ratelimit
from frontdesk.testing.api import ApiClient, as_agent, error_code, make_token
from frontdesk.testing.factories import AgentFactory, BrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sqlite", "cache"])
def store(request, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.API_RATE_LIMIT_STORE = request.param
    settings.DATA_DIR = tmp_path
    return request.param


@pytest.fixture
def agent():  # type: ignore[no-untyped-def]
    return AgentFactory(brands=[BrandFactory()])


def test_the_limit_answers_429_with_retry_after(agent, settings, store):
    # given
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    api = as_agent(agent)
    # when
    answers = [api.get("/me") for _ in range(4)]
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert error_code(limited) == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["X-RateLimit-Remaining"] == "0"


def test_every_answer_reports_the_usage(agent, settings, store):
    # given
    settings.API_RATE_LIMIT_PER_MINUTE = 10
    api = as_agent(agent)
    # when
    first, second = api.get("/me"), api.get("/tickets/999999")
    # then
    assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("10", "9")
    assert second.status_code == 404
    assert second["X-RateLimit-Remaining"] == "8"
    assert int(first["X-RateLimit-Reset"]) % 60 == 0


def test_each_token_has_its_own_allowance(agent, settings, store):
    # given
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    one, other = ApiClient(make_token(agent)), ApiClient(make_token(agent))
    # when
    one.get("/me")
    # then
    assert one.get("/me").status_code == 429
    assert other.get("/me").status_code == 200


def test_a_zero_limit_switches_limiting_off(agent, settings):
    # given
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    api = as_agent(agent)
    # when
    responses = [api.get("/me") for _ in range(3)]
    # then
    assert {r.status_code for r in responses} == {200}
    assert "X-RateLimit-Limit" not in responses[0]


@pytest.mark.parametrize("name", ["sqlite", "cache"])
def test_a_new_minute_starts_a_new_window(settings, tmp_path, name):
    # given
    settings.API_RATE_LIMIT_STORE = name
    settings.DATA_DIR = tmp_path
    minute = 1_800_000_000 // 60 * 60
    # when
    late = [ratelimit.hit("k", limit=2, now=minute + 59.5) for _ in range(3)]
    next_minute = ratelimit.hit("k", limit=2, now=minute + 60.1)
    # then
    assert [u.exceeded for u in late] == [False, False, True]
    assert late[-1].retry_after(now=minute + 59.5) == 1
    assert (next_minute.count, next_minute.reset_at) == (1, minute + 120)


def test_the_sqlite_store_is_shared_by_processes(settings, tmp_path):
    # given two counters on the same file, as two worker processes would have
    settings.DATA_DIR = tmp_path
    first = ratelimit.SqliteCounter(tmp_path / "ratelimit.sqlite3")
    second = ratelimit.SqliteCounter(tmp_path / "ratelimit.sqlite3")
    # when
    counts = [first.incr("t", 7), second.incr("t", 7), first.incr("t", 7)]
    # then
    assert counts == [1, 2, 3]
