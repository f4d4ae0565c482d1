"""The inbox: who sees what, views and counts, filters, keyset paging, saved views, bulk changes, query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from frontdesk.testing.factories import AgentFactory, make_ticket
from frontdesk.tickets.models import SavedView, Ticket
from frontdesk.tickets.services import update_ticket
from frontdesk.workspace.tests.desk import HTMX, make_desk, signed_in

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[int]:
    return [int(n) for n in re.findall(r'data-href="/tickets/(\d+)/"', response.content.decode())]


def _tickets(desk, count: int, **fields):
    start = timezone.now() - dt.timedelta(hours=count)
    return [desk.ticket(subject=f"Question {i}", at=start + dt.timedelta(minutes=i), **fields) for i in range(count)]


@pytest.mark.parametrize("role", ["admin", "lead", "agent", "light_agent", "read_only"])
def test_every_role_sees_the_inbox_of_its_brand(role):
    # given
    desk = make_desk()
    mine = desk.ticket(subject="Parcel lost")
    theirs = make_ticket(desk.other_brand, subject="Other brand matter")
    # when
    response = signed_in(desk.agents[role]).get("/")
    # then
    assert response.status_code == 200
    numbers = _numbers(response)
    assert mine.number in numbers
    assert (theirs.number in numbers) == (role == "admin")


def test_an_agent_of_another_brand_sees_none_of_its_tickets():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    # when
    response = signed_in(desk.outsider).get("/")
    # then
    assert ticket.number not in _numbers(response)


def test_team_tickets_are_hidden_from_agents_outside_the_team_but_not_from_leads():
    # given
    desk = make_desk()
    ticket = desk.ticket(team=desk.team)
    # when
    agent_view = signed_in(desk.agent).get("/")
    lead_view = signed_in(desk.lead).get("/")
    # then
    assert ticket.number not in _numbers(agent_view)
    assert ticket.number in _numbers(lead_view)


def test_views_show_counts_and_the_chosen_view_filters_the_list():
    # given
    desk = make_desk()
    mine = desk.ticket(assignee=desk.agent)
    unassigned = desk.ticket()
    solved = desk.ticket(status="solved")
    client = signed_in(desk.agent)
    # when
    page = client.get("/?view=mine")
    # then
    views = {v.key: v.count for v in page.context["builtin_views"]}
    assert views == {"mine": 1, "unassigned": 1, "open": 2, "pending": 0, "solved": 1}
    assert _numbers(page) == [mine.number]
    assert _numbers(client.get("/?view=unassigned")) == [unassigned.number]
    assert _numbers(client.get("/?view=solved")) == [solved.number]
    assert page.context["active_view"] == "mine"


def test_counts_stop_at_the_cap(monkeypatch):
    # given
    monkeypatch.setattr("frontdesk.workspace.listing.COUNT_CAP", 3)
    desk = make_desk()
    _tickets(desk, 5)
    # when
    page = signed_in(desk.agent).get("/")
    # then
    open_view = next(v for v in page.context["builtin_views"] if v.key == "open")
    assert open_view.count_label == "3+"


def test_filters_narrow_the_list_and_show_the_matching_view():
    # given
    desk = make_desk()
    urgent = desk.ticket(priority="urgent", tags=["vip"], channel_kind="email")
    desk.ticket(priority="low")
    client = signed_in(desk.agent)
    # when
    by_priority = client.get("/?f=1&priority=urgent")
    by_tag = client.get("/?tag=vip")
    by_channel = client.get("/?f=1&channel=email&status=new&status=open")
    by_assignee = client.get("/?f=1&assignee=none&status=unsolved")
    # then
    assert _numbers(by_priority) == [urgent.number]
    assert _numbers(by_tag) == [urgent.number]
    assert _numbers(by_channel) == [urgent.number]
    assert by_assignee.context["active_view"] == "unassigned"


def test_keyword_search_finds_tickets_by_their_words():
    # given
    desk = make_desk()
    refund = desk.ticket(subject="Refund please", text="I want my money back")
    desk.ticket(subject="Login trouble", text="Cannot sign in")
    # when
    response = signed_in(desk.agent).get("/?q=money")
    # then
    assert _numbers(response) == [refund.number]
    assert response.context["title"] == "Search results"


@pytest.mark.parametrize(
    "query, words",
    [
        ("?f=1&status=bogus", "Unknown status"),
        ("?f=1&created_after=yesterday", "must be a date"),
        ("?f=1&sort=random", "Unknown sort"),
        ("?f=1&assignee=someone", "must be a number"),
        ("?view=nonsense", "There is no view"),
        ("?view=999999", "does not exist"),
        ("?after=not-a-cursor", "out of date"),
    ],
)
def test_an_invalid_filter_gets_a_friendly_message_not_an_error(query, words):
    # given
    desk = make_desk()
    # when
    response = signed_in(desk.agent).get("/" + query)
    # then
    assert response.status_code == 400
    assert "That filter does not work" in response.content.decode()
    assert words in response.context["filter_error"]


def test_pages_of_fifty_go_older_and_back_newer_by_cursor():
    # given
    desk = make_desk()
    tickets = _tickets(desk, 60)
    newest_first = [t.number for t in reversed(tickets)]
    client = signed_in(desk.agent)
    # when
    first = client.get("/?view=open")
    second = client.get("/", {"view": "open", "after": first.context["page"].older})
    back = client.get("/", {"view": "open", "before": second.context["page"].newer})
    # then
    assert _numbers(first) == newest_first[:50]
    assert _numbers(second) == newest_first[50:]
    assert second.context["page"].older is None
    assert _numbers(back) == newest_first[:50]
    assert back.context["page"].newer is None


@pytest.mark.parametrize("sort", ["oldest", "created", "created_asc", "number", "priority"])
def test_every_sort_pages_without_gaps_or_repeats(sort):
    # given
    desk = make_desk()
    for i, ticket in enumerate(_tickets(desk, 55)):
        if i % 3 == 0:
            update_ticket(desk.admin, ticket, priority="high")
    client = signed_in(desk.agent)
    # when
    first = client.get("/", {"f": "1", "sort": sort})
    second = client.get("/", {"f": "1", "sort": sort, "after": first.context["page"].older})
    # then
    seen = _numbers(first) + _numbers(second)
    assert len(seen) == 55 and len(set(seen)) == 55


def test_the_inbox_answers_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    # given
    desk = make_desk()
    colleagues = [AgentFactory(brands=[desk.brand]) for _ in range(3)]
    for i, ticket in enumerate(_tickets(desk, 60, tags=["vip", "refund"])):
        update_ticket(desk.admin, ticket, assignee=colleagues[i % 3], add_tags=[f"batch-{i % 4}"])
    SavedView.objects.create(owner=desk.agent, name="VIP", filters={"tag": "vip"})
    client = signed_in(desk.agent)
    # when
    with django_assert_max_num_queries(15):
        response = client.get("/")
    # then
    assert response.status_code == 200
    assert len(_numbers(response)) == 50


def test_a_filtered_htmx_request_gets_only_the_list():
    # given
    desk = make_desk()
    desk.ticket()
    # when
    response = signed_in(desk.agent).get("/?f=1&status=new", HTTP_HX_TARGET="list-region", **HTMX)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="list-region"' in body and 'hx-swap-oob="true"' in body


def test_an_agent_saves_the_current_filters_as_a_view_and_deletes_it():
    # given
    desk = make_desk()
    client = signed_in(desk.agent)
    # when
    saved = client.post("/views/", {"name": "  Urgent  billing ", "filters": "priority=urgent&status=open"})
    view = SavedView.objects.get()
    page = client.get(saved["Location"])
    deleted = client.post(f"/views/{view.pk}/delete/")
    # then
    assert saved["Location"] == f"/?view={view.pk}"
    assert view.name == "Urgent billing" and view.owner == desk.agent
    assert view.filters == {"status": "open", "priority": "urgent"}
    assert page.context["active_view"] == str(view.pk)
    assert deleted.status_code == 302 and not SavedView.objects.exists()


def test_saving_a_view_with_bad_filters_or_no_name_is_refused_clearly():
    # given
    desk = make_desk()
    client = signed_in(desk.agent)
    # when
    bad = client.post("/views/", {"name": "x", "filters": "status=bogus"}, follow=True)
    nameless = client.post("/views/", {"name": " ", "filters": "status=open"}, **HTMX)
    # then
    assert "Unknown status" in bad.content.decode()
    assert nameless.status_code == 422 and "needs a name" in nameless.content.decode()
    assert not SavedView.objects.exists()


def test_an_agent_cannot_delete_a_colleagues_view_or_a_shared_one():
    # given
    desk = make_desk()
    theirs = SavedView.objects.create(owner=desk.lead, name="Lead's")
    shared = SavedView.objects.create(owner=None, name="Everyone's")
    client = signed_in(desk.agent)
    # when
    other = client.post(f"/views/{theirs.pk}/delete/")
    common = client.post(f"/views/{shared.pk}/delete/", follow=True)
    # then
    assert other.status_code == 404
    assert "only delete your own views" in common.content.decode()
    assert SavedView.objects.count() == 2


def test_bulk_assign_set_status_and_tag_the_selected_tickets():
    # given
    desk = make_desk()
    first, second, untouched = desk.ticket(), desk.ticket(), desk.ticket()
    client = signed_in(desk.agent)
    # when
    response = client.post(
        "/tickets/bulk/",
        {
            "ids": [first.pk, second.pk],
            "assignee": "me",
            "status": "pending",
            "tag": "Follow up",
            "return_to": "view=open",
        },
    )
    # then
    assert response.status_code == 302 and response["Location"] == "/?view=open"
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert (ticket.assignee, ticket.status) == (desk.agent, "pending")
        assert list(ticket.tags.values_list("name", flat=True)) == ["follow-up"]
    untouched.refresh_from_db()
    assert untouched.assignee is None


def test_bulk_over_htmx_answers_with_the_refreshed_list_and_a_message():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    # when
    response = signed_in(desk.agent).post(
        "/tickets/bulk/", {"ids": [ticket.pk], "status": "solved", "return_to": "view=solved"}, **HTMX
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-href="/tickets/{ticket.number}/"' in body and "Updated 1 ticket." in body


@pytest.mark.parametrize(
    "data, words",
    [
        ({"status": "solved"}, "Select at least one ticket"),
        ({"ids": ["<pk>"]}, "Choose what to change"),
        ({"ids": ["abc"], "status": "open"}, "Select between 1 and"),
        ({"ids": ["999999"], "status": "open"}, "no longer visible"),
    ],
)
def test_bad_bulk_requests_are_refused_with_a_message(data, words):
    # given
    desk = make_desk()
    ticket = desk.ticket()
    data = {
        k: [str(ticket.pk) if v == "<pk>" else v for v in vs] if isinstance(vs, list) else vs for k, vs in data.items()
    }
    # when
    response = signed_in(desk.agent).post("/tickets/bulk/", data, **HTMX)
    # then
    assert 400 <= response.status_code < 500
    assert words in response.content.decode()
    assert response["HX-Retarget"] == "#flash"


@pytest.mark.parametrize("role", ["light_agent", "read_only"])
def test_roles_that_cannot_change_tickets_cannot_bulk_change_them(role):
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.agents[role])
    # when
    page = client.get("/")
    response = client.post("/tickets/bulk/", {"ids": [ticket.pk], "status": "solved"}, follow=True)
    # then
    assert 'class="bulkbar"' not in page.content.decode()
    assert "cannot change tickets" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_an_agent_cannot_bulk_change_tickets_of_another_brand():
    # given
    desk = make_desk()
    foreign = make_ticket(desk.other_brand)
    # when
    response = signed_in(desk.agent).post("/tickets/bulk/", {"ids": [foreign.pk], "status": "solved"}, **HTMX)
    # then
    assert response.status_code == 404
    assert Ticket.objects.get(pk=foreign.pk).status == "new"


def test_outside_text_in_rows_is_escaped():
    # given
    desk = make_desk()
    ticket = desk.ticket(subject='<script>alert("s")</script>', text='<img src=x onerror="alert(1)"> hi')
    ticket.requester.name = "<b>Mallory</b>"
    ticket.requester.save(update_fields=["name"])
    # when
    body = signed_in(desk.agent).get("/").content.decode()
    # then
    assert "<script>alert" not in body and "<b>Mallory</b>" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body and "&lt;b&gt;Mallory&lt;/b&gt;" in body


def test_searching_for_a_ticket_number_opens_it_when_visible():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    foreign = make_ticket(desk.other_brand)
    client = signed_in(desk.agent)
    # when
    found = client.get(f"/?q=%23{ticket.number}")
    over_htmx = client.get(f"/?f=1&q={ticket.number}", HTTP_HX_TARGET="list-region", **HTMX)
    hidden = client.get(f"/?q={foreign.number}")
    # then
    assert found.status_code == 302 and found["Location"] == f"/tickets/{ticket.number}/"
    assert over_htmx["HX-Redirect"] == f"/tickets/{ticket.number}/"
    assert hidden.status_code == 200


def test_a_requester_without_a_name_is_shown_by_their_address():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    ticket.requester.name = ""
    ticket.requester.save(update_fields=["name"])
    # when
    body = signed_in(desk.agent).get("/").content.decode()
    # then
    assert f'<span class="req-name">{ticket.requester.primary_address}</span>' in body
