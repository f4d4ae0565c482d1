"""Whatever is posted to the providers' webhooks, the answer is never a server error (but when storing fails)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.inboxes.models import Intake

pytestmark = pytest.mark.django_db
SIGNING_KEY = "key-mailgun-signing-0123456789abcdef"
BASIC = "frontdesk:webhook-secret-6f1c2b"
URLS = [
    *(f"/inbound/email/{p}/" for p in ("mailgun", "mailgun_mime", "sendgrid", "postmark", "amazon_ses")),
    *(f"/tracking/email/{p}/" for p in ("mailgun", "sendgrid", "postmark", "amazon_ses")),
]
CONTENT_TYPES = ["application/json", "text/plain; charset=UTF-8", "application/x-www-form-urlencoded"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=15,
)
# Keys the providers' parsers read, so that the junk reaches past the first lookups.
known_keys = st.sampled_from([
    "signature", "event-data", "event", "message", "headers", "Type", "Message", "MessageId", "TopicArn",
    "SignatureVersion", "Signature", "SigningCertURL", "RecordType", "MessageID", "Email", "RawEmail", "mail",
    "receipt", "content", "notificationType", "email", "envelope", "timestamp", "token", "recipient", "body-mime",
])
structured = st.dictionaries(known_keys, json_values, max_size=8)


def mailgun_signature() -> dict[str, str]:
    timestamp, token = str(int(time.time())), "0123456789abcdef0123456789abcdef"
    digest = hmac.new(SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": digest}


@pytest.fixture(autouse=True)
def _secrets(settings):  # type: ignore[no-untyped-def]
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": [BASIC], "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    url=st.sampled_from(URLS),
    content_type=st.sampled_from(CONTENT_TYPES),
    body=st.one_of(st.binary(max_size=300), structured.map(lambda d: json.dumps(d).encode())),
    signed=st.booleans(),
)
def test_junk_posted_to_any_webhook_is_refused_or_ignored_never_a_server_error(
    inbox_for_webhooks, url, content_type, body, signed
):
    client = Client(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(BASIC.encode()).decode()} if signed else {}
    fields = _json_object(body)
    if signed and "mailgun" in url and fields is not None:
        # A correctly signed Mailgun post with junk inside: the signature check passes, the parsing must not fail
        body = json.dumps({**fields, "signature": mailgun_signature()}).encode()
    response = client.generic("POST", url, body, content_type=content_type, **headers)
    assert response.status_code < 500, (url, body[:200], response.content[:300])


def _json_object(body: bytes) -> dict | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def test_a_failure_to_store_is_a_server_error_so_that_the_provider_retries(inbox_for_webhooks, monkeypatch):
    # Given storing that fails (the database or the disk), after a valid, signed post was read
    from frontdesk.inboxes import intake

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(intake, "_write", broken)
    raw = b"From: zoe@example.test\r\nTo: support@acme.test\r\nSubject: Hi\r\nMessage-ID: <f1@x.test>\r\n\r\nHi\r\n"
    fields = {"recipient": "support@acme.test", "body-mime": raw.decode(), **mailgun_signature()}
    client = Client(raise_request_exception=False)
    auth = "Basic " + base64.b64encode(BASIC.encode()).decode()

    # When Mailgun posts it, then the answer is 500 (Mailgun retries later) and nothing is half-stored
    response = client.post("/inbound/email/mailgun_mime/", fields, HTTP_AUTHORIZATION=auth)
    assert response.status_code == 500 and Intake.objects.count() == 0


@pytest.fixture
def inbox_for_webhooks():  # type: ignore[no-untyped-def]
    from frontdesk.inboxes.adapters.email import recipients
    from frontdesk.inboxes.choices import ChannelKind
    from frontdesk.inboxes.models import Inbox
    from frontdesk.testing.factories import BrandFactory

    recipients.forget()
    return Inbox.objects.create(
        brand=BrandFactory(slug="acme"), name="Acme", channel_kind=ChannelKind.EMAIL, address="support@acme.test"
    )
