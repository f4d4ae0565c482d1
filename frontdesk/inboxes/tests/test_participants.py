"""Participants: people copied in on a mail follow the ticket; agents and the support addresses never do."""

from __future__ import annotations

import pytest

from frontdesk.accounts.choices import Role
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.inboxes import pipeline
from frontdesk.inboxes.adapters.email.addresses import make_reply_address
from frontdesk.inboxes.tests.inbound import mail
from frontdesk.testing.factories import AgentFactory
from frontdesk.tickets.models import TicketParticipant
from frontdesk.tickets.services import add_participant, remove_participant

pytestmark = pytest.mark.django_db


def addresses_on(ticket_id: int) -> set[str]:
    return {
        p.contact.primary_address
        for p in TicketParticipant.objects.filter(ticket_id=ticket_id).select_related("contact")
    }


def test_people_copied_in_become_participants_but_not_agents_or_our_own_addresses(inbox, agent):
    # given a mail to the support address and its alias, copying in a colleague, an agent and a reply address
    message = mail(
        to=("help@acme.test", "Hello@Acme.test"),
        cc=("bob@example.test", agent.email, "support@acme.test", make_reply_address(inbox, 99)),
    )
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then only the colleague is on the ticket, and the timeline says who added them
    assert addresses_on(stored.ticket_id) == {"bob@example.test"}
    assert stored.ticket.timeline.filter(action="participant_added").count() == 1


def test_reply_all_keeps_participants_and_a_copied_in_person_who_answers_stays_one(inbox):
    # given a ticket with Bob copied in
    opened = pipeline.receive(inbox, mail(message_id="r1@mail.example.test", cc=("bob@example.test",)))
    # when Bob answers to everyone, copying in Ann (the requester) and Carol, then Ann answers only to support
    bob = pipeline.receive(
        inbox,
        mail(
            sender="bob@example.test", cc=("ann@example.test", "carol@example.test"),
            references=("r1@mail.example.test",),
        ),
    )
    ann = pipeline.receive(inbox, mail(references=("r1@mail.example.test",)))
    # then everyone stays on the ticket, the requester is no participant, and nobody is added twice
    assert bob.ticket_id == ann.ticket_id == opened.ticket_id
    assert addresses_on(opened.ticket_id) == {"bob@example.test", "carol@example.test"}


def test_someone_answering_by_reference_is_copied_in_from_then_on(inbox):
    # given Ann's ticket, and a colleague she forwarded our mail to
    opened = pipeline.receive(inbox, mail(message_id="c1@mail.example.test"))
    # when the colleague answers, referring to the thread
    reply = pipeline.receive(inbox, mail(sender="dan@example.test", references=("c1@mail.example.test",)))
    # then the answer joins the ticket and the colleague follows it
    assert reply.ticket_id == opened.ticket_id
    assert addresses_on(opened.ticket_id) == {"dan@example.test"}


def test_automated_mail_copies_nobody_in(inbox):
    # given a mailing-list mail copying in many people
    message = mail(automated="list", cc=("x@example.test", "y@example.test"))
    # when it is received
    stored = pipeline.receive(inbox, message)
    # then nobody becomes a participant
    assert not TicketParticipant.objects.filter(ticket_id=stored.ticket_id).exists()


def test_an_agent_adds_and_removes_a_participant(inbox, agent):
    # given a ticket
    ticket = pipeline.receive(inbox, mail()).ticket
    # when the agent copies someone in, then removes them
    participant = add_participant(agent, ticket, "Erin@Example.test", name="Erin")
    added = addresses_on(ticket.pk)
    removed = remove_participant(agent, ticket, "erin@example.test")
    # then both are done and on the timeline
    assert participant.contact.name == "Erin" and added == {"erin@example.test"}
    assert removed and not addresses_on(ticket.pk)
    assert {"participant_added", "participant_removed"} <= set(ticket.timeline.values_list("action", flat=True))


def test_participants_cannot_be_changed_without_the_right_or_be_the_requester(inbox, brand):
    # given a ticket and a read-only agent
    ticket = pipeline.receive(inbox, mail()).ticket
    reader = AgentFactory(brands=[brand], role=Role.READ_ONLY)
    writer = AgentFactory(brands=[brand])
    # when / then: the reader is refused, and the requester cannot be copied in on their own ticket
    with pytest.raises(PermissionDenied):
        add_participant(reader, ticket, "x@example.test")
    with pytest.raises(ValidationFailed):
        add_participant(writer, ticket, "ann@example.test")
