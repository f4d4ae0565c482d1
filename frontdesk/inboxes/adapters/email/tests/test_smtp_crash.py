"""Reliability: `frontdesk smtpd` killed with SIGKILL in the middle of a stream of 2,000 mails.

The listener runs as a real process on a database file of its own (or a PostgreSQL database of its own when
the suite runs on PostgreSQL). Four clients stream the mails as sending servers do: a mail that was not
acknowledged with 250 is sent again on a new connection. The server is killed twice mid-stream and started
again. Afterwards every mail is stored, and exactly once: one intake and one message per Message-ID.
"""

from __future__ import annotations

import contextlib
import os
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from frontdesk.testing.mail import free_port

pytestmark = pytest.mark.slow
MAILS = 2_000
CLIENTS = 4
KILL_AT = (450, 1200)  # acknowledged mails after which the server is killed
DEADLINE_S = 150.0
DOMAIN = "crash.test"
STORED = "SELECT dedup_key FROM inboxes_intake"


def _frontdesk() -> list[str]:
    script = Path(sys.executable).with_name("frontdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "django"]


@dataclass
class Database:
    url: str
    drop: Any = None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as conn:
                return list(conn.execute(sql).fetchall())
        import psycopg

        with psycopg.connect(self.url) as conn:
            return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    url = os.environ.get("FRONTDESK_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield Database(f"sqlite:///{tmp_path / 'frontdesk.sqlite3'}")
        return
    import psycopg

    # A database of its own on the suite's server, dropped afterwards.
    name = f"frontdesk_smtp_crash_{uuid.uuid4().hex[:10]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    yield Database(f"{base}/{name}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.fixture
def environment(tmp_path, database) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings",
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_MEDIA_ROOT": str(tmp_path / "data" / "media"),
        "FRONTDESK_DATABASE_URL": database.url,
        "FRONTDESK_TASKS_IMMEDIATE": "0",  # as served: follow-up jobs wait in the queue
        "FRONTDESK_LOG_LEVEL": "WARNING",
        "FRONTDESK_SMTP_THREADS": "4",
    }
    env.pop("FRONTDESK_TEST_DB_NAME", None)
    run = {"env": env, "capture_output": True, "text": True, "timeout": 120}
    migrated = subprocess.run([*_frontdesk(), "migrate", "--no-input", "-v0"], **run)  # type: ignore[call-overload]
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    setup = (
        "from frontdesk.core.models import Brand; from frontdesk.inboxes.models import Inbox; "
        "b = Brand.objects.create(name='Acme', slug='acme', support_email='support@acme.test'); "
        "Inbox.objects.create(brand=b, name='Acme support', channel_kind='email', address='support@acme.test')"
    )
    made = subprocess.run([*_frontdesk(), "shell", "-c", setup], **run)  # type: ignore[call-overload]
    assert made.returncode == 0, made.stderr[-3000:]
    return env


class Server:
    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start_first(self) -> None:
        # The port was free when chosen; should another process take it meanwhile, choose again.
        for _ in range(5):
            try:
                return self.start()
            except AssertionError:
                self.port = free_port()
        self.start()

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*_frontdesk(), "smtpd", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(100).startswith(b"220"):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the listener did not start: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def mails() -> list[tuple[str, bytes]]:
    """(Message-ID, raw bytes): plain and multipart mails from 40 senders; a small attachment in one of ten."""
    out = []
    for n in range(MAILS):
        message = EmailMessage()
        message["From"] = f"Customer {n % 40} <customer{n % 40}@example.test>"
        message["To"] = "support@acme.test"
        message["Subject"] = f"Order {10_000 + n}: where is it?"
        message_id = f"mail-{n}@{DOMAIN}"
        message["Message-ID"] = f"<{message_id}>"
        message.set_content(f"Hello,\n\nmy order {10_000 + n} has not arrived. Can you help?\n\nRegards\n")
        if n % 3 == 0:
            html = f"<p>Hello,</p><p>my order <b>{10_000 + n}</b> has not arrived.</p>"
            message.add_alternative(html, subtype="html")
        if n % 10 == 0:
            message.add_attachment(b"%PDF-1.4 receipt " * 40, maintype="application", subtype="pdf", filename="r.pdf")
        out.append((message_id, message.as_bytes().replace(b"\n", b"\r\n")))
    return out


@dataclass
class Stream:
    """Clients that send every mail until it is acknowledged, reconnecting after any failure."""

    port: int
    items: list[tuple[str, bytes]]
    acknowledged: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    retries: int = 0
    resent: set[str] = field(default_factory=set)  # mails whose first attempt got no answer
    lock: threading.Lock = field(default_factory=threading.Lock)
    _next: int = 0

    def _take(self) -> tuple[str, bytes] | None:
        with self.lock:
            if self._next >= len(self.items):
                return None
            item = self.items[self._next]
            self._next += 1
            return item

    def client(self, deadline: float) -> None:
        connection: smtplib.SMTP | None = None
        item = self._take()
        while item is not None and time.monotonic() < deadline:
            message_id, raw = item
            try:
                if connection is None:
                    connection = smtplib.SMTP("127.0.0.1", self.port, timeout=20)
                connection.sendmail("sender@example.test", ["support@acme.test"], raw)
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code < 500:  # try again later, like a sending server's queue
                    self.resent.add(message_id)
                    self._drop(connection)
                    connection = None
                    continue
                with self.lock:
                    self.refused.append(f"{message_id}: {exc.smtp_code} {exc.smtp_error!r}")
            except (OSError, smtplib.SMTPException):  # refused, reset, disconnected mid-session: not acknowledged
                self.resent.add(message_id)
                self._drop(connection)
                connection = None
                continue
            else:
                with self.lock:
                    self.acknowledged.add(message_id)
            item = self._take()
        self._drop(connection)

    def _drop(self, connection: smtplib.SMTP | None) -> None:
        with self.lock:
            self.retries += 1
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()
        time.sleep(0.02)


def test_a_killed_listener_loses_and_duplicates_nothing(environment, database, tmp_path):
    # Given the listener running as its own process, and 2,000 mails to send
    server = Server(environment, tmp_path / "smtpd.log")
    server.start_first()
    items = mails()
    stream = Stream(server.port, items)
    deadline = time.monotonic() + DEADLINE_S
    clients = [threading.Thread(target=stream.client, args=(deadline,), daemon=True) for _ in range(CLIENTS)]
    committed_unacknowledged = 0
    try:
        for client in clients:
            client.start()

        # When it is killed twice in the middle of the stream (SIGKILL: no clean-up) and started again
        for threshold in KILL_AT:
            while len(stream.acknowledged) < threshold and time.monotonic() < deadline:
                time.sleep(0.01)
            server.kill()
            time.sleep(0.3)  # clients find the port closed meanwhile, and read what answers were on the way
            # Mails the dead server had committed but not acknowledged: their resending must be recognised.
            stored = {k.removeprefix("mid:").split("\n")[0] for (k,) in database.query(STORED)}
            with stream.lock:
                committed_unacknowledged += len(stored - stream.acknowledged)
            server.start()
        for client in clients:
            client.join(max(1.0, deadline - time.monotonic()))
    finally:
        server.stop()

    print(f"smtp crash test: {len(stream.acknowledged)} acknowledged, {stream.retries} reconnections, "
          f"{len(stream.resent)} mails sent again after a failure, {committed_unacknowledged} of them stored "
          "before the kill")

    # Then every mail was acknowledged in the end (the clients retried what was not)
    assert not stream.refused, stream.refused[:5]
    assert len(stream.acknowledged) == MAILS, f"{len(stream.acknowledged)} acknowledged before the deadline"
    assert stream.retries >= 2  # the kills did interrupt the stream

    # And each is stored exactly once: one intake and one message per Message-ID, nothing else
    intakes = database.query("SELECT dedup_key, status FROM inboxes_intake")
    per_mail: dict[str, int] = {}
    for key, _status in intakes:
        message_id = key.removeprefix("mid:").split("\n")[0]
        per_mail[message_id] = per_mail.get(message_id, 0) + 1
    assert len(intakes) == MAILS and set(per_mail) == {m for m, _ in items}
    assert max(per_mail.values()) == 1
    assert {status for _, status in intakes} == {"done"}
    messages = database.query(f"SELECT external_id, count(*) FROM tickets_message WHERE external_id LIKE '%@{DOMAIN}' AND direction = 'inbound' GROUP BY external_id")  # noqa: E501
    assert len(messages) == MAILS and {count for _, count in messages} == {1}
