"""The contract every channel adapter keeps, run against each registered adapter with payloads of its channel.

An adapter has a kind and capabilities; `parse_inbound` turns a payload into InboundMessages that name their
sender and never touches the database; `deliver` answers with a DeliveryResult, never an exception. A new
adapter must add its payloads to PAYLOADS (the test fails until it does).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from frontdesk.inboxes.adapters.base import Capabilities, DeliveryResult, InboundMessage
from frontdesk.inboxes.adapters.registry import capabilities, get_adapter, registered
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.testing.factories import AgentFactory, BrandFactory, InboxFactory, make_ticket
from frontdesk.tickets.services import post_reply

REPO = Path(__file__).resolve().parents[4]
EMAIL_DATA = REPO.parent / "shared" / "testdata" / "email"
# A few real mails from many clients and servers: plain, attachments, charsets, a bounce, a vacation reply.
REAL_MAILS = [
    "mime-mikel/plain_emails/basic_email.eml",
    "mime-mikel/attachment_emails/attachment_pdf.eml",
    "mime-mikel/attachment_emails/attachment_nonascii_filename.eml",
    "mime-mikel/multi_charset/japanese_iso_2022.eml",
    "mime-mikel/mime_emails/raw_email_with_nested_attachment.eml",
    "mime-mikel/multipart_report_emails/multi_address_bounce1.eml",
    "bounces-sisimai/bsd/rfc3834-01.eml",
]


def _built_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Ann Example <ann@example.test>"
    message["To"] = "help@acme.test"
    message["Subject"] = "Where is my parcel? [#12]"
    message["Message-ID"] = "<built-1@example.test>"
    message.set_content("It is a week late.")
    return message.as_bytes()


def _email_payloads() -> list[bytes]:
    if not EMAIL_DATA.is_dir():
        pytest.skip(f"test data not found at {EMAIL_DATA}")
    return [_built_mail(), *((EMAIL_DATA / name).read_bytes() for name in REAL_MAILS)]


def _api_payloads() -> list[bytes]:
    return [json.dumps({"email": "ann@example.test", "subject": "Hello", "text": "Hi."}).encode()]


PAYLOADS: dict[str, Callable[[], list[bytes]]] = {
    ChannelKind.EMAIL.value: _email_payloads,
    ChannelKind.API.value: _api_payloads,
}
KINDS = [adapter.kind for adapter in registered()]


def test_every_channel_kind_has_one_registered_adapter_at_most():
    assert len(KINDS) == len(set(KINDS)) and set(KINDS) <= set(ChannelKind.values)


@pytest.mark.parametrize("kind", KINDS)
def test_an_adapter_states_its_kind_and_capabilities(kind):
    # given the registered adapter / when asked / then it names its kind and answers capabilities
    adapter = get_adapter(kind)
    assert adapter.kind == kind
    assert isinstance(adapter.capabilities, Capabilities) and capabilities(kind) is adapter.capabilities


@pytest.mark.parametrize("kind", KINDS)
def test_parse_inbound_gives_messages_with_a_sender_without_the_database(kind):
    # given payloads of the adapter's channel
    assert kind in PAYLOADS, f"add payloads of the {kind} channel to PAYLOADS"
    adapter = get_adapter(kind)
    # when each is parsed (no database access allowed: this test has none)
    for payload in PAYLOADS[kind]():
        messages = adapter.parse_inbound(payload, {})
        # then each gives messages that name their sender, with neutral fields only
        assert messages, f"{kind}: a payload gave no message"
        for message in messages:
            assert isinstance(message, InboundMessage)
            assert message.sender_kind and message.sender_address, f"{kind}: a message without a sender"
            assert all(isinstance(r, str) for r in message.references)
            assert message.subject_number is None or isinstance(message.subject_number, int)


def test_the_email_adapter_reads_real_mails_fully():
    # given the built mail and the real ones
    adapter = get_adapter(ChannelKind.EMAIL)
    built, *real = _email_payloads()
    # when parsed
    [first] = adapter.parse_inbound(built, {})
    parsed = [adapter.parse_inbound(p, {})[0] for p in real]
    # then the neutral fields are filled as the pipeline needs them
    assert first.message_id == "built-1@example.test" and first.subject_number == 12
    assert first.recipients == ["help@acme.test"] and first.text.strip() == "It is a week late."
    assert first.metadata["email"]["from"] == {"address": "ann@example.test", "name": "Ann Example"}
    by_name = dict(zip(REAL_MAILS, parsed, strict=True))
    assert by_name["mime-mikel/attachment_emails/attachment_pdf.eml"].attachments
    assert by_name["mime-mikel/multipart_report_emails/multi_address_bounce1.eml"].automated == "bounce"
    assert by_name["bounces-sisimai/bsd/rfc3834-01.eml"].automated == "auto_reply"
    assert all(m.text or m.html or m.attachments for m in parsed)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_deliver_answers_with_a_delivery_result(kind):
    # given a reply on a ticket of the adapter's channel
    brand = BrandFactory()
    inbox = InboxFactory(brand=brand, channel_kind=kind, address=f"help@{brand.slug}.test",
                         settings={"auto_ack": False})
    ticket = make_ticket(brand, inbox=inbox, channel_kind=kind)
    message = post_reply(AgentFactory(brands=[brand]), ticket, text="Hello from support.")
    # when delivered / then the adapter answers with a DeliveryResult
    result = get_adapter(kind).deliver(inbox, message)
    assert isinstance(result, DeliveryResult)
    assert result.ok or result.error
