"""A ticket's conversation over the API: replies, notes, timeline, attachment downloads."""

from __future__ import annotations

import base64

import pytest

from frontdesk.testing.api import as_agent, error_code
from frontdesk.testing.factories import AgentFactory, BrandFactory, make_ticket
from frontdesk.tickets.models import Attachment

pytestmark = pytest.mark.django_db


def test_a_reply_answers_the_customer_and_opens_the_ticket(api, brand, agent):
    # given
    ticket = make_ticket(brand)
    # when
    response = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "reply", "text": "It ships today."})
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["direction"], body["author"]) == (
        "reply",
        "outbound",
        {"type": "agent", "id": agent.pk, "name": agent.name},
    )
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.first_response_at is not None


def test_a_reply_can_set_the_status(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    api.post(f"/tickets/{ticket.pk}/messages", {"text": "Done!", "status": "solved"})
    # then
    ticket.refresh_from_db()
    assert ticket.status == "solved"


def test_a_note_stays_internal_and_cannot_set_a_status(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    note = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "html": "<b>Check</b> the warehouse"})
    with_status = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": "x", "status": "solved"})
    # then
    assert note.status_code == 201
    assert (note.json()["direction"], note.json()["text"]) == ("internal", "Check the warehouse")
    assert with_status.status_code == 422


def test_an_empty_message_is_refused(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    response = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "reply", "text": "   "})
    # then
    assert response.status_code == 422
    assert error_code(response) == "empty_message"


def test_an_unknown_kind_is_a_validation_error_naming_the_field(api, brand):
    # given
    ticket = make_ticket(brand)
    # when
    response = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "shout", "text": "hi"})
    # then
    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"][0]["field"] == "kind"


def test_messages_list_oldest_first_in_pages(api, brand):
    # given
    ticket = make_ticket(brand)
    for i in range(3):
        api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": f"note {i}"})
    # when
    first = api.get(f"/tickets/{ticket.pk}/messages", {"limit": 2}).json()
    rest = api.get(f"/tickets/{ticket.pk}/messages", {"limit": 2, "cursor": first["next_cursor"]}).json()
    # then
    texts = [m["text"] for m in first["data"] + rest["data"]]
    assert texts == ["It has not arrived yet.", "note 0", "note 1", "note 2"]
    assert first["data"][0]["author"]["type"] == "contact"
    assert rest["next_cursor"] is None


def test_the_timeline_tells_what_changed(api, brand):
    # given
    ticket = make_ticket(brand)
    api.patch(f"/tickets/{ticket.pk}", {"status": "pending"})
    # when
    events = api.get(f"/tickets/{ticket.pk}/timeline").json()["data"]
    # then
    assert [e["action"] for e in events] == ["created", "status_changed"]
    assert (events[1]["before"], events[1]["after"], events[1]["actor"]["type"]) == ("new", "pending", "agent")


def test_attachments_are_listed_and_downloaded_safely(api, brand):
    # given
    ticket = make_ticket(brand)
    files = [
        {"filename": "notes.txt", "content_base64": base64.b64encode(b"plain words").decode()},
        {"filename": "page.html", "content_base64": base64.b64encode(b"<script>alert(1)</script>").decode()},
        {"filename": "invoice.pdf", "content_base64": base64.b64encode(b"%PDF-1.4\n%fake").decode()},
    ]
    message = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "text": "files", "attachments": files})
    text_url, html_url, pdf_url = (a["url"] for a in message.json()["attachments"])
    # when
    text = api.get(text_url)
    html = api.get(html_url)
    pdf = api.get(pdf_url)
    # then
    assert text.status_code == 200
    assert text["Content-Type"].startswith("text/plain")
    assert b"".join(text.streaming_content) == b"plain words"
    assert html["Content-Type"].startswith("text/plain")  # never served as a page
    assert pdf["Content-Type"] == "application/octet-stream"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"


def test_attachments_of_invisible_tickets_are_404(brand):
    # given
    ticket = make_ticket(brand)
    owner = as_agent(AgentFactory(brands=[brand]))
    owner.post(
        f"/tickets/{ticket.pk}/messages",
        {"kind": "note", "text": "f", "attachments": [{"filename": "a.txt", "content_base64": "YQ=="}]},
    )
    attachment = Attachment.objects.get()
    outsider = as_agent(AgentFactory(brands=[BrandFactory()]))
    # when
    response = outsider.get(f"/attachments/{attachment.pk}/content")
    # then
    assert response.status_code == 404
    assert error_code(response) == "attachment_not_found"
