"""Keyset cursors: what they carry, and that a damaged one is a clear refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.core.errors import ValidationFailed
from frontdesk.workspace.paging import decode, encode
from frontdesk.workspace.tests.desk import make_desk


@pytest.mark.django_db
def test_a_cursor_round_trips_the_sort_keys_of_its_row():
    # given
    ticket = make_desk().ticket()
    # when
    values = decode("updated", encode("updated", ticket))
    # then
    assert values == [ticket.last_message_at, ticket.id]


@pytest.mark.django_db
def test_a_cursor_of_another_sort_is_refused():
    # given
    token = encode("number", make_desk().ticket())
    # when / then
    with pytest.raises(ValidationFailed, match="out of date"):
        decode("updated", token)


@given(st.text(max_size=80))
def test_any_garbage_cursor_is_a_clear_refusal_never_a_crash(token):
    # when / then
    try:
        decode("updated", token)
    except ValidationFailed as exc:
        assert exc.code == "invalid_cursor"


@pytest.mark.parametrize(
    "payload",
    [
        b'["updated",["2026-01-01T00:00:00",1]]',
        b'["updated",["2026-01-01T00:00:00+00:00",1e400]]',
        b'["updated",["2026-01-01T00:00:00+00:00",99999999999999999999999]]',
        b'["updated",[1,2]]',
        b"{}",
    ],
)
def test_a_well_formed_cursor_with_bad_values_is_refused(payload):
    # given
    import base64

    token = base64.urlsafe_b64encode(payload).decode()
    # when / then
    with pytest.raises(ValidationFailed):
        decode("updated", token)
