"""A real SMTP server for outbound tests: keeps what it receives, and answers with given errors when told to."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from frontdesk.testing.mail import candidate_ports, free_port

PORTS = range(2700, 2800)  # the range the outbound tests may use


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SinkHandler:
    """aiosmtpd handler: `refuse` holds SMTP answers ("451 4.3.0 Try later") given to the next mails instead of
    accepting them, one per mail."""

    received: list[Received] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 2.0.0 Queued"


@dataclass
class Sink:
    host: str
    port: int
    handler: SinkHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def refuse_next(self, *answers: str) -> None:
        self.handler.refuse.extend(answers)


def unused_port() -> int:
    """A port of the range where nothing listens (a connection to it is refused)."""
    return free_port(PORTS)


@contextmanager
def smtp_sink() -> Iterator[Sink]:
    """An aiosmtpd server in a thread on 127.0.0.1, on a free port of 2700-2799."""
    from aiosmtpd.controller import Controller

    handler = SinkHandler()
    last: Exception | None = None
    for port in candidate_ports(PORTS)[:20]:
        controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=5)
        try:
            controller.start()
        except Exception as exc:  # the port was taken between choosing and binding
            last = exc
            continue
        try:
            yield Sink("127.0.0.1", port, handler)
        finally:
            controller.stop()
        return
    raise RuntimeError(f"no SMTP sink could start: {last}")
