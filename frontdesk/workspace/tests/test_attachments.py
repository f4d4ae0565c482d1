"""Attachments are served only through an access check, never as active content of our origin."""

from __future__ import annotations

import pytest

from frontdesk.testing.factories import make_ticket
from frontdesk.tickets.attachments import store_attachment
from frontdesk.workspace.tests.desk import make_desk, signed_in

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _attach(ticket, filename: str, content: bytes):
    return store_attachment(ticket, ticket.messages.first(), filename=filename, content=content)


@pytest.mark.parametrize(
    "filename, content",
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("report.pdf", b"%PDF-1.4 fake"),
        ("tool.exe", b"MZ\x90\x00binary"),
    ],
)
def test_active_or_unknown_content_is_always_a_download(filename, content):
    # given
    desk = make_desk()
    attachment = _attach(desk.ticket(), filename, content)
    # when
    response = signed_in(desk.agent).get(f"/attachments/{attachment.pk}/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content


def test_images_and_plain_text_open_in_the_browser_unless_a_download_is_asked():
    # given
    desk = make_desk()
    ticket = desk.ticket()
    image = _attach(ticket, "photo.png", PNG)
    text = _attach(ticket, "notes.txt", b"plain words")
    client = signed_in(desk.agent)
    # when
    shown = client.get(f"/attachments/{image.pk}/photo.png")
    as_text = client.get(f"/attachments/{text.pk}/")
    downloaded = client.get(f"/attachments/{image.pk}/?download=1")
    # then
    assert shown["Content-Type"] == "image/png" and shown["Content-Disposition"].startswith("inline")
    assert as_text["Content-Type"] == "text/plain; charset=utf-8"
    assert downloaded["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in shown["Content-Security-Policy"]


def test_attachments_of_tickets_one_cannot_see_are_not_found():
    # given
    desk = make_desk()
    foreign = _attach(make_ticket(desk.other_brand), "secret.txt", b"secret")
    team_only = _attach(desk.ticket(team=desk.team), "team.txt", b"team")
    client = signed_in(desk.agent)
    # when / then
    assert client.get(f"/attachments/{foreign.pk}/").status_code == 404
    assert client.get(f"/attachments/{team_only.pk}/").status_code == 404
    assert client.get("/attachments/999999/").status_code == 404
    assert signed_in(desk.lead).get(f"/attachments/{team_only.pk}/").status_code == 200


def test_a_missing_file_is_a_404_not_an_error():
    # given
    desk = make_desk()
    attachment = _attach(desk.ticket(), "gone.txt", b"soon gone")
    attachment.file.delete(save=False)
    # when
    response = signed_in(desk.agent).get(f"/attachments/{attachment.pk}/")
    # then
    assert response.status_code == 404
