"""The ticket page: who sees what, replies and notes, side-panel changes, uploads, bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from frontdesk.testing.factories import make_ticket
from frontdesk.tickets.catalog import create_custom_field
from frontdesk.tickets.models import Attachment, Message, TimelineEvent
from frontdesk.tickets.services import update_ticket
from frontdesk.workspace.tests.desk import HTMX, make_desk, signed_in

pytestmark = pytest.mark.django_db


def _page(client, ticket):
    return client.get(f"/tickets/{ticket.number}/")


@pytest.mark.parametrize(
    "role, reply, note, edit",
    [
        ("admin", True, True, True),
        ("lead", True, True, True),
        ("agent", True, True, True),
        ("light_agent", False, True, False),
        ("read_only", False, False, False),
    ],
)
def test_each_role_gets_the_controls_it_may_use(role, reply, note, edit):
    # given
    desk = make_desk()
    ticket = desk.ticket(subject="Parcel lost", text="Where is it?")
    # when
    response = _page(signed_in(desk.agents[role]), ticket)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Parcel lost" in body and "Where is it?" in body
    assert ('name="kind" value="reply"' in body) == reply
    assert ('name="kind" value="note"' in body) == note
    assert ("data-properties" in body) == edit


def test_agents_of_another_brand_or_outside_the_team_get_a_404():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    team_ticket = desk.ticket(team=desk.team)
    # when
    outsider = _page(signed_in(desk.outsider), ticket)
    agent = _page(signed_in(desk.agent), team_ticket)
    lead = _page(signed_in(desk.lead), team_ticket)
    # then
    assert outsider.status_code == 404
    assert agent.status_code == 404
    assert lead.status_code == 200


def test_an_unknown_ticket_number_is_a_404():
    # given
    desk = make_desk()
    # when
    response = signed_in(desk.agent).get("/tickets/999999/")
    # then
    assert response.status_code == 404


def test_the_page_shows_the_conversation_the_story_and_the_customer():
    # given
    desk = make_desk()
    ticket = desk.ticket(subject="Refund", text="Please refund order 42")
    other = make_ticket(desk.brand, requester=ticket.requester, subject="Earlier question")
    client = signed_in(desk.agent)
    client.post(f"/tickets/{ticket.number}/messages/", {"kind": "note", "text": "Checking with the warehouse"})
    client.post(f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "Refunded!", "status": "pending"})
    # when
    body = _page(client, ticket).content.decode()
    # then
    assert "Checking with the warehouse" in body and "Internal note" in body and "msg-note" in body
    assert "Refunded!" in body and "msg-reply" in body
    assert f"{desk.agent.name}</b> took the ticket" in body
    assert "changed status from New to Pending" in body
    assert ticket.requester.primary_address in body
    assert "Earlier question" in body and f"/tickets/{other.number}/" in body


def test_a_reply_is_sent_and_can_leave_the_ticket_solved():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.agent)
    # when
    response = client.post(
        f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "Done.", "status": "solved"}
    )
    # then
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.messages.filter(kind="reply", body_text="Done.").exists()


def test_a_reply_over_htmx_answers_with_the_parts_to_swap():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    # when
    response = signed_in(desk.agent).post(
        f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "Hi!"}, **HTMX
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.count('hx-swap-oob="true"') == 4
    assert "Hi!" in body and 'id="side"' in body and 'id="ticket-header"' in body


def test_an_empty_reply_is_refused_and_the_page_keeps_what_was_chosen():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.agent)
    # when
    plain = client.post(f"/tickets/{ticket.number}/messages/", {"kind": "note", "text": "   "})
    over_htmx = client.post(f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": ""}, **HTMX)
    # then
    assert plain.status_code == 422 and "The message is empty." in plain.content.decode()
    assert plain.context["composer"]["kind"] == "note"
    assert over_htmx.status_code == 422 and over_htmx["HX-Retarget"] == "#flash"
    assert ticket.messages.count() == 1


def test_a_refused_reply_keeps_the_text_in_the_composer():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    # when
    response = signed_in(desk.agent).post(
        f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "Keep me", "status": "bogus"}
    )
    # then
    assert response.status_code == 422
    assert ">Keep me</textarea>" in response.content.decode()


def test_a_light_agent_adds_notes_but_cannot_reply():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.light)
    # when
    note = client.post(f"/tickets/{ticket.number}/messages/", {"kind": "note", "text": "FYI"})
    reply = client.post(f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "Hello"})
    # then
    assert note.status_code == 302
    assert reply.status_code == 403
    assert list(ticket.messages.values_list("kind", flat=True)) == ["customer", "note"]


def test_a_read_only_agent_can_neither_write_nor_change():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.read_only)
    # when
    note = client.post(f"/tickets/{ticket.number}/messages/", {"kind": "note", "text": "FYI"})
    change = client.post(f"/tickets/{ticket.number}/properties/", {"status": "solved"}, **HTMX)
    # then
    assert note.status_code == 403
    assert change.status_code == 403 and "cannot change tickets" in change.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.messages.count() == 1


def test_the_side_panel_changes_properties_and_tells_the_story():
    # given
    desk = make_desk()
    create_custom_field(desk.admin, key="order_number", label="Order number")
    ticket = desk.ticket(tags=["late"])
    client = signed_in(desk.lead)
    form = {
        "status": "pending", "orig_status": "new",
        "priority": "high", "orig_priority": "normal",
        "assignee": str(desk.agent.pk), "orig_assignee": "",
        "team": str(desk.team.pk), "orig_team": "",
        "tags": "late, VIP customer", "orig_tags": "late",
        "followers": [str(desk.admin.pk)], "followers_shown": "",
        "cf_order_number": "A-1001", "orig_cf_order_number": "",
    }  # fmt: skip
    # when
    response = client.post(f"/tickets/{ticket.number}/properties/", form, **HTMX)
    # then
    assert response.status_code == 200, response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee, ticket.team) == ("pending", "high", desk.agent, desk.team)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["late", "vip-customer"]
    assert list(ticket.followers.all()) == [desk.admin]
    assert ticket.custom_fields == {"order_number": "A-1001"}
    body = response.content.decode()
    assert "changed priority from Normal to High" in body
    assert f"assigned the ticket to {desk.agent.name}" in body
    assert "added tag vip-customer" in body and "set Order number to A-1001" in body
    assert f"added {desk.admin.name} as follower" in body


def test_moving_a_ticket_out_of_ones_own_sight_returns_to_the_inbox():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.agent)
    # when
    over_htmx = client.post(f"/tickets/{ticket.number}/properties/", {"team": str(desk.team.pk)}, **HTMX)
    # then
    assert over_htmx.status_code == 200 and over_htmx["HX-Redirect"] == "/"
    ticket.refresh_from_db()
    assert ticket.team == desk.team
    assert "no longer see it" in client.get("/").content.decode()


def test_saving_the_panel_never_undoes_a_colleagues_change_to_another_field():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    update_ticket(desk.lead, ticket, priority="urgent")  # made after the agent's page was loaded
    # when
    signed_in(desk.agent).post(
        f"/tickets/{ticket.number}/properties/",
        {"status": "open", "orig_status": "new", "priority": "normal", "orig_priority": "normal"},
    )
    # then
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("open", "urgent")


@pytest.mark.parametrize(
    "form, status, words",
    [
        ({"status": "nonsense"}, 422, "not a valid status"),
        ({"assignee": "abc"}, 422, "not a valid assignee"),
        ({"assignee": "999999"}, 404, "does not exist"),
        ({"tags": "x" * 61}, 422, "A tag is 1 to 60 characters"),
    ],
)
def test_bad_side_panel_input_gets_a_clear_refusal(form, status, words):
    # given
    desk = make_desk()
    ticket = desk.ticket()
    # when
    response = signed_in(desk.agent).post(f"/tickets/{ticket.number}/properties/", form, **HTMX)
    # then
    assert response.status_code == status
    assert words in response.content.decode()
    assert TimelineEvent.objects.filter(ticket=ticket).count() == 1


def test_solving_without_a_required_field_says_which_field():
    # given
    desk = make_desk()
    create_custom_field(desk.admin, key="product", label="Product", required_to_solve=True)
    ticket = desk.ticket()
    # when
    response = signed_in(desk.agent).post(f"/tickets/{ticket.number}/properties/", {"status": "solved"}, follow=True)
    # then
    assert "Fill in Product before solving." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_files_are_attached_to_a_reply_and_listed_for_download():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    upload = SimpleUploadedFile("invoice.txt", b"Total: 42 EUR", content_type="text/plain")
    client = signed_in(desk.agent)
    # when
    client.post(f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "Attached", "files": [upload]})
    body = _page(client, ticket).content.decode()
    # then
    attachment = Attachment.objects.get()
    assert attachment.message.body_text == "Attached"
    assert f"/attachments/{attachment.pk}/invoice.txt?download=1" in body


def test_an_oversize_upload_is_refused_with_the_limit_and_nothing_is_stored(settings):
    # given
    settings.ATTACHMENT_MAX_BYTES = 1000
    desk = make_desk()
    ticket = desk.ticket()
    upload = SimpleUploadedFile("big.bin", b"x" * 1001, content_type="application/octet-stream")
    # when
    response = signed_in(desk.agent).post(
        f"/tickets/{ticket.number}/messages/", {"kind": "reply", "text": "See file", "files": [upload]}, **HTMX
    )
    # then
    assert response.status_code == 422
    assert "“big.bin” is 1001\xa0bytes; attachments are limited to 1000\xa0bytes." in response.content.decode()
    assert not Attachment.objects.exists() and ticket.messages.count() == 1


def test_outside_html_never_runs_on_the_page():
    # given
    desk = make_desk()
    ticket = desk.ticket(html='<p>Hello</p><script>alert(1)</script><img src=x onerror="alert(2)">')
    Message.objects.filter(ticket=ticket).update(body_html='<p>Old row</p><script>alert("stored")</script>')
    # when
    body = _page(signed_in(desk.agent), ticket).content.decode()
    # then
    assert "Old row" in body
    assert "alert(" not in body and "onerror" not in body


def test_the_ticket_page_query_count_does_not_grow_with_the_conversation(django_assert_max_num_queries):
    # given
    desk = make_desk()
    ticket = desk.ticket()
    client = signed_in(desk.agent)
    for i in range(15):
        client.post(f"/tickets/{ticket.number}/messages/", {"kind": "note" if i % 2 else "reply", "text": f"m{i}"})
    # when
    with django_assert_max_num_queries(22):
        response = _page(client, ticket)
    # then
    assert response.status_code == 200


def test_the_live_refresh_returns_the_changing_parts_and_respects_access():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    update_ticket(desk.lead, ticket, status="pending")
    # when
    live = signed_in(desk.agent).get(f"/tickets/{ticket.number}/live/", **HTMX)
    foreign = signed_in(desk.outsider).get(f"/tickets/{ticket.number}/live/", **HTMX)
    # then
    assert live.status_code == 200 and "changed status from New to Pending" in live.content.decode()
    assert foreign.status_code == 404
