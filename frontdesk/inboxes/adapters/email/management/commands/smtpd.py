"""`frontdesk smtpd`: receive mail for the support addresses over SMTP (started by `frontdesk serve`)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from frontdesk.inboxes.adapters.email.smtpd import SmtpListener

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this child when its parent dies (even by SIGKILL), so no orphan keeps the port."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's signal handler still stops the children
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class Command(BaseCommand):
    help = "Receive mail over SMTP for the configured support addresses and domains, until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SMTP_HOST, help="address to listen on (FRONTDESK_SMTP_HOST)")
        parser.add_argument(
            "--port", type=int, default=settings.SMTP_PORT, help="port to listen on (FRONTDESK_SMTP_PORT)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=settings.SMTP_PROCESSES,
            help="listener processes sharing the port (FRONTDESK_SMTP_PROCESSES; default one per CPU core)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        processes = opts["processes"] or os.cpu_count() or 1
        host, port = opts["host"], opts["port"]
        self.stdout.write(f"Receiving mail on {host}:{port} ({processes} processes). Press Ctrl-C to stop.")
        self.stdout.flush()
        if processes == 1:
            self._listen(host, port, reuse_port=False)
            return
        # Parsing and preparing a mail take most of its time and run outside the database's write lock, so
        # listeners on every core (the kernel spreads connections over them with SO_REUSEPORT) add up.
        self._check_free(host, port)  # a taken port is told plainly here, not by every child
        connections.close_all()  # no connection may be shared by the forked children
        children = []
        parent = os.getpid()
        for _ in range(processes):
            pid = os.fork()
            if pid == 0:
                _die_with_parent(parent)
                code = 0
                try:
                    self._listen(host, port, reuse_port=True)
                except CommandError as exc:
                    self.stderr.write(str(exc))
                    code = 1
                finally:
                    os._exit(code)
            children.append(pid)
        self._wait(children)

    def _check_free(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

    def _listen(self, host: str, port: int, *, reuse_port: bool) -> None:
        listener = SmtpListener(host, port, reuse_port=reuse_port)
        try:
            listener.run()
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

    def _wait(self, children: list[int]) -> None:
        def forward(signum: int, _frame: Any) -> None:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        failed = False
        for _ in children:
            _pid, status = os.wait()
            if os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM, -signal.SIGINT):
                failed = True
                forward(signal.SIGTERM, None)  # one listener down: stop all, the supervisor starts them again
        sys.exit(1 if failed else 0)
