"""The shared intake: what a transport tells besides the payload reaches the parser."""

from __future__ import annotations

import pytest

from frontdesk.inboxes.adapters.email.addresses import make_reply_address
from frontdesk.inboxes.intake import receive_raw
from frontdesk.inboxes.tests.inbound import raw_mail


@pytest.mark.django_db
def test_a_reply_address_seen_only_in_the_envelope_still_threads_the_mail(inbox):
    # given a ticket, and an answer whose headers name nobody of ours (the reply address was Bcc'd, or rewritten)
    opened = receive_raw(inbox, raw_mail(1), source="smtp").intake.message
    answer = raw_mail(2, sender="ann@example.test").replace(b"To: help@acme.test", b"To: Friends <list@elsewhere.test>")
    # when it arrives over SMTP for the ticket's reply address
    envelope = {"rcpt_to": [make_reply_address(inbox, opened.ticket_id)]}
    stored = receive_raw(inbox, answer, source="smtp", envelope=envelope).intake.message
    # then it joins the ticket, by the token of the envelope's recipient
    assert stored.ticket_id == opened.ticket_id and stored.metadata["threaded_by"] == "token"


@pytest.mark.django_db
def test_a_mail_without_from_is_the_envelope_senders_and_with_no_sender_at_all_is_kept_as_failed(inbox):
    # given mails whose From names nobody: one sent over SMTP by ann, one with a Return-Path, one from nobody
    no_from = b"To: help@acme.test\r\nSubject: Order 7\r\nMessage-ID: <nf1@x.test>\r\n\r\nWhere is it?\r\n"
    returned = no_from.replace(b"<nf1@", b"<nf2@")
    returned = returned.replace(b"To:", b"Return-Path: <bob@example.test>\r\nFrom: Bob\r\nTo:")
    # when they arrive
    by_envelope = receive_raw(inbox, no_from, source="smtp", envelope={"mail_from": "ann@example.test"}).intake
    by_return_path = receive_raw(inbox, returned, source="imap").intake
    nobody = receive_raw(inbox, no_from.replace(b"<nf1@", b"<nf3@"), source="smtp", envelope={"mail_from": ""}).intake
    # then the first two are their senders' tickets, and the last is kept, failed, with its reason
    assert by_envelope.message.ticket.requester.primary_address == "ann@example.test"
    assert by_return_path.message.ticket.requester.primary_address == "bob@example.test"
    assert nobody.status == "failed" and nobody.message is None and nobody.error.startswith("The mail names no sender")
    assert nobody.read_raw().endswith(b"Where is it?\r\n")
