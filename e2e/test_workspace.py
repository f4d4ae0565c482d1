"""The agent workspace in a real browser: sign in, work a ticket with mouse and keyboard, see the list change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from frontdesk.accounts.choices import Role
from frontdesk.testing.factories import PASSWORD, AgentFactory, BrandFactory, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, agent):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", agent.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("All open")


@pytest.fixture
def desk(transactional_db):
    brand = BrandFactory(name="Acme", slug="acme")
    agent = AgentFactory(email="ann@staff.test", name="Ann Lee", role=Role.AGENT, brands=[brand])
    ticket = make_ticket(brand, subject="Parcel never arrived", text="Order 7 is two weeks late.")
    return agent, ticket


def test_sign_in_reply_and_solve_then_see_it_in_the_list(page, live_server, desk):
    # given
    agent, ticket = desk
    _sign_in(page, live_server, agent)
    # when: open the ticket from the list, reply and leave it pending
    page.click(f"text={ticket.subject}")
    expect(page.locator("#ticket-header h1")).to_have_text(ticket.subject)
    page.fill("#composer-text", "It is on its way, tracking number 123.")
    page.select_option("select[name=status]", "pending")
    page.click("button.send")
    # then: the reply is in the conversation and the ticket is pending, without a reload
    expect(page.locator("#stream .msg-reply")).to_contain_text("tracking number 123")
    expect(page.locator("#ticket-header .badge")).to_have_text("Pending")
    expect(page.locator("#composer-text")).to_have_value("")
    # when: solve it from the side panel
    page.select_option("#p-status", "solved")
    # then
    expect(page.locator("#ticket-header .badge")).to_have_text("Solved")
    expect(page.locator("#stream")).to_contain_text("changed status from Pending to Solved")
    # when: back in the list of solved tickets
    page.goto(live_server.url + "/?view=solved")
    # then
    row = page.locator(f'[data-href="/tickets/{ticket.number}/"]')
    expect(row).to_contain_text(ticket.subject)
    expect(row.locator(".badge")).to_have_text("Solved")
    assert page.script_errors == []


def test_keyboard_shortcuts_move_open_reply_and_solve(page, live_server, desk):
    # given
    agent, ticket = desk
    newest = make_ticket(ticket.brand, subject="Newest question")
    _sign_in(page, live_server, agent)
    # when: "?" shows the help, Esc closes it
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    # when: j moves down the list, k back up, Enter opens
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(".trow.is-focused")).to_contain_text(ticket.subject)
    page.keyboard.press("k")
    expect(page.locator(".trow.is-focused")).to_contain_text(newest.subject)
    page.keyboard.press("x")
    expect(page.locator("[data-selected-count]")).to_have_text("1")
    page.keyboard.press("x")
    page.keyboard.press("Enter")
    expect(page.locator("#ticket-header h1")).to_have_text(newest.subject)
    # when: n writes a note, ctrl+Enter sends it, shift+s solves
    page.keyboard.press("n")
    page.keyboard.type("Checked the warehouse.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#stream .msg-note")).to_contain_text("Checked the warehouse.")
    page.locator("body").click(position={"x": 5, "y": 450})
    page.keyboard.press("Shift+S")
    expect(page.locator("#ticket-header .badge")).to_have_text("Solved")
    # when: g i goes back to the inbox, "/" focuses the search
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("i")
    expect(page.locator("h1")).to_have_text("All open")
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    assert page.script_errors == []


def test_filtering_and_bulk_changes_without_reloading(page, live_server, desk):
    # given
    agent, ticket = desk
    other = make_ticket(ticket.brand, subject="Invoice copy please", priority="urgent")
    _sign_in(page, live_server, agent)
    # when: filter by priority
    page.click("details.pill:has-text('Priority') summary")
    page.check("input[name=priority][value=urgent]")
    # then
    expect(page.locator(".trow")).to_have_count(1)
    expect(page.locator(".trow")).to_contain_text(other.subject)
    assert "priority=urgent" in page.url
    # when: sort by priority (the control sits above the filters but belongs to their form)
    page.select_option("select[name=sort]", "priority")
    # then
    page.wait_for_url("**sort=priority**")
    expect(page.locator(".trow")).to_have_count(1)
    # when: select it and assign it to me in bulk
    page.check(".trow input[name=ids]")
    page.select_option(".bulkbar select[name=assignee]", "me")
    page.click(".bulkbar button[type=submit]")
    # then
    expect(page.locator(".toast")).to_contain_text("Updated 1 ticket.")
    expect(page.locator(".trow .c-asg")).to_contain_text("Ann Lee")
    assert page.script_errors == []
