"""Amazon SNS message signatures: Amazon SES posts received mail through an SNS topic, and SNS signs each post.

A post is accepted only when its signature verifies against the certificate it names, and that certificate is
served over HTTPS by Amazon SNS itself (`https://sns.<region>.amazonaws.com/....pem`): anyone can sign with a
certificate of their own, so where it comes from is what makes the signature mean something. Signature version
1 is RSA with SHA-1, version 2 RSA with SHA-256, over the fields SNS names for each message type. A valid
signature only proves that SNS sent the post, and anyone can point a topic of theirs at this URL: the topics
allowed (FRONTDESK_SES_TOPIC_ARNS) or the basic auth secret say that it is ours.

Certificates are fetched once per process and URL (they change rarely, and a new one has a new URL).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import re
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings

logger = logging.getLogger(__name__)

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SUBSCRIPTION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
SNS_CERT_URL = re.compile(r"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[^?#]+\.pem$")
MAX_CERT_BYTES = 64 * 1024
FETCH_TIMEOUT_S = 5

_certificates: dict[str, x509.Certificate] = {}
_lock = threading.Lock()


class Refused(Exception):
    """The post is not a correctly signed SNS message from an allowed topic; the message says why."""


def verify(body: bytes) -> dict[str, Any]:
    """The SNS message in `body` once its signature, certificate and topic are checked; Refused otherwise."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused("The body is not JSON.") from exc
    if not isinstance(message, dict):
        raise Refused("The body is not an SNS message.")
    kind = message.get("Type")
    fields: tuple[str, ...]
    if kind == "Notification":
        fields = NOTIFICATION_FIELDS
    elif kind in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
        fields = SUBSCRIPTION_FIELDS
    else:
        raise Refused("Unknown SNS message type.")
    _check_topic(message.get("TopicArn"))
    digest = {"1": hashes.SHA1(), "2": hashes.SHA256()}.get(str(message.get("SignatureVersion")))
    if digest is None:
        raise Refused("Unknown SNS signature version.")
    try:
        signature = base64.b64decode(str(message.get("Signature") or ""), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused("The signature is not base64.") from exc
    key = certificate(str(message.get("SigningCertURL") or "")).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise Refused("The signing certificate holds no RSA key.")
    try:
        key.verify(signature, canonical(message, fields), padding.PKCS1v15(), digest)
    except InvalidSignature as exc:
        raise Refused("The SNS signature does not match.") from exc
    return message


def canonical(message: dict[str, Any], fields: tuple[str, ...]) -> bytes:
    """What SNS signs: each field present, as its name and value on lines of their own, in this order."""
    lines = []
    for name in fields:
        value = message.get(name)
        if value is None:
            if name == "Subject":  # the only optional one
                continue
            raise Refused(f"The SNS message has no {name}.")
        lines.append(f"{name}\n{value}\n")
    return "".join(lines).encode("utf-8")


def _check_topic(topic: Any) -> None:
    allowed = settings.SES_TOPIC_ARNS
    if allowed and topic not in allowed:
        raise Refused("The SNS topic is not one of FRONTDESK_SES_TOPIC_ARNS.")


def certificate(url: str) -> x509.Certificate:
    """The signing certificate at `url`, which must be Amazon SNS's own; fetched once per process."""
    if not re.match(settings.SNS_CERT_URL_PATTERN or SNS_CERT_URL.pattern, url) or urlsplit(url).username:
        raise Refused("The signing certificate is not served by Amazon SNS.")
    with _lock:
        found = _certificates.get(url)
    if found is None:
        found = _fetch(url)
        with _lock:
            _certificates[url] = found
    now = dt.datetime.now(dt.UTC)
    if not found.not_valid_before_utc <= now <= found.not_valid_after_utc:
        raise Refused("The signing certificate is not valid now.")
    return found


def _fetch(url: str) -> x509.Certificate:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:
            pem = response.read(MAX_CERT_BYTES + 1)
    except OSError as exc:
        logger.warning("sns: could not fetch the signing certificate %s: %s", url, exc)
        raise Refused("The signing certificate could not be fetched.") from exc
    if len(pem) > MAX_CERT_BYTES:
        raise Refused("The signing certificate is too big.")
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise Refused("The signing certificate cannot be read.") from exc


def forget() -> None:
    """Drop the fetched certificates (tests)."""
    with _lock:
        _certificates.clear()
