"""Reply tokens, Message-IDs and ticket numbers in subjects."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.inboxes import reply_tokens
from frontdesk.inboxes.adapters.email import addresses


@given(st.integers(min_value=1, max_value=2**53))
def test_a_token_reads_back_as_its_ticket_whatever_the_case(ticket_id):
    # given the token of a ticket / when a server changes its case / then it still names the ticket
    token = reply_tokens.sign(ticket_id)
    assert reply_tokens.ticket_id(token) == ticket_id
    assert reply_tokens.ticket_id(token.upper()) == ticket_id


def test_a_token_is_short_and_safe_in_an_address_local_part():
    # given a big ticket id / when signed / then the token is short, lower-case letters, digits and one hyphen
    token = reply_tokens.sign(987_654_321)
    assert len(token) <= 24 and token == token.lower() and token.replace("-", "").isalnum()


@pytest.mark.parametrize("token", ["", "abc", "1-aaaaaaaaaaaaaaaa", "zz-" + "a" * 16, "1-" + "a" * 15 + "!"])
def test_malformed_or_forged_tokens_name_no_ticket(token):
    # given / when / then
    assert reply_tokens.ticket_id(token) is None


def test_a_token_of_one_ticket_does_not_open_another():
    # given the signature of ticket 5 put on ticket 6
    mac = reply_tokens.sign(5).split("-")[1]
    # when / then
    assert reply_tokens.ticket_id(f"6-{mac}") is None


def test_a_token_signed_with_a_rotated_key_still_reads(settings):
    # given a token made before the secret key was rotated
    token = reply_tokens.sign(42)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-that-is-long-enough-for-django-0123456789"
    # when / then
    assert reply_tokens.ticket_id(token) == 42


@pytest.mark.parametrize(
    ("address", "found"),
    [
        ("reply+{t}@acme.test", True),
        ("REPLY+{T}@ACME.TEST", True),
        ("<support+{t}@acme.test>", True),
        ("reply@acme.test", False),
        ("ann+newsletter@example.test", False),
    ],
)
def test_the_token_is_read_from_the_plus_part_of_any_address(address, found):
    token = reply_tokens.sign(7)
    # given an address / when read / then the token is found exactly when there is one
    read = addresses.read_reply_token(address.format(t=token, T=token.upper()))
    assert (reply_tokens.ticket_id(read) == 7) is found


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Parcel", "Re: Parcel [#12]"),
        ("Re: Parcel", "Re: Parcel [#12]"),
        ("RE: AW: Re[2]: Parcel [#12]", "Re: Parcel [#12]"),
        ("Sv: Parcel [#99]", "Re: Parcel [#12]"),
        ("", "Re: [#12]"),
    ],
)
def test_reply_subjects_have_one_re_and_one_number(subject, expected):
    assert addresses.reply_subject(subject, 12) == expected


@pytest.mark.parametrize(
    ("subject", "number"),
    [("Re: Parcel [#1234]", 1234), ("[#1] and then [#22]", 22), ("Order #1234", None), ("", None)],
)
def test_the_ticket_number_is_found_in_a_subject(subject, number):
    assert addresses.subject_number(subject) == number


def test_message_ids_are_unique_and_on_the_domain():
    # given / when two ids are made / then they differ and are well formed
    first, second = addresses.make_message_id("acme.test"), addresses.make_message_id("acme.test")
    assert first != second and first.startswith("<") and first.endswith("@acme.test>")
