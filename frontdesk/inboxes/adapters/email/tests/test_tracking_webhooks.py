"""Providers' delivery events, in each provider's documented format, signed right and wrong."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.utils import timezone

from frontdesk.contacts.models import ContactIdentity
from frontdesk.inboxes.choices import ChannelKind, OutboxStatus
from frontdesk.inboxes.models import Delivery, Inbox
from frontdesk.testing.factories import BrandFactory, ContactFactory, make_ticket
from frontdesk.testing.sns import URL_PATTERN as SNS_TEST_URLS
from frontdesk.testing.sns import fake_sns
from frontdesk.tickets.choices import DeliveryStatus, Direction, MessageKind
from frontdesk.tickets.models import Message

pytestmark = pytest.mark.django_db
SIGNING_KEY = "key-mailgun-signing-0123456789abcdef"
BASIC = "frontdesk:webhook-secret-6f1c2b"
PROVIDER_ID = "<20261201100000.1.ABCDEF@mg.acme.test>"
SENDGRID_KEY = ec.generate_private_key(ec.SECP256R1())


def sendgrid_public_key() -> str:
    der = SENDGRID_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


@pytest.fixture(autouse=True)
def _secrets(settings):  # type: ignore[no-untyped-def]
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": [BASIC],
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": sendgrid_public_key(),
        "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
    }


@pytest.fixture
def sent():  # type: ignore[no-untyped-def]
    """A reply to zoe@example.test that the outbox handed to the provider (its id kept on the delivery)."""
    brand = BrandFactory(slug="acme")
    inbox = Inbox.objects.create(brand=brand, name="Acme", channel_kind=ChannelKind.EMAIL, address="support@acme.test")
    zoe = ContactFactory(brand=brand, email="zoe@example.test")
    ticket = make_ticket(brand, requester=zoe, inbox=inbox, channel_kind=ChannelKind.EMAIL)
    reply = Message.objects.create(
        ticket=ticket, direction=Direction.OUTBOUND, kind=MessageKind.REPLY, channel_kind=ChannelKind.EMAIL,
        body_text="Your parcel left today.", delivery_status=DeliveryStatus.SENT, external_id="r1@acme.test",
        created_at=timezone.now(),
    )
    Delivery.objects.create(
        message=reply, inbox=inbox, status=OutboxStatus.SENT, provider_id=PROVIDER_ID, next_attempt_at=timezone.now()
    )
    return reply


def basic(credentials: str = BASIC) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def notices(message: Message) -> list[str]:
    return [m.body_text for m in message.ticket.messages.filter(kind=MessageKind.SYSTEM).order_by("id")]


def mailgun_event(event: str, *, key: str = SIGNING_KEY, **data: object) -> dict[str, object]:
    timestamp, token = str(int(time.time())), "f1e2d3c4b5a6978812345678"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "id": f"evt-{event}", "timestamp": time.time(), "event": event, "recipient": "zoe@example.test",
            "message": {"headers": {"message-id": PROVIDER_ID.strip("<>")}}, **data,
        },
    }


def post_json(client: Client, url: str, body: object, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_permanent_mailgun_failure_marks_the_reply_bounced_and_the_address_bouncing_once(client, sent):
    # Given Mailgun's report that the mailbox does not exist, posted twice (Mailgun retries)
    event = mailgun_event(
        "failed", severity="permanent", reason="bounce",
        **{"delivery-status": {"code": 550, "message": "5.1.1 The email account that you tried to reach does not exist",
                               "description": ""}},
    )
    for _ in range(2):
        assert post_json(client, "/tracking/email/mailgun/", event, HTTP_AUTHORIZATION=basic()).status_code == 200

    # Then the reply is bounced with the reason, the address is bouncing, and the agents are told once
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.BOUNCED and "does not exist" in sent.delivery_error
    assert ContactIdentity.objects.get(value="zoe@example.test").is_bouncing
    assert len(notices(sent)) == 1 and notices(sent)[0].startswith("The message to zoe@example.test bounced")


def test_delivered_deferred_and_complained_events_are_shown_and_wrong_signatures_refused(client, sent):
    # Given Mailgun events: delivered, a temporary failure, a spam complaint, and one signed with another key
    delivered = mailgun_event("delivered")
    deferred = mailgun_event("failed", severity="temporary", **{"delivery-status": {"message": "4.2.2 Mailbox full"}})
    complained = mailgun_event("complained")
    forged = mailgun_event("failed", severity="permanent", key="key-somebody-else")

    for event in (delivered, deferred, complained, deferred):  # the delay reported twice
        assert post_json(client, "/tracking/email/mailgun/", event, HTTP_AUTHORIZATION=basic()).status_code == 200
    assert post_json(client, "/tracking/email/mailgun/", forged, HTTP_AUTHORIZATION=basic()).status_code == 400

    # Then the reply shows delivered, the agents read of the delay and the complaint, and nothing bounced
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED
    assert [n.split(";")[0].split(" reported")[0] for n in notices(sent)] == [
        "Delivery to zoe@example.test is delayed", "zoe@example.test"
    ]
    assert not ContactIdentity.objects.get(value="zoe@example.test").is_bouncing


def test_a_postmark_bounce_with_basic_auth_is_recorded_and_without_it_refused(client, sent):
    # Given Postmark's bounce webhook for our message (Postmark's own id of it)
    bounce = {
        "RecordType": "Bounce", "ID": 4323372036854775807, "Type": "HardBounce", "TypeCode": 1,
        "MessageID": PROVIDER_ID, "Email": "zoe@example.test", "From": "support@acme.test",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 unknown user", "BouncedAt": "2026-12-01T10:00:00Z", "Inactive": True,
        "CanActivate": True, "Subject": "Re: Where is my order?", "ServerID": 23, "MessageStream": "outbound",
    }

    assert post_json(client, "/tracking/email/postmark/", bounce).status_code == 400  # refused, nothing read
    assert post_json(client, "/tracking/email/postmark/", bounce, HTTP_AUTHORIZATION=basic()).status_code == 200

    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.BOUNCED and "unknown user" in sent.delivery_error


def sendgrid_post(client: Client, events: list[dict[str, object]], *, key: ec.EllipticCurvePrivateKey = SENDGRID_KEY):  # type: ignore[no-untyped-def]
    body, timestamp = json.dumps(events).encode(), str(int(time.time()))
    signature = base64.b64encode(key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
    return client.post(
        "/tracking/email/sendgrid/", body, content_type="application/json", HTTP_AUTHORIZATION=basic(),
        HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE=signature, HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP=timestamp,
    )


def test_sendgrid_events_are_checked_against_sendgrids_key(client, sent):
    # Given SendGrid's signed event webhook reporting a bounce of our message (anymail tags it with our id)
    bounce = {
        "email": "zoe@example.test", "timestamp": int(time.time()), "event": "bounce", "type": "bounce",
        "sg_event_id": "ev-1", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        "anymail_id": PROVIDER_ID, "reason": "550 5.1.1 The email account does not exist", "status": "5.1.1",
    }

    # When it is signed with another key, then it is refused; signed with SendGrid's, it is recorded
    assert sendgrid_post(client, [bounce], key=ec.generate_private_key(ec.SECP256R1())).status_code == 400
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.SENT
    assert sendgrid_post(client, [bounce]).status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.BOUNCED


def test_an_amazon_ses_bounce_through_sns_is_recorded(client, sent, settings):
    # Given SES's bounce notification for our message, delivered and signed by SNS
    settings.SNS_CERT_URL_PATTERN = SNS_TEST_URLS
    ses = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent", "bounceSubType": "General", "timestamp": "2026-12-01T10:00:00.000Z",
            "feedbackId": "0100017f-bounce", "bouncedRecipients": [
                {"emailAddress": "zoe@example.test", "action": "failed", "status": "5.1.1",
                 "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
            ],
        },
        "mail": {"timestamp": "2026-12-01T09:59:59.000Z", "messageId": PROVIDER_ID,
                 "source": "support@acme.test", "destination": ["zoe@example.test"]},
    }
    message = {
        "Type": "Notification", "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:eu-west-1:111111111111:events", "Message": json.dumps(ses),
        "Timestamp": "2026-12-01T10:00:01.000Z",
    }
    with fake_sns() as signer:
        signed = signer.sign(message, version="2")
        response = client.post(
            "/tracking/email/amazon_ses/", json.dumps(signed), content_type="text/plain; charset=UTF-8",
            HTTP_AUTHORIZATION=basic(), HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
            HTTP_X_AMZ_SNS_MESSAGE_ID=signed["MessageId"],
        )
    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.BOUNCED and "user unknown" in sent.delivery_error


def test_events_about_nothing_we_sent_are_accepted_and_unconfigured_providers_refused(client, sent, settings):
    # An event about another message is answered 200 (no retries) and changes nothing
    other = mailgun_event("failed", severity="permanent")
    other["event-data"]["message"] = {"headers": {"message-id": "someone-else@mg.example"}}  # type: ignore[index]
    assert post_json(client, "/tracking/email/mailgun/", other, HTTP_AUTHORIZATION=basic()).status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.SENT
    # Without any secret, every provider is refused, and an unknown one is not found
    settings.ANYMAIL = {"WEBHOOK_SECRET": [], "MAILGUN_WEBHOOK_SIGNING_KEY": ""}
    for provider in ("mailgun", "sendgrid", "postmark", "amazon_ses"):
        assert client.post(f"/tracking/email/{provider}/", "{}", content_type="application/json").status_code == 403
    assert client.post("/tracking/email/nobody/", "{}", content_type="application/json").status_code == 404
