"""A local stand-in for Amazon SNS's signing: an RSA certificate served over HTTP on loopback, and messages signed
with it the way SNS signs them (the fields of the message type, SHA-1 for version 1, SHA-256 for version 2)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from frontdesk.inboxes.adapters.email.sns import NOTIFICATION_FIELDS, SUBSCRIPTION_FIELDS, canonical

CERT_PATH = "/SimpleNotificationService-0000000000000000000000.pem"
URL_PATTERN = r"^http://127\.0\.0\.1:\d+/[^?#]+\.pem$"  # what tests allow instead of Amazon's hosts


class FakeSns:
    def __init__(self, url: str, key: rsa.RSAPrivateKey):
        self.cert_url = url + CERT_PATH
        self.key = key

    def sign(self, message: dict[str, Any], *, version: str = "1", key: rsa.RSAPrivateKey | None = None) -> dict:
        fields = NOTIFICATION_FIELDS if message.get("Type") == "Notification" else SUBSCRIPTION_FIELDS
        signed = {**message, "SignatureVersion": version, "SigningCertURL": self.cert_url}
        digest = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = (key or self.key).sign(canonical(signed, fields), padding.PKCS1v15(), digest)
        signed["Signature"] = base64.b64encode(signature).decode()
        return signed


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.test.amazonaws.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@functools.cache
def _signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)  # made once: it takes a while


@functools.cache
def other_key() -> rsa.RSAPrivateKey:
    """A key that is not the fake's, to sign what must be refused."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@contextmanager
def fake_sns() -> Iterator[FakeSns]:
    """A certificate server on a free loopback port while the block runs."""
    key = _signing_key()
    pem = _certificate(key)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == CERT_PATH
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/x-pem-file")
            self.end_headers()
            if found:
                self.wfile.write(pem)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield FakeSns(f"http://127.0.0.1:{server.server_port}", key)
    finally:
        server.shutdown()
        server.server_close()
