"""Provider webhooks, with requests built in each provider's documented format, signed right and wrong."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from email.message import EmailMessage

import pytest
from django.test import Client

from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox, Intake
from frontdesk.testing.factories import BrandFactory
from frontdesk.testing.sns import URL_PATTERN as SNS_TEST_URLS
from frontdesk.testing.sns import fake_sns, other_key
from frontdesk.tickets.choices import Direction
from frontdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db
SIGNING_KEY = "key-mailgun-signing-0123456789abcdef"
BASIC = "frontdesk:webhook-secret-6f1c2b"
INBOX_TOKEN = "t0ken-for-the-acme-inbox-9a8b7c"


def inbound_messages():  # type: ignore[no-untyped-def]
    return Message.objects.filter(direction=Direction.INBOUND)  # acknowledgements are messages too


@pytest.fixture(autouse=True)
def _secrets(settings):  # type: ignore[no-untyped-def]
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": [BASIC],
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
    }


@pytest.fixture
def inbox():  # type: ignore[no-untyped-def]
    from frontdesk.inboxes.adapters.email import recipients

    recipients.forget()
    brand = BrandFactory(slug="acme", name="Acme")
    return Inbox.objects.create(
        brand=brand, name="Acme", channel_kind=ChannelKind.EMAIL, address="support@acme.test",
        settings={"webhook_token": INBOX_TOKEN},
    )


def raw_mail(subject: str = "Order 1001 is late", message_id: str = "<order-1001@example.test>") -> bytes:
    message = EmailMessage()
    message["From"] = "Zoë Customer <zoe@example.test>"
    message["To"] = "Acme Support <support@acme.test>"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    message.set_content("Where is my parcel? Grüße, Zoë")
    return message.as_bytes().replace(b"\n", b"\r\n")


def basic(credentials: str = BASIC) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


# -- Mailgun: HMAC-SHA256 of timestamp + token with the webhook signing key -----------------------------------


MAILGUN_TOKEN = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"


def mailgun_fields(raw: bytes, *, key: str = SIGNING_KEY, token: str = MAILGUN_TOKEN) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "recipient": "support@acme.test",
        "sender": "bounce+zoe=example.test@example.test",
        "from": "Zoë Customer <zoe@example.test>",
        "subject": "Order 1001 is late",
        "body-mime": raw.decode(),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def post_mailgun(client: Client, fields: dict[str, str], url: str = "/inbound/email/mailgun_mime/", **headers: str):  # type: ignore[no-untyped-def]
    # Once a basic auth secret is set anymail checks it for Mailgun too: the URL given to Mailgun carries it.
    return client.post(url, fields, **({"HTTP_AUTHORIZATION": basic()} | headers))


def test_mailgun_raw_mime_signed_with_the_key_is_stored(client, inbox):
    # Given a message Mailgun forwards to the "mime" URL, signed with our key
    raw = raw_mail()

    # When it is posted
    response = post_mailgun(client, mailgun_fields(raw))

    # Then it is accepted and stored exactly as received, with Mailgun's token as the provider id
    assert response.status_code == 200
    intake = Intake.objects.get()
    assert (intake.source, intake.inbox_id) == ("mailgun", inbox.pk)
    assert intake.read_raw() == raw
    assert intake.envelope["provider_id"] == MAILGUN_TOKEN
    assert Ticket.objects.get().subject == "Order 1001 is late"


def test_mailgun_parsed_fields_are_stored(client, inbox):
    # Given Mailgun's parsed (non-MIME) form of a message
    fields = mailgun_fields(raw_mail())
    del fields["body-mime"]
    fields |= {
        "body-plain": "Where is my parcel?",
        "stripped-text": "Where is my parcel?",
        "message-headers": json.dumps(
            [
                ["From", "Zoë Customer <zoe@example.test>"],
                ["To", "support@acme.test"],
                ["Subject", "Order 1001 is late"],
                ["Message-Id", "<parsed-1001@example.test>"],
                ["Content-Type", 'text/plain; charset="utf-8"'],
            ]
        ),
    }

    response = post_mailgun(client, fields, url="/inbound/email/mailgun/")

    assert response.status_code == 200
    assert "Where is my parcel?" in inbound_messages().get().body_text


def test_mailgun_with_a_wrong_signature_is_refused_and_nothing_is_stored(client, inbox):
    # Given a post signed with another key, and one whose signature was copied onto a different token
    forged = mailgun_fields(raw_mail(), key="key-of-somebody-else")
    replayed = mailgun_fields(raw_mail()) | {"token": "another-token"}

    # Then both are refused and nothing is stored
    assert post_mailgun(client, forged).status_code == 400
    assert post_mailgun(client, replayed).status_code == 400
    assert Intake.objects.count() == 0


def test_mailgun_needs_only_its_signature_when_no_basic_auth_secret_is_set(client, inbox, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}

    assert client.post("/inbound/email/mailgun_mime/", mailgun_fields(raw_mail())).status_code == 200
    assert client.post("/inbound/email/mailgun_mime/", mailgun_fields(raw_mail(), key="wrong")).status_code == 400
    assert Intake.objects.count() == 1


# -- SendGrid Inbound Parse: basic auth in the URL; raw MIME in "email" when "POST the raw message" is on -------


def sendgrid_fields(raw: bytes) -> dict[str, str]:
    return {
        "email": raw.decode(),
        "to": "Acme Support <support@acme.test>",
        "from": "Zoë Customer <zoe@example.test>",
        "subject": "Order 1001 is late",
        "envelope": json.dumps({"to": ["support@acme.test"], "from": "zoe@example.test"}),
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"}),
        "dkim": "{@example.test : pass}",
        "SPF": "pass",
        "sender_ip": "192.0.2.10",
        "spam_score": "0.1",
    }


def test_sendgrid_with_basic_auth_is_stored(client, inbox):
    raw = raw_mail()

    response = client.post("/inbound/email/sendgrid/", sendgrid_fields(raw), HTTP_AUTHORIZATION=basic())

    assert response.status_code == 200
    intake = Intake.objects.get()
    assert intake.source == "sendgrid" and intake.read_raw() == raw


def test_sendgrid_without_or_with_wrong_basic_auth_is_refused(client, inbox):
    fields = sendgrid_fields(raw_mail())

    assert client.post("/inbound/email/sendgrid/", fields).status_code == 400
    guessed = client.post("/inbound/email/sendgrid/", fields, HTTP_AUTHORIZATION=basic("frontdesk:guess"))
    assert guessed.status_code == 400
    assert Intake.objects.count() == 0


def test_sendgrid_signed_inbound_parse_is_checked_against_sendgrids_key(client, inbox, settings):
    # Given SendGrid's verification key set (signed Inbound Parse) and no basic auth secret
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": [], "SENDGRID_INBOUND_WEBHOOK_VERIFICATION_KEY": base64.b64encode(public).decode()
    }
    body = encode_multipart(BOUNDARY, sendgrid_fields(raw_mail()))

    def post(signer: ec.EllipticCurvePrivateKey, timestamp: str = str(int(time.time()))):  # type: ignore[no-untyped-def]
        signature = base64.b64encode(signer.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
        return client.generic(
            "POST", "/inbound/email/sendgrid/", body, content_type=MULTIPART_CONTENT,
            HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE=signature,
            HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP=timestamp,
        )

    # When it is signed by another key, or posted unsigned, then it is refused; signed by SendGrid's, stored
    assert post(ec.generate_private_key(ec.SECP256R1())).status_code == 400
    assert client.generic("POST", "/inbound/email/sendgrid/", body, content_type=MULTIPART_CONTENT).status_code == 400
    assert Intake.objects.count() == 0
    assert post(key).status_code == 200
    assert Intake.objects.get().source == "sendgrid"


# -- Postmark inbound: JSON, basic auth in the URL --------------------------------------------------------------


def postmark_payload(*, raw: bytes | None = None) -> dict[str, object]:
    payload: dict[str, object] = {
        "FromName": "Zoë Customer",
        "MessageStream": "inbound",
        "From": "zoe@example.test",
        "FromFull": {"Email": "zoe@example.test", "Name": "Zoë Customer", "MailboxHash": ""},
        "To": "support@acme.test",
        "ToFull": [{"Email": "support@acme.test", "Name": "Acme Support", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": "support@acme.test",
        "Subject": "Order 1001 is late",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Tue, 1 Dec 2026 10:00:00 +0000",
        "TextBody": "Where is my parcel? Grüße, Zoë",
        "HtmlBody": "<p>Where is my parcel?</p>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<zoe@example.test>"},
            {"Name": "Message-ID", "Value": "<pm-1001@example.test>"},
            {"Name": "X-Spam-Status", "Value": "No"},
        ],
        "Attachments": [
            {"Name": "note.txt", "Content": base64.b64encode(b"tracking 123").decode(), "ContentType": "text/plain",
             "ContentLength": 12}
        ],
    }
    if raw is not None:
        payload["RawEmail"] = raw.decode()
    return payload


def test_postmark_json_is_stored_with_its_attachment(client, inbox):
    response = client.post(
        "/inbound/email/postmark/", json.dumps(postmark_payload()), content_type="application/json",
        HTTP_AUTHORIZATION=basic(),
    )

    assert response.status_code == 200
    message = inbound_messages().get()
    assert "Where is my parcel?" in message.body_text
    assert [a.filename for a in message.attachments.all()] == ["note.txt"]
    assert Intake.objects.get().envelope["provider_id"] == "22c74902-a0c1-4511-804f-341342852c90"


def test_postmark_raw_email_is_kept_as_sent(client, inbox):
    raw = raw_mail()

    response = client.post(
        "/inbound/email/postmark/", json.dumps(postmark_payload(raw=raw)), content_type="application/json",
        HTTP_AUTHORIZATION=basic(),
    )

    assert response.status_code == 200
    assert Intake.objects.get().read_raw() == raw


def test_postmark_with_a_wrong_secret_is_refused(client, inbox):
    response = client.post(
        "/inbound/email/postmark/", json.dumps(postmark_payload()), content_type="application/json",
        HTTP_AUTHORIZATION=basic("frontdesk:wrong"),
    )

    assert response.status_code == 400
    assert Intake.objects.count() == 0


def test_a_postmark_address_of_its_own_reaches_the_inbox_named_by_the_url_token(client, inbox):
    # Given Postmark's own inbound address as the recipient
    payload = postmark_payload() | {"OriginalRecipient": "4f6a1b@inbound.postmarkapp.com"}

    # When posted to the inbox's token URL it is stored for that inbox; to the plain URL it is dropped
    plain = client.post(
        "/inbound/email/postmark/", json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=basic()
    )
    assert plain.status_code == 200 and Intake.objects.count() == 0
    with_token = client.post(
        f"/inbound/email/postmark/{INBOX_TOKEN}/", json.dumps(payload), content_type="application/json",
        HTTP_AUTHORIZATION=basic(),
    )
    assert with_token.status_code == 200 and Intake.objects.get().inbox_id == inbox.pk
    wrong_token = client.post(
        "/inbound/email/postmark/not-the-token-at-all/", json.dumps(payload), content_type="application/json",
        HTTP_AUTHORIZATION=basic(),
    )
    assert wrong_token.status_code == 404


# -- Amazon SES: an SNS notification, basic auth in the subscription URL ---------------------------------------


def sns_notification(raw: bytes) -> dict[str, str]:
    ses_event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2026-12-01T10:00:01.636Z",
            "source": "zoe@example.test",
            "messageId": "jili9m351il3gkburn7o2f0u6788stij94c8ld01",
            "destination": ["support@acme.test"],
            "headersTruncated": False,
            "headers": [{"name": "Message-ID", "value": "<order-1001@example.test>"}],
            "commonHeaders": {"from": ["Zoë Customer <zoe@example.test>"], "subject": "Order 1001 is late"},
        },
        "receipt": {
            "timestamp": "2026-12-01T10:00:01.636Z",
            "processingTimeMillis": 357,
            "recipients": ["support@acme.test"],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "spfVerdict": {"status": "PASS"},
            "dkimVerdict": {"status": "PASS"},
            "dmarcVerdict": {"status": "PASS"},
            "action": {"type": "SNS", "topicArn": "arn:aws:sns:eu-west-1:111111111111:inbound", "encoding": "BASE64"},
        },
        "content": base64.b64encode(raw).decode(),
    }
    return {
        "Type": "Notification",
        "MessageId": "8f6dee70-c885-558a-be7d-bd48bbf5335e",
        "TopicArn": "arn:aws:sns:eu-west-1:111111111111:inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": "2026-12-01T10:00:02.516Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE==",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
    }


@pytest.fixture(autouse=True)
def signer(settings):  # type: ignore[no-untyped-def]
    """Amazon SNS's signing, with its certificate served on loopback (Amazon's hosts are out of reach)."""
    from frontdesk.inboxes.adapters.email import sns

    settings.SNS_CERT_URL_PATTERN = SNS_TEST_URLS
    sns.forget()
    with fake_sns() as fake:
        yield fake
    sns.forget()


def post_sns(client: Client, body: dict[str, str], **headers: str):  # type: ignore[no-untyped-def]
    sns = {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": body["Type"], "HTTP_X_AMZ_SNS_MESSAGE_ID": body["MessageId"]}
    return client.post(
        "/inbound/email/amazon_ses/", json.dumps(body), content_type="text/plain; charset=UTF-8", **(sns | headers)
    )


def test_amazon_ses_notification_is_stored_as_received(client, inbox, signer):
    raw = raw_mail()

    response = post_sns(client, signer.sign(sns_notification(raw)), HTTP_AUTHORIZATION=basic())

    assert response.status_code == 200
    intake = Intake.objects.get()
    assert intake.source == "amazon_ses" and intake.read_raw() == raw
    assert intake.envelope["provider_id"] == "jili9m351il3gkburn7o2f0u6788stij94c8ld01"


def test_amazon_ses_without_credentials_is_challenged_and_with_wrong_ones_refused(client, inbox, signer):
    body = signer.sign(sns_notification(raw_mail()))

    # SNS sends credentials only after a 401 challenge
    challenged = post_sns(client, body)
    assert challenged.status_code == 401 and "Basic" in challenged["WWW-Authenticate"]
    assert post_sns(client, body, HTTP_AUTHORIZATION=basic("frontdesk:nope")).status_code == 400
    # A body whose message id does not match its header is refused even with the right secret
    forged = post_sns(
        client, body | {"MessageId": "another"}, HTTP_AUTHORIZATION=basic(), HTTP_X_AMZ_SNS_MESSAGE_ID="x"
    )
    assert forged.status_code == 400
    assert Intake.objects.count() == 0


def test_amazon_ses_posts_not_signed_by_amazon_sns_are_refused(client, inbox, signer):
    # Given a notification signed with another key, one naming a certificate Amazon does not serve, one whose
    # text was changed after signing, and one unsigned
    body = sns_notification(raw_mail())
    another_key = signer.sign(body, key=other_key())
    foreign_cert = signer.sign(body) | {"SigningCertURL": "https://sns.evil.example/SimpleNotificationService.pem"}
    altered = signer.sign(body) | {"Subject": "Something else"}
    unsigned = body | {"Signature": ""}

    # When they are posted with the right basic auth secret, then each is refused and nothing is stored
    for forged in (another_key, foreign_cert, altered, unsigned):
        assert post_sns(client, forged, HTTP_AUTHORIZATION=basic()).status_code == 400
    assert client.post("/inbound/email/amazon_ses/", b"{not json", content_type="text/plain").status_code == 400
    assert Intake.objects.count() == 0


def test_amazon_ses_topics_allowed_by_arn_need_no_basic_auth_and_others_are_refused(client, inbox, signer, settings):
    # Given no basic auth secret, only our topic allowed, and SNS signing with SHA-256 (signature version 2)
    settings.ANYMAIL = {"WEBHOOK_SECRET": [], "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False}
    settings.SES_TOPIC_ARNS = ["arn:aws:sns:eu-west-1:111111111111:inbound"]
    ours = signer.sign(sns_notification(raw_mail()), version="2")
    theirs = signer.sign(sns_notification(raw_mail()) | {"TopicArn": "arn:aws:sns:us-east-1:999999999999:spam"})

    # Then a post of our topic is stored, a correctly signed post of another topic is refused
    assert post_sns(client, ours).status_code == 200
    assert post_sns(client, theirs).status_code == 400
    assert Intake.objects.count() == 1


# -- common rules -----------------------------------------------------------------------------------------------


def test_the_same_mail_by_two_providers_is_stored_once(client, inbox, signer):
    raw = raw_mail()

    post_mailgun(client, mailgun_fields(raw))
    post_sns(client, signer.sign(sns_notification(raw)), HTTP_AUTHORIZATION=basic())
    post_mailgun(client, mailgun_fields(raw))  # and Mailgun retrying

    assert Intake.objects.count() == 1 and inbound_messages().count() == 1


def test_mail_for_an_unknown_address_is_accepted_and_dropped(client, inbox):
    # The provider must not retry it forever: 200, and nothing stored
    fields = mailgun_fields(raw_mail()) | {"recipient": "nobody@elsewhere.test"}

    response = post_mailgun(client, fields)

    assert response.status_code == 200
    assert Intake.objects.count() == 0


def test_a_provider_without_its_secret_is_refused(client, inbox, settings):
    # Given no secrets at all: anymail alone would accept unsigned posts (basic auth) or use an empty key
    settings.ANYMAIL = {"WEBHOOK_SECRET": [], "MAILGUN_WEBHOOK_SIGNING_KEY": ""}

    assert client.post("/inbound/email/mailgun_mime/", mailgun_fields(raw_mail(), key="")).status_code == 403
    assert client.post("/inbound/email/sendgrid/", sendgrid_fields(raw_mail())).status_code == 403
    assert client.post("/inbound/email/unknown-provider/", {}).status_code == 404
    assert Intake.objects.count() == 0


def test_mail_bigger_than_the_api_request_limit_is_taken_up_to_the_mail_limit(client, inbox, settings):
    # Given mails of 3 MB (the API refuses bodies over 2 MB) posted as one form field and as JSON
    big = EmailMessage()
    big["From"], big["To"], big["Subject"] = "zoe@example.test", "support@acme.test", "Photos"
    big["Message-ID"] = "<photos@example.test>"
    big.set_content("Photos attached.")
    big.add_attachment(b"\x89PNG" + bytes(range(256)) * 12_000, maintype="image", subtype="png", filename="a.png")
    raw = big.as_bytes().replace(b"\n", b"\r\n")
    assert len(raw) > 3_000_000

    # When Mailgun posts it raw, then it is stored whole
    assert post_mailgun(client, mailgun_fields(raw)).status_code == 200
    assert Intake.objects.get().read_raw() == raw

    # When Postmark posts a mail over the mail limit, then it is refused as too big (413) and not stored
    settings.EMAIL_MAX_BYTES = 1_000_000
    payload = postmark_payload(raw=raw) | {"MessageID": "another"}
    response = client.post(
        "/inbound/email/postmark/", json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=basic()
    )
    assert response.status_code == 413 and Intake.objects.count() == 1


def test_webhooks_need_no_csrf_token(inbox):
    # Providers post without a CSRF token; the rest of the site still enforces it
    strict = Client(enforce_csrf_checks=True)

    assert post_mailgun(strict, mailgun_fields(raw_mail())).status_code == 200
