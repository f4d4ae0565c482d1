"""The SMTP listener: mail for the support addresses, stored before it is acknowledged.

Built on aiosmtpd. RCPT TO is accepted only for addresses that reach an active email inbox (see
`recipients.py`), others get `550 5.1.1`. Mail over the size limit gets `552 5.3.4`, at MAIL FROM when the client
announces its SIZE and otherwise when DATA passes the limit. At the end of DATA the message is queued for the
storing threads (`batching.GroupCommit`: Django's ORM is synchronous; the event loop keeps serving other
sessions), which store it once per inbox among the recipients, together with the other messages that arrived
meanwhile (one commit for several: a group commit), and `250` is answered only after that COMMIT. When storing
fails the answer is `451 4.3.0`: the client keeps the mail and tries again later, and what was stored for some
of the inboxes is not stored twice (`receive_raw` recognises a payload it already has).

No `Received:` header is added: the bytes are kept exactly as sent, so that a client retrying a mail without a
Message-ID sends the same bytes and is recognised; the envelope (sender, recipients, peer, HELO) is kept with
the intake instead.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import socket
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AnyStr, TypeVar

from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from frontdesk.inboxes.adapters.email import recipients
from frontdesk.inboxes.batching import GroupCommit, NoActiveInbox

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_RECIPIENTS = 100
TOO_BIG = "552 5.3.4 Message size exceeds the fixed maximum message size"
UNKNOWN_RECIPIENT = "550 5.1.1 <{}>: no such mailbox here"
TRY_AGAIN = "451 4.3.0 The message could not be stored; please try again later"


def _in_django_thread(fn: Callable[..., T], *args: Any) -> T:
    # The same rule as a request: drop connections that broke or grew too old before and after the work.
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


class IntakeHandler:
    """aiosmtpd hooks: recipient check at RCPT TO, storage at the end of DATA."""

    def __init__(self, *, threads: int, batch: int = 16):
        self.storing = GroupCommit(threads=threads, max_batch=batch)
        # Recipient lookups (when the cached directory cannot answer): reads, on a thread of their own.
        self.lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtp-lookup")

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.lookups, functools.partial(_in_django_thread, fn, *args))

    async def _inbox_id_for(self, address: str) -> int | None:
        directory = recipients.cached_directory()
        if directory is not None:
            found = directory.resolve(address)
            if found is not None or directory.age() <= recipients.MISS_MAX_AGE_S:
                return found
        return await self._run(recipients.inbox_id_for, address)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname  # what aiosmtpd does itself when no handler hooks EHLO
        # Commands sent ahead (RFC 2920) are read and answered in order: a sending server saves its round trips.
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        try:
            inbox_id = await self._inbox_id_for(address)
        except Exception:
            logger.exception("smtp: could not look up a recipient")
            return "451 4.3.0 Recipient lookup failed; please try again later"
        if inbox_id is None:
            logger.info("smtp: rejected an unknown recipient from %s", _peer(session))
            return UNKNOWN_RECIPIENT.format(address)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        routes: dict[str, int] = getattr(envelope, "frontdesk_inboxes", {})
        routes[address] = inbox_id
        envelope.frontdesk_inboxes = routes  # type: ignore[attr-defined]
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # only with decode_data, which this listener never sets
            raw = raw.encode("utf-8", "surrogateescape")
        routes: dict[str, int] = getattr(envelope, "frontdesk_inboxes", {})
        inbox_ids = list(dict.fromkeys(routes.values()))
        meta = {
            "mail_from": _text(envelope.mail_from or ""),
            "rcpt_to": [_text(r) for r in envelope.rcpt_tos],
            "peer": _peer(session),
            "helo": _text(session.host_name or "")[:255],
        }
        try:
            results = await asyncio.wrap_future(self.storing.submit(inbox_ids, raw, source="smtp", envelope=meta))
        except NoActiveInbox:
            recipients.forget()  # the directory named an inbox that is gone: read it again
            logger.warning("smtp: every inbox of a message from %s was removed meanwhile", _peer(session))
            return TRY_AGAIN
        except Exception:
            logger.exception("smtp: could not store a %d-byte message from %s", len(raw), _peer(session))
            return TRY_AGAIN
        ids = ",".join(str(r.intake.pk) for r in results)
        logger.debug("smtp: stored %d bytes from %s as intake %s", len(raw), _peer(session), ids)
        # The reference is the content's hash: intake ids would tell any sender how much mail arrives.
        return f"250 2.0.0 OK: stored as {results[0].intake.sha256[:16]}"

    def close(self) -> None:
        """Let the storing finish (every queued message is stored and answered), then close the connections."""
        self.storing.close()
        self.lookups.submit(connections.close_all).result()
        self.lookups.shutdown(wait=True)


def _text(value: str) -> str:
    """A command argument as storable text: bytes that were no UTF-8 (kept by aiosmtpd as lone surrogates, which
    PostgreSQL's JSON refuses) become U+FFFD."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _peer(session: Session) -> str:
    peer = session.peer
    if isinstance(peer, tuple | list) and peer:
        return str(peer[0])
    return str(peer or "")


class _Smtp(SMTP):
    """aiosmtpd's server with standard enhanced status codes for oversized mail and long lines allowed."""

    # RFC 5321 limits lines to 1000 octets, but real senders write longer ones; the size limit still applies.
    line_length_limit = 1 << 20

    def __init__(self, handler: Any, *, data_size_limit: int, **options: Any) -> None:
        # A script that sends a mail with bare LF line ends sends one "line" as long as the mail (SMTP lines end
        # in CRLF): allowed up to the size limit, so that such a mail is read rather than refused.
        self.line_length_limit = max(type(self).line_length_limit, data_size_limit + 1024)
        super().__init__(handler, data_size_limit=data_size_limit, **options)

    async def push(self, status: AnyStr) -> None:
        if isinstance(status, str):
            if status.startswith("552 Error"):
                status = TOO_BIG  # type: ignore[assignment]
            # An answer quoting what the client sent may hold bytes that were no UTF-8: escaped, never a crash.
            status = status.encode("utf-8" if self.enable_SMTPUTF8 else "ascii", "backslashreplace")  # type: ignore[assignment]
        await super().push(status)


def tls_context_from_settings() -> ssl.SSLContext | None:
    cert, key = settings.SMTP_TLS_CERT, settings.SMTP_TLS_KEY
    if not cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key or None)
    return context


def default_threads() -> int:
    """SQLite has one writer and the GIL one runner: a second storing thread only waits, and makes the first wait
    for the GIL while it holds the write lock. A database server's round trips leave room for more."""
    from django.db import connection

    return 1 if connection.vendor == "sqlite" else 4


class SmtpListener:
    """Serves SMTP on host:port until stopped: in the foreground (`run`) or in a thread (`start`/`stop`)."""

    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        max_bytes: int | None = None,
        threads: int | None = None,
        hostname: str | None = None,
        tls_context: ssl.SSLContext | None = None,
        reuse_port: bool = False,
    ):
        self.host = host if host is not None else settings.SMTP_HOST
        self.port = port if port is not None else settings.SMTP_PORT
        self.max_bytes = max_bytes if max_bytes is not None else settings.EMAIL_MAX_BYTES
        self.threads = threads if threads is not None else (settings.SMTP_THREADS or default_threads())
        self.batch = settings.SMTP_BATCH
        self.reuse_port = reuse_port
        self.hostname = hostname or settings.SMTP_HOSTNAME or socket.gethostname()
        self.tls_context = tls_context if tls_context is not None else tls_context_from_settings()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _server(self, handler: IntakeHandler, loop: asyncio.AbstractEventLoop) -> SMTP:
        return _Smtp(
            handler,
            data_size_limit=self.max_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=self.hostname,
            ident="frontdesk",
            tls_context=self.tls_context,
            loop=loop,
        )

    async def _main(self, *, handle_signals: bool) -> None:
        loop = asyncio.get_running_loop()
        self._loop, self._stop = loop, asyncio.Event()
        handler = IntakeHandler(threads=self.threads, batch=self.batch)
        try:
            server = await loop.create_server(
                lambda: self._server(handler, loop), self.host, self.port, reuse_address=True, backlog=512,
                reuse_port=self.reuse_port or None,
            )
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            handler.close()
            raise
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._stop.set)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        logger.info("smtp: listening on %s:%s (limit %d bytes)", self.host, self.port, self.max_bytes)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            server.close()  # no new sessions
            # Messages being stored finish (and commit) and get their answer; open sessions are then dropped.
            await loop.run_in_executor(None, handler.close)
            await asyncio.sleep(0.2)
            logger.info("smtp: stopped")

    def run(self) -> None:
        """Serve in the foreground until SIGTERM or SIGINT."""
        asyncio.run(self._main(handle_signals=True))

    def start(self, timeout: float = 10.0) -> None:
        """Serve in a background thread; returns once the port is listening."""
        self._thread = threading.Thread(target=self._run_in_thread, name="smtp-listener", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the SMTP listener did not start in time")
        if self._error is not None:
            raise self._error

    def _run_in_thread(self) -> None:
        try:
            asyncio.run(self._main(handle_signals=False))
        except BaseException as exc:  # reported by start(); nothing else waits for this thread
            self._error = exc
            self._ready.set()

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
