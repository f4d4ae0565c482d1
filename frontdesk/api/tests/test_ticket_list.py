"""GET /tickets: the inbox's filters, keyset cursor pages, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.accounts.choices import Role
from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import AgentFactory, BrandFactory, ContactFactory, TeamFactory, make_ticket
from frontdesk.tickets.services import update_ticket

pytestmark = pytest.mark.django_db


def ids(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json()
    return [t["id"] for t in response.json()["data"]]


def tickets_at(brand, count, **fields):  # type: ignore[no-untyped-def]
    start = timezone.now() - dt.timedelta(hours=count)
    return [make_ticket(brand, at=start + dt.timedelta(minutes=i), **fields) for i in range(count)]


def test_newest_activity_first_by_default(api, brand):
    # given
    first, second = tickets_at(brand, 2)
    # when / then
    assert ids(api.get("/tickets")) == [second.pk, first.pk]


def test_walking_the_cursor_visits_every_ticket_once(api, brand):
    # given
    made = tickets_at(brand, 7)
    seen: list[int] = []
    cursor = None
    # when
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/tickets", params).json()
        seen += [t["id"] for t in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # then
    assert seen == [t.pk for t in reversed(made)]


@pytest.mark.parametrize("sort", ["updated", "oldest", "created", "created_asc", "number", "priority"])
def test_every_sort_pages_without_gaps_or_repeats(api, brand, agent, sort):
    # given tickets sharing activity times, so that ties must be broken by id
    moment = timezone.now()
    made = [make_ticket(brand, at=moment, priority=p) for p in ["low", "high", "normal", "high", "urgent", "low"]]
    everything = ids(api.get("/tickets", {"sort": sort, "limit": 100}))
    # when
    paged: list[int] = []
    cursor = None
    while True:
        body = api.get("/tickets", {"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        paged += [t["id"] for t in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    # then
    assert sorted(everything) == sorted(t.pk for t in made)
    assert paged == everything


def test_a_new_ticket_does_not_shift_the_next_page(api, brand):
    # given
    made = tickets_at(brand, 4)
    page = api.get("/tickets", {"limit": 2}).json()
    # when a ticket arrives between two pages
    make_ticket(brand)
    following = api.get("/tickets", {"limit": 2, "cursor": page["next_cursor"]})
    # then
    assert ids(following) == [made[1].pk, made[0].pk]


def test_a_tampered_cursor_is_400(api, brand):
    # given
    tickets_at(brand, 3)
    cursor = api.get("/tickets", {"limit": 1}).json()["next_cursor"]
    # when
    response = api.get("/tickets", {"cursor": cursor[:-3] + "abc"})
    # then
    assert response.status_code == 400
    assert error_code(response) == "invalid_cursor"


def test_a_cursor_of_another_sort_or_list_is_400(api, brand):
    # given
    ticket = tickets_at(brand, 3)[0]
    cursor = api.get("/tickets", {"limit": 1}).json()["next_cursor"]
    # when
    other_sort = api.get("/tickets", {"cursor": cursor, "sort": "oldest"})
    other_list = api.get(f"/tickets/{ticket.pk}/messages", {"cursor": cursor})
    # then
    assert error_code(other_sort) == "invalid_cursor"
    assert error_code(other_list) == "invalid_cursor"


@pytest.mark.parametrize("limit", [0, 101, "many"])
def test_limit_is_1_to_100(api, limit):
    # when
    response = api.get("/tickets", {"limit": limit})
    # then
    assert response.status_code == 422
    assert error_code(response) == "validation_failed"
    assert response.json()["error"]["details"]["errors"][0]["field"] == "limit"


def test_status_priority_tag_and_channel_filters(api, brand, agent):
    # given
    open_high = make_ticket(brand, status="open", priority="high", tags=["vip"])
    make_ticket(brand, status="pending", priority="high")
    make_ticket(brand, status="solved", tags=["vip"])
    # when / then
    assert ids(api.get("/tickets", {"status": "open", "priority": "high"})) == [open_high.pk]
    assert set(ids(api.get("/tickets", {"status": "unsolved", "tag": "vip"}))) == {open_high.pk}
    assert len(ids(api.get("/tickets", {"status": "open,pending"}))) == 2
    assert len(ids(api.get("/tickets", {"channel": "api"}))) == 3


def test_assignee_me_none_and_id(api, brand, agent):
    # given
    colleague = AgentFactory(brands=[brand])
    mine = make_ticket(brand, assignee=agent)
    theirs = make_ticket(brand, assignee=colleague)
    nobody = make_ticket(brand)
    # when / then
    assert ids(api.get("/tickets", {"assignee": "me"})) == [mine.pk]
    assert ids(api.get("/tickets", {"assignee": "none"})) == [nobody.pk]
    assert ids(api.get("/tickets", {"assignee": colleague.pk})) == [theirs.pk]


def test_requester_organisation_team_brand_and_dates(brand):
    # given
    admin = AgentFactory(role=Role.ADMIN)
    api = as_agent(admin)
    team = TeamFactory(brand=brand)
    contact = ContactFactory(brand=brand)
    old = make_ticket(brand, at=timezone.now() - dt.timedelta(days=10))
    theirs = make_ticket(brand, requester=contact, team=team)
    elsewhere = make_ticket(BrandFactory())
    today = timezone.now().date().isoformat()
    # when / then
    assert ids(api.get("/tickets", {"requester": contact.pk})) == [theirs.pk]
    assert ids(api.get("/tickets", {"team": team.pk})) == [theirs.pk]
    assert set(ids(api.get("/tickets", {"team": "none", "brand": brand.pk}))) == {old.pk}
    assert ids(api.get("/tickets", {"brand": elsewhere.brand_id})) == [elsewhere.pk]
    assert old.pk not in ids(api.get("/tickets", {"created_after": today}))
    assert ids(api.get("/tickets", {"created_before": (timezone.now() - dt.timedelta(days=5)).date()})) == [old.pk]


def test_search_text(api, brand):
    # given
    wanted = make_ticket(brand, subject="Broken zipper", text="The zipper of my bag broke.")
    make_ticket(brand, subject="Refund", text="Please refund me.")
    # when / then
    assert ids(api.get("/tickets", {"q": "zipper"})) == [wanted.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"priority": "meh"},
        {"sort": "random"},
        {"assignee": "someone"},
        {"team": "x"},
        {"brand": "abc"},
        {"created_after": "yesterday"},
        {"channel": "pigeon"},
        {"q": "x" * 201},
    ],
)
def test_bad_filters_are_4xx_json(api, params):
    # when
    response = api.get("/tickets", params)
    # then
    assert response.status_code in (400, 422)
    assert error_code(response) in ("invalid_filter", "validation_failed")


def test_a_nul_character_in_a_filter_is_refused(api):
    # when
    response = api.get("/tickets", {"q": "a\x00b"})
    # then
    assert response.status_code == 422


@pytest.mark.parametrize("page_size", [5, 40])
def test_the_list_costs_a_bounded_number_of_queries(brand, django_assert_max_num_queries, page_size):
    # given an agent in a team (the most expensive visibility), tickets with tags, teams, assignees, requesters
    team = TeamFactory(brand=brand)
    agent = AgentFactory(brands=[brand], teams=[team])
    api = as_agent(agent)
    for i in range(page_size):
        ticket = make_ticket(brand, requester=ContactFactory(brand=brand), tags=["a", f"t{i}"], team=team)
        update_ticket(AgentFactory(role=Role.ADMIN), ticket, assignee=agent)
    api.get("/tickets")  # the token's last use is recorded once a minute; keep that out of the count
    # when / then
    with django_assert_max_num_queries(10):
        response = api.get("/tickets", {"limit": page_size})
    assert len(response.json()["data"]) == page_size
