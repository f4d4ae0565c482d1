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
