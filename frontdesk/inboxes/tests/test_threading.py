"""Threading: which ticket an inbound message joins, and how clients that break threading are handled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.contacts.choices import IdentityKind
from frontdesk.contacts.models import ContactIdentity
from frontdesk.inboxes import pipeline
from frontdesk.inboxes.adapters.base import InboundAttachment
from frontdesk.inboxes.adapters.email.addresses import make_reply_address
from frontdesk.inboxes.tests.inbound import mail
from frontdesk.testing.factories import BrandFactory, InboxFactory
from frontdesk.tickets.choices import MessageKind, Status
from frontdesk.tickets.models import Ticket, TicketParticipant

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def first(inbox, **fields):  # type: ignore[no-untyped-def]
    return pipeline.receive(inbox, mail(**fields))


def test_a_new_mail_opens_a_ticket_keeping_its_message_id(inbox):
    # given a mail nobody answered yet
    message = mail(message_id="first@mail.example.test")
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then it opens a ticket whose first message carries the Message-ID
    assert stored is not None and stored.kind == MessageKind.CUSTOMER
    assert stored.external_id == "first@mail.example.test"
    assert stored.ticket.inbox == inbox and stored.ticket.subject == "My parcel has not arrived"


def test_a_reply_referring_to_a_stored_message_joins_its_ticket_even_with_a_new_subject(inbox):
    # given a ticket opened by a mail
    opened = first(inbox, message_id="a1@mail.example.test")
    # when the customer answers, referring to it, under another subject
    reply = pipeline.receive(
        inbox, mail(subject="Something else entirely", references=("a1@mail.example.test",))
    )
    # then the answer joins the same ticket
    assert reply.ticket_id == opened.ticket_id
    assert reply.metadata["threaded_by"] == "reference"


def test_the_nearest_reference_wins_when_two_tickets_are_referred_to(inbox):
    # given two tickets
    older = first(inbox, message_id="old@mail.example.test")
    newer = first(inbox, message_id="new@mail.example.test", subject="Another matter")
    # when a mail refers to both, the newer one nearest (last)
    reply = pipeline.receive(inbox, mail(references=("old@mail.example.test", "new@mail.example.test")))
    # then it joins the ticket of the nearest reference
    assert reply.ticket_id == newer.ticket_id != older.ticket_id


def test_a_reference_to_a_message_of_another_brand_does_not_join(inbox):
    # given a ticket of another brand holding the referenced message
    other_brand = BrandFactory()
    other_inbox = InboxFactory(brand=other_brand, channel_kind="email", address="help@other.test")
    foreign = first(other_inbox, message_id="x1@mail.example.test")
    # when a mail to our brand refers to it
    stored = pipeline.receive(inbox, mail(references=("x1@mail.example.test",)))
    # then it opens a new ticket in our brand
    assert stored.ticket_id != foreign.ticket_id and stored.ticket.brand_id == inbox.brand_id


def test_outlook_dropping_references_still_threads_by_the_reply_token(inbox):
    # given a ticket and its reply address (what our outbound mail sets as Reply-To)
    opened = first(inbox)
    reply_to = make_reply_address(inbox, opened.ticket_id)
    # when the customer answers to it without any In-Reply-To or References, the server upper-casing the address
    reply = pipeline.receive(inbox, mail(to=(reply_to.upper(),), subject="AW: something"))
    # then the answer joins the ticket
    assert reply.ticket_id == opened.ticket_id and reply.metadata["threaded_by"] == "token"


def test_a_forged_or_foreign_reply_token_opens_a_new_ticket(inbox):
    # given a ticket, a token with a broken signature and a valid token of another brand's ticket
    opened = first(inbox)
    good = make_reply_address(inbox, opened.ticket_id)
    forged = good.replace(good.split("-")[1][:4], "aaaa", 1)
    other_inbox = InboxFactory(brand=BrandFactory(), channel_kind="email", address="help@other.test")
    foreign_ticket = first(other_inbox).ticket
    foreign = make_reply_address(inbox, foreign_ticket.pk)
    # when mails arrive for both
    by_forged = pipeline.receive(inbox, mail(to=(forged,)))
    by_foreign = pipeline.receive(inbox, mail(to=(foreign,)))
    # then neither joins an existing ticket
    assert by_forged.ticket_id not in (opened.ticket_id, foreign_ticket.pk)
    assert by_foreign.ticket_id not in (opened.ticket_id, foreign_ticket.pk)


def test_the_subject_number_threads_only_for_people_on_the_ticket(inbox):
    # given a ticket of Ann, who also writes from a second address, and Bob copied in on it
    opened = first(inbox, sender="ann@example.test", cc=("bob@example.test",))
    ticket = opened.ticket
    ContactIdentity.objects.create(
        brand_id=inbox.brand_id, contact=ticket.requester, kind=IdentityKind.EMAIL, value="ann@home.test"
    )
    subject = f"Re: My parcel [#{ticket.number}]"
    # when Ann (second address), Bob and a stranger write with the ticket number in the subject
    from_ann = pipeline.receive(inbox, mail(sender="ann@home.test", subject=subject))
    from_bob = pipeline.receive(inbox, mail(sender="bob@example.test", subject=subject))
    from_stranger = pipeline.receive(inbox, mail(sender="eve@evil.test", subject=subject))
    # then Ann's and Bob's join the ticket, the stranger's opens a new one
    assert from_ann.ticket_id == ticket.pk and from_ann.metadata["threaded_by"] == "subject_number"
    assert from_bob.ticket_id == ticket.pk
    assert from_stranger.ticket_id != ticket.pk


def test_a_reply_from_another_address_of_the_same_contact_is_theirs(inbox):
    # given Ann's ticket and her second address
    opened = first(inbox, sender="ann@example.test", message_id="ann1@mail.example.test")
    ContactIdentity.objects.create(
        brand_id=inbox.brand_id, contact=opened.ticket.requester, kind=IdentityKind.EMAIL, value="ann@work.test"
    )
    # when she answers from the second address
    reply = pipeline.receive(inbox, mail(sender="ann@work.test", references=("ann1@mail.example.test",)))
    # then it is her message on her ticket, and nobody new is copied in
    assert reply.ticket_id == opened.ticket_id and reply.author_contact_id == opened.ticket.requester_id
    assert not TicketParticipant.objects.filter(ticket_id=opened.ticket_id).exists()


def _solve(ticket: Ticket, days_ago: float, status: str = Status.SOLVED) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(status=status, solved_at=timezone.now() - dt.timedelta(days=days_ago))


def test_a_solved_ticket_reopens_within_the_window(inbox):
    # given a ticket solved three days ago
    opened = first(inbox, message_id="s1@mail.example.test")
    _solve(opened.ticket, 3)
    # when the customer writes again on it
    reply = pipeline.receive(inbox, mail(references=("s1@mail.example.test",)))
    # then the same ticket is open again
    ticket = Ticket.objects.get(pk=opened.ticket_id)
    assert reply.ticket_id == ticket.pk and ticket.status == Status.OPEN and ticket.solved_at is None


@pytest.mark.parametrize(("status", "days_ago"), [(Status.SOLVED, 20), (Status.CLOSED, 1)])
def test_a_ticket_solved_long_ago_or_closed_gets_a_follow_up(inbox, status, days_ago):
    # given a ticket solved 20 days ago, or closed yesterday
    opened = first(inbox, message_id="f1@mail.example.test")
    _solve(opened.ticket, days_ago, status)
    # when the customer answers on it
    reply = pipeline.receive(inbox, mail(references=("f1@mail.example.test",)))
    # then a new ticket is opened, linked to the old one, which stays as it was; both timelines say so
    old = Ticket.objects.get(pk=opened.ticket_id)
    new = reply.ticket
    assert new.pk != old.pk and new.follow_up_of_id == old.pk and old.status == status
    created = new.timeline.get(action="created").after or {}
    assert created["follow_up_of"]["number"] == old.number
    assert old.timeline.filter(action="follow_up_opened").exists()


def test_the_reopen_window_is_an_inbox_setting(inbox):
    # given an inbox that reopens within 30 days, and a ticket solved 20 days ago
    inbox.settings = {**inbox.settings, "reopen_days": 30}
    inbox.save()
    opened = first(inbox, message_id="w1@mail.example.test")
    _solve(opened.ticket, 20)
    # when the customer answers
    reply = pipeline.receive(inbox, mail(references=("w1@mail.example.test",)))
    # then the ticket reopens
    assert reply.ticket_id == opened.ticket_id


def test_an_out_of_office_answer_threads_without_reopening(inbox):
    # given a pending ticket and a solved one
    pending = first(inbox, message_id="p1@mail.example.test")
    Ticket.objects.filter(pk=pending.ticket_id).update(status=Status.PENDING)
    solved = first(inbox, message_id="p2@mail.example.test", subject="Other")
    _solve(solved.ticket, 1)
    # when out-of-office answers arrive on both
    ooo = {"automated": "auto_reply", "subject": "Out of office"}
    on_pending = pipeline.receive(inbox, mail(references=("p1@mail.example.test",), **ooo))
    on_solved = pipeline.receive(inbox, mail(references=("p2@mail.example.test",), **ooo))
    # then they are stored on their tickets, flagged, and nothing reopens
    assert on_pending.ticket_id == pending.ticket_id and on_solved.ticket_id == solved.ticket_id
    assert on_pending.metadata["automated"] == "auto_reply"
    assert Ticket.objects.get(pk=pending.ticket_id).status == Status.PENDING
    assert Ticket.objects.get(pk=solved.ticket_id).status == Status.SOLVED


def test_html_is_sanitised_the_visible_text_kept_and_inline_images_resolved(inbox):
    # given an HTML mail with a script, quoted history, an inline image it shows and one it does not
    html = '<p>Look:<img src="cid:logo@x"></p><script>alert(1)</script><blockquote>old</blockquote>'
    message = mail(
        text="Look:\n\n> old",
        html=html,
        visible_text="Look:",
        attachments=(
            InboundAttachment("logo.png", PNG, "image/png", content_id="logo@x", is_inline=True),
            InboundAttachment("photo.png", PNG, "image/png", content_id="photo@x", is_inline=True),
        ),
    )
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then the script is gone, the shown image points at its stored attachment, the other is a listed file
    stored.refresh_from_db()
    logo = stored.attachments.get(filename="logo.png")
    photo = stored.attachments.get(filename="photo.png")
    assert "script" not in stored.body_html
    assert f'src="/attachments/{logo.pk}/"' in stored.body_html
    assert logo.is_inline and not photo.is_inline
    assert stored.metadata["visible_text"] == "Look:"


def test_a_reply_read_before_its_original_was_stored_still_joins_it(inbox):
    # given a reply whose reads were done (before its transaction) while the mail it answers was not stored yet
    reply = mail(references=("early@mail.example.test",))
    prepared = pipeline.prepare(inbox, reply)
    assert prepared.thread is None
    # when the original is stored first, then the reply
    original = first(inbox, message_id="early@mail.example.test")
    stored = pipeline.receive(inbox, reply, prepared=prepared)
    # then the reply joins the original's ticket: the lookup is made again inside the transaction
    assert stored.ticket_id == original.ticket_id
