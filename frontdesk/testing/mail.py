"""Mail transports in tests: free ports in the mail tests' range and an SMTP listener running in a thread."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PORTS = range(2600, 2700)  # the range the mail transport tests may use


def candidate_ports(ports: range = PORTS) -> list[int]:
    shuffled = list(ports)
    random.shuffle(shuffled)  # two test workers rarely try the same port at the same time
    return shuffled


def free_port(ports: range = PORTS) -> int:
    """A port of the range nobody listens on now (it may be taken again before it is used: retry then)."""
    for port in candidate_ports(ports):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


@contextmanager
def smtp_listener(**options: Any) -> Iterator[Any]:
    """The real SMTP listener in a thread of this process, on a free port of the range."""
    from frontdesk.inboxes.adapters.email import recipients
    from frontdesk.inboxes.adapters.email.smtpd import SmtpListener

    recipients.forget()  # test databases are emptied between tests without telling the directory
    last_error: OSError | None = None
    for port in candidate_ports()[:20]:
        listener = SmtpListener("127.0.0.1", port, hostname="mx.frontdesk.test", **options)
        try:
            listener.start()
        except OSError as exc:
            last_error = exc
            continue
        try:
            yield listener
        finally:
            listener.stop()
            recipients.forget()
        return
    raise RuntimeError(f"the SMTP listener found no free port: {last_error}")


def self_signed_certificate(folder: Any, name: str = "localhost") -> tuple[str, str]:
    """A certificate for `name` and 127.0.0.1 with its key, as PEM files in `folder`: (cert path, key path)."""
    import datetime as dt
    import ipaddress
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = Path(folder)
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)
