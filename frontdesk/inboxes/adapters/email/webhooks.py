"""Inbound mail from email providers' webhooks (Mailgun, SendGrid, Postmark, Amazon SES), through django-anymail.

`/inbound/email/<provider>/` (or `/inbound/email/<provider>/<token>/`, see below) runs anymail's inbound view
for that provider, which checks the request (Mailgun's HMAC signature; Amazon SNS's signature for SES, see
sns.py; the HTTP basic auth secret in the webhook URL, for every provider once it is set) and answers 400 to a
request that fails the check, before anything is read. A provider whose secret is not configured is refused with
403: anymail alone would accept unsigned posts. Anymail then sends its `inbound` signal, and the receiver below
keeps the message: the inbox is chosen by the envelope recipient exactly as the SMTP listener chooses it, and
the raw MIME goes to `receive_raw` (the provider's event id is the dedup key of a mail without a Message-ID, so
a replayed or retried post is stored once). The 200 answer leaves only after COMMIT; an error gives a 500 and
the provider retries. Mail for an address no inbox has is answered 200 and dropped with a log line, so the
provider does not retry it forever.

A URL with an inbox's `settings["webhook_token"]` sends every message it receives to that inbox, whatever the
recipient: for providers that deliver from an address of their own (Postmark's `<hash>@inbound.postmarkapp.com`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from anymail.signals import inbound
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView, AmazonSESTrackingWebhookView
from anymail.webhooks.base import AnymailBaseWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView, MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import (
    SendGridBaseWebhookView,
    SendGridInboundWebhookView,
    SendGridTrackingWebhookView,
)
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from frontdesk.inboxes.adapters.email import recipients, sns
from frontdesk.inboxes.adapters.email.webhook_body import preload
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox

logger = logging.getLogger(__name__)


def _sendgrid_key(setting: str) -> Any:
    key = _anymail(f"SENDGRID_{setting}_WEBHOOK_VERIFICATION_KEY")
    if not key:
        return None
    pem = f"-----BEGIN PUBLIC KEY-----\n{key}\n-----END PUBLIC KEY-----"
    return serialization.load_pem_public_key(pem.encode("ascii"))


class _SendGridKey:
    """SendGrid's public key of one kind of post (`key_kind`: INBOUND, TRACKING), loaded per request so that a
    changed setting counts at once; without it only basic auth protects the post. Also leaves out anymail's
    warning on every request that it no longer tests SendGrid (the formats have not changed)."""

    key_kind = ""
    webhook_verification_key: Any
    warn_if_no_basic_auth: bool

    def __init__(self, **kwargs: Any) -> None:
        self.webhook_verification_key = _sendgrid_key(self.key_kind)
        self.warn_if_no_basic_auth = self.webhook_verification_key is None
        AnymailBaseWebhookView.__init__(self, **kwargs)  # type: ignore[arg-type]


class SendGridInboundView(_SendGridKey, SendGridInboundWebhookView):
    """SendGrid's Inbound Parse, its signature checked when its key is set (ECDSA over the timestamp and the
    body, as for its event webhook; `X-Twilio-Email-Event-Webhook-*` headers)."""

    key_kind = "INBOUND"
    key_setting_name = "inbound_webhook_verification_key"

    def validate_request(self, request: HttpRequest) -> None:
        SendGridBaseWebhookView.validate_request(self, request)  # type: ignore[arg-type]  # skipped without a key


class SendGridEventsView(_SendGridKey, SendGridTrackingWebhookView):
    """SendGrid's event webhook (anymail checks its signature when the key is set)."""

    key_kind = "TRACKING"


def _anymail(name: str) -> Any:
    return getattr(settings, "ANYMAIL", {}).get(name)


def _has_basic_auth() -> bool:
    return bool(_anymail("WEBHOOK_SECRET"))


def _has_mailgun_key() -> bool:
    return bool(_anymail("MAILGUN_WEBHOOK_SIGNING_KEY"))


def _has_sendgrid_check(kind: str) -> Callable[[], bool]:
    return lambda: _has_basic_auth() or bool(_anymail(f"SENDGRID_{kind}_WEBHOOK_VERIFICATION_KEY"))


def _has_ses_check() -> bool:
    return _has_basic_auth() or bool(settings.SES_TOPIC_ARNS)


def _sns_signed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Amazon SES: the post's SNS signature (and topic) is checked before anymail reads it."""

    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            sns.verify(request.body)
        except sns.Refused as exc:
            logger.warning("inbound amazon_ses webhook refused: %s", exc)
            return HttpResponse(f"{exc}\n", status=400, content_type="text/plain")
        return view(request, *args, **kwargs)

    return checked


@dataclass(frozen=True)
class Provider:
    source: str  # Intake.source
    view: Callable[..., HttpResponse]
    configured: Callable[[], bool]


PROVIDERS = {
    "mailgun": Provider("mailgun", MailgunInboundWebhookView.as_view(), _has_mailgun_key),
    "sendgrid": Provider("sendgrid", SendGridInboundView.as_view(), _has_sendgrid_check("INBOUND")),
    "postmark": Provider("postmark", PostmarkInboundWebhookView.as_view(), _has_basic_auth),
    "amazon_ses": Provider("amazon_ses", _sns_signed(AmazonSESInboundWebhookView.as_view()), _has_ses_check),
}
# Delivery events (tracking.py), checked the same way.
TRACKING = {
    "mailgun": Provider("mailgun", MailgunTrackingWebhookView.as_view(), _has_mailgun_key),
    "sendgrid": Provider("sendgrid", SendGridEventsView.as_view(), _has_sendgrid_check("TRACKING")),
    "postmark": Provider("postmark", PostmarkTrackingWebhookView.as_view(), _has_basic_auth),
    "amazon_ses": Provider("amazon_ses", _sns_signed(AmazonSESTrackingWebhookView.as_view()), _has_ses_check),
}
# anymail's esp_name -> our source name
SOURCES = {"Mailgun": "mailgun", "SendGrid": "sendgrid", "Postmark": "postmark", "Amazon SES": "amazon_ses"}
# The inbox named by the URL's token, for the receiver (anymail's signal does not pass the request on).
_url_inbox: ContextVar[int | None] = ContextVar("frontdesk_webhook_inbox", default=None)


def inbox_for_token(token: str) -> Inbox | None:
    for inbox in Inbox.objects.filter(channel_kind=ChannelKind.EMAIL, is_active=True).exclude(settings={}):
        expected = inbox.settings.get("webhook_token") if isinstance(inbox.settings, dict) else None
        if isinstance(expected, str) and len(expected) >= 16 and constant_time_compare(expected, token):
            return inbox
    return None


def _refusal(providers: dict[str, Provider], provider: str, what: str) -> HttpResponse | Provider:
    spec = providers.get(provider.replace("-", "_"))
    if spec is None:
        return HttpResponse("Unknown provider.\n", status=404, content_type="text/plain")
    if not spec.configured():
        logger.warning("%s %s webhook called, but its secret is not configured: refused", what, spec.source)
        return HttpResponse("This webhook is not configured.\n", status=403, content_type="text/plain")
    return spec


@csrf_exempt  # authenticated by the provider's signature or the basic auth secret, never by a session
def tracking_view(request: HttpRequest, provider: str) -> HttpResponse:
    spec = _refusal(TRACKING, provider, "tracking")
    if isinstance(spec, HttpResponse):
        return spec
    return _answer(spec, request)


@csrf_exempt  # authenticated by the provider's signature or the basic auth secret, never by a session
def inbound_view(request: HttpRequest, provider: str, token: str = "") -> HttpResponse:
    spec = _refusal(PROVIDERS, provider, "inbound")
    if isinstance(spec, HttpResponse):
        return spec
    inbox = inbox_for_token(token) if token else None
    if token and inbox is None:
        return HttpResponse("Unknown inbox.\n", status=404, content_type="text/plain")
    refused = preload(request)  # mail-sized bodies: see webhook_body.py
    if refused is not None:
        return refused
    reset = _url_inbox.set(inbox.pk if inbox else None)
    try:
        return _answer(spec, request)
    finally:
        _url_inbox.reset(reset)


# Set by the receivers: an error after it is ours (storing failed: 500, the provider retries); an error before
# it is the payload's (anymail could not read what passed the checks: 400, retrying would not help).
_receiving: ContextVar[bool] = ContextVar("frontdesk_webhook_receiving", default=False)


def receiving() -> None:
    """Called by a webhook's signal receiver when it starts to act on an event."""
    _receiving.set(True)


def _answer(spec: Provider, request: HttpRequest) -> HttpResponse:
    reset = _receiving.set(False)
    try:
        return spec.view(request)
    except Exception:
        if _receiving.get():
            raise
        logger.warning("%s webhook: a %d-byte post could not be read", spec.source, len(request.body), exc_info=True)
        return HttpResponse("The payload could not be read.\n", status=400, content_type="text/plain")
    finally:
        _receiving.reset(reset)


# -- the receiver ----------------------------------------------------------------------------------------------


def _original_mime(esp_name: str, esp_event: Any) -> bytes | None:
    """The message exactly as the provider received it, when the payload carries it."""
    text: str | None = None
    if esp_name in ("Mailgun", "SendGrid"):  # esp_event is the Django request
        text = esp_event.POST.get("body-mime" if esp_name == "Mailgun" else "email")
    elif esp_name == "Postmark" and isinstance(esp_event, dict):
        text = esp_event.get("RawEmail")
    elif esp_name == "Amazon SES" and isinstance(esp_event, dict):
        action = esp_event.get("receipt", {}).get("action", {})
        content = esp_event.get("content")
        if action.get("type") == "SNS" and isinstance(content, str):
            if action.get("encoding") == "BASE64":
                try:
                    return base64.b64decode(content.encode("ascii"))
                except (binascii.Error, UnicodeEncodeError):
                    return None
            text = content
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) and text else None


def _envelope_recipients(esp_name: str, event: Any) -> list[str]:
    """Every envelope recipient the provider names (anymail keeps only the first)."""
    found: list[str] = []
    message = event.message
    if message.envelope_recipient:
        found.append(message.envelope_recipient)
    esp_event = event.esp_event
    if esp_name == "Amazon SES" and isinstance(esp_event, dict):
        found += [r for r in esp_event.get("receipt", {}).get("recipients", []) if isinstance(r, str)]
    elif esp_name == "SendGrid":
        with contextlib.suppress(ValueError, AttributeError):
            found += [r for r in json.loads(esp_event.POST.get("envelope", "{}")).get("to", []) if isinstance(r, str)]
    return list(dict.fromkeys(found))


def _header_recipients(message: Any) -> list[str]:
    addresses = [*(message.to or []), *(message.cc or [])]
    return [a.addr_spec for a in addresses if getattr(a, "addr_spec", "")]


def on_inbound(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail's `inbound` signal: keep the message for each inbox its recipients reach."""
    from frontdesk.inboxes.intake import receive_raw

    receiving()
    source = SOURCES.get(esp_name, esp_name.lower().replace(" ", "_"))
    message = event.message
    addresses = _envelope_recipients(esp_name, event) or _header_recipients(message)
    url_inbox = _url_inbox.get()
    routes = {"(url)": url_inbox} if url_inbox is not None else recipients.inbox_ids_for(addresses)
    if not routes:
        logger.warning(
            "inbound %s webhook: no inbox for the %d recipient(s) of event %s; accepted and dropped",
            source, len(addresses), event.event_id or "-",
        )
        return
    raw = _original_mime(esp_name, event.esp_event) or message.as_bytes()
    envelope = {
        "mail_from": message.envelope_sender or "",
        "rcpt_to": addresses,
        "provider": source,
        "provider_id": event.event_id or "",
    }
    inboxes = Inbox.objects.select_related("brand").in_bulk(list(set(routes.values())))
    for inbox_id in dict.fromkeys(routes.values()):
        inbox = inboxes.get(inbox_id)
        if inbox is not None:
            receive_raw(inbox, raw, source=source, envelope=envelope, provider_id=event.event_id or "")


inbound.connect(on_inbound, dispatch_uid="frontdesk-email-inbound")
