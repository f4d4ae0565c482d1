from __future__ import annotations

from email.message import EmailMessage

import pytest

from frontdesk.inboxes.adapters.email.parsing import Address, parse_email
from frontdesk.inboxes.adapters.email.parsing.forwards import detect_forward, subject_kind

from .builders import text_mail

ORIGINAL = "My order 1234 never arrived.\nPlease help."


@pytest.mark.parametrize(
    ("client", "subject", "body"),
    [
        (
            "gmail",
            "Fwd: Order 1234",
            "FYI below.\n\n---------- Forwarded message ---------\nFrom: Bob Buyer <bob@example.org>\n"
            "Date: Tue, 1 Dec 2026 at 10:15\nSubject: Order 1234\nTo: <jane@example.com>\n\n" + ORIGINAL,
        ),
        (
            "apple",
            "Fwd: Order 1234",
            "FYI below.\n\nBegin forwarded message:\n\n> From: Bob Buyer <bob@example.org>\n"
            "> Subject: Order 1234\n> Date: 1 December 2026 at 10:15:00 CET\n> To: Jane <jane@example.com>\n>\n"
            "> My order 1234 never arrived.\n> Please help.",
        ),
        (
            "outlook",
            "FW: Order 1234",
            "FYI below.\n\n________________________________\nFrom: Bob Buyer <bob@example.org>\n"
            "Sent: Tuesday, December 1, 2026 10:15\nTo: Jane <jane@example.com>\nSubject: Order 1234\n\n" + ORIGINAL,
        ),
        (
            "outlook german",
            "WG: Order 1234",
            "FYI below.\n\nVon: Bob Buyer <bob@example.org>\nGesendet: Dienstag, 1. Dezember 2026 10:15\n"
            "An: Jane <jane@example.com>\nBetreff: Order 1234\n\n" + ORIGINAL,
        ),
        (
            "outlook french",
            "TR: Order 1234",
            "FYI below.\n\nDe : Bob Buyer <bob@example.org>\nEnvoyé : mardi 1 décembre 2026 10:15\n"
            "À : Jane <jane@example.com>\nObjet : Order 1234\n\n" + ORIGINAL,
        ),
        (
            "thunderbird",
            "Fwd: Order 1234",
            "FYI below.\n\n-------- Forwarded Message --------\nSubject: \tOrder 1234\nDate: \tTue, 1 Dec 2026\n"
            "From: \tBob Buyer <bob@example.org>\nTo: \tjane@example.com\n\n\n" + ORIGINAL,
        ),
        (
            "yahoo",
            "Fw: Order 1234",
            "FYI below.\n\n   ----- Forwarded Message ----- From: Bob Buyer <bob@example.org>To: Jane "
            "<jane@example.com>Sent: Tuesday, December 1, 2026, 10:15:00 AM GMT+1Subject: Order 1234\n" + ORIGINAL,
        ),
        (
            "outlook 2019 spanish",
            "RV: Order 1234",
            'FYI below.\n\nEl 1/12/2026 10:15, "Bob Buyer" <bob@example.org> escribió:\n\n'
            "    My order 1234 never arrived.\n    Please help.",
        ),
    ],
)
def test_inline_forwards_from_each_client(client, subject, body):
    # given a forward as each client writes it
    # when the mail is parsed
    parsed = parse_email(text_mail(body, subject=subject))
    # then the original sender, subject, body and the note above are found
    forwarded = parsed.forwarded
    assert forwarded is not None, client
    assert forwarded.sender == Address("bob@example.org", "Bob Buyer")
    assert forwarded.subject == "Order 1234"
    assert forwarded.text == ORIGINAL
    assert forwarded.note == "FYI below."
    assert parsed.visible_text == "FYI below."


def test_forward_recipients_are_parsed_in_their_many_forms():
    # given To and Cc written in Outlook's mailto and quoted forms
    body = (
        "---------- Forwarded message ---------\nFrom: Bob <bob@example.org>\nDate: today\nSubject: Hi\n"
        "To: \"Doe, Jane\" <jane@example.com>, max@example.com\n"
        "Cc: Walter <walter@example.com<mailto:walter@example.com>>; Ann [mailto:ann@example.com]\n\nHello"
    )
    # when detected
    forwarded = detect_forward(body, "Fwd: Hi")
    # then every mailbox has its address and name
    assert forwarded is not None
    assert forwarded.to == [Address("jane@example.com", "Doe, Jane"), Address("max@example.com", "")]
    assert forwarded.cc == [Address("walter@example.com", "Walter"), Address("ann@example.com", "Ann")]


def test_a_reply_with_outlook_history_is_not_a_forward():
    # given a reply ("RE:") whose history looks exactly like a forwarded block
    body = (
        "Thanks!\n\n________________________________\nFrom: Bob <bob@example.org>\nSent: Tuesday\n"
        "To: Jane <jane@example.com>\nSubject: Order\n\nOld text"
    )
    # when parsed
    parsed = parse_email(text_mail(body, subject="RE: Order"))
    # then it is not a forward
    assert parsed.forwarded is None
    assert parsed.visible_text == "Thanks!"


def test_plain_subject_needs_an_unambiguous_separator():
    # given a mail with a plain subject and an Outlook block (a reply whose subject was edited)
    outlook_block = "Note\n\nFrom: Bob <bob@example.org>\nSent: Tuesday\nTo: jane@example.com\nSubject: X\n\nOld"
    gmail_forward = "Note\n\n---------- Forwarded message ---------\nFrom: Bob <bob@example.org>\nSubject: X\n\nOld"
    # when detected with the plain subject
    # then only the explicit "Forwarded message" counts
    assert detect_forward(outlook_block, "Question about X") is None
    found = detect_forward(gmail_forward, "Question about X")
    assert found is not None and found.sender == Address("bob@example.org", "Bob")


def test_forward_as_attached_message():
    # given a mail that forwards the original as a message/rfc822 attachment
    original = text_mail(ORIGINAL, subject="Order 1234", sender="Bob Buyer <bob@example.org>")
    outer = EmailMessage()
    outer["From"] = "agent@acme.test"
    outer["Subject"] = "Fwd: Order 1234"
    outer.set_content("Please take this one.")
    outer.add_attachment(original, maintype="message", subtype="rfc822")
    # when parsed
    parsed = parse_email(outer.as_bytes())
    # then the attached original is the forwarded mail, and it is also listed as an attachment
    assert parsed.forwarded is not None
    assert parsed.forwarded.sender == Address("bob@example.org", "Bob Buyer")
    assert parsed.forwarded.subject == "Order 1234"
    assert parsed.forwarded.text == ORIGINAL
    assert parsed.forwarded.note == "Please take this one."
    assert parsed.attachments[0].content_type == "message/rfc822"


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("Fwd: x", "forward"), ("FW: x", "forward"), ("TR: x", "forward"), ("WG: x", "forward"),
        ("RV: x", "forward"), ("Re: x", "reply"), ("AW: x", "reply"), ("SV: x", "reply"), ("Re[2]: x", "reply"),
        ("[EXT] Fwd: x", "forward"), ("Order 12: missing", ""), ("Hello", ""),
    ],
)
def test_subject_prefixes(subject, kind):
    assert subject_kind(subject) == kind
