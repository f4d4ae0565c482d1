"""Timeline events told as sentences."""

from __future__ import annotations

import pytest

from frontdesk.tickets.models import TimelineEvent
from frontdesk.workspace.timeline import describe


def _say(action: str, field: str = "", before=None, after=None, actor_id=None) -> str:
    event = TimelineEvent(action=action, field=field, before=before, after=after, actor_agent_id=actor_id)
    return describe(event, agent_names={7: "Bob Stone", 8: "Cleo Park"}, field_labels={"order": "Order number"})


@pytest.mark.parametrize(
    "args, sentence",
    [
        (("created", "", None, {"channel_kind": "email"}), "opened the ticket by Email"),
        (("status_changed", "status", "new", "open"), "changed status from New to Open"),
        (("priority_changed", "priority", "normal", "urgent"), "changed priority from Normal to Urgent"),
        (("ticket_type_changed", "ticket_type", "", "incident"), "set type to Incident"),
        (("ticket_type_changed", "ticket_type", "task", ""), "cleared the type (was Task)"),
        (("assigned", "assignee", None, {"id": 7, "name": "Bob Stone"}), "assigned the ticket to Bob Stone"),
        (
            ("assigned", "assignee", {"id": 8, "name": "Cleo"}, {"id": 7, "name": "Bob"}),
            "reassigned the ticket from Cleo to Bob",
        ),
        (("unassigned", "assignee", {"id": 7, "name": "Bob Stone"}, None), "unassigned Bob Stone"),
        (("team_changed", "team", None, {"id": 1, "name": "Billing"}), "moved the ticket to team Billing"),
        (("team_changed", "team", {"id": 1, "name": "Billing"}, None), "removed the ticket from team Billing"),
        (("field_changed", "custom.order", None, "A-1"), "set Order number to A-1"),
        (("field_changed", "custom.order", "A-1", "A-2"), "changed Order number from A-1 to A-2"),
        (("field_changed", "custom.gone", "x", None), "cleared gone (was x)"),
        (("tags_changed", "tags", ["a"], ["a", "b", "c"]), "added tags b and c"),
        (("tags_changed", "tags", ["a", "b"], ["c"]), "added tag c and removed tags a and b"),
        (("followers_changed", "followers", [], [7, 8]), "added Bob Stone and Cleo Park as followers"),
        (("followers_changed", "followers", [7, 99], [7]), "removed agent 99 from the followers"),
        (("subject_changed", "subject", "Old", "New words"), "changed the subject to \u201cNew words\u201d"),
        (("merged_elsewhere",), "merged elsewhere"),
    ],
)
def test_each_change_reads_as_a_sentence(args, sentence):
    # when / then
    assert _say(*args) == sentence


def test_an_agent_taking_an_unassigned_ticket_took_it():
    # when / then
    assert _say("assigned", "assignee", None, {"id": 7, "name": "Bob"}, actor_id=7) == "took the ticket"
