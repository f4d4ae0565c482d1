"""`frontdesk serve`: web (WSGI), realtime (WebSockets over ASGI), the background worker and the SMTP listener."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.core.processes import ProcessSpec, Supervisor, python_module


def default_threads() -> int:
    """Few threads per process on SQLite: a thread holding its write lock must win the GIL back from its siblings
    before it can commit, so more processes with fewer threads write faster. A database server's round trips
    leave the GIL free, so more threads hide them."""
    from django.db import connection

    return 2 if connection.vendor == "sqlite" else 4


def default_workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2)


class Command(BaseCommand):
    help = "Run frontdesk: web server, realtime server, background worker and mail listener, until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("FRONTDESK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("FRONTDESK_PORT", "8000")))
        parser.add_argument("--realtime-port", type=int, default=int(os.environ.get("FRONTDESK_REALTIME_PORT", "8001")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("FRONTDESK_WEB_WORKERS", "0") or 0),
            help="web worker processes (default: 2 per CPU core)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("FRONTDESK_WEB_THREADS", "0") or 0),
            help="threads per web worker (default: 2 on SQLite, 4 on PostgreSQL)",
        )
        parser.add_argument("--no-realtime", action="store_true", help="do not start the WebSocket server")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")
        parser.add_argument(
            "--no-smtp", action="store_true", help="do not start the SMTP listener (FRONTDESK_SMTP_HOST/PORT)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        self._check_ready()
        host, port = opts["host"], opts["port"]
        workers = opts["workers"] or default_workers()
        specs = [
            ProcessSpec(
                "web",
                python_module(
                    "gunicorn",
                    "frontdesk.config.wsgi:application",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(opts["threads"] or default_threads()),
                    "--worker-class",
                    "gthread",
                    "--preload",
                    "--access-logfile",
                    "-",
                    "--log-level",
                    "warning",
                    "--graceful-timeout",
                    "10",
                    "--max-requests",
                    "20000",
                    "--max-requests-jitter",
                    "2000",
                ),
            )
        ]
        if not opts["no_realtime"]:
            specs.append(
                ProcessSpec(
                    "realtime",
                    python_module(
                        "daphne", "-b", host, "-p", str(opts["realtime_port"]), "frontdesk.config.asgi:application"
                    ),
                )
            )
        if not opts["no_worker"]:
            specs.append(
                ProcessSpec("worker", python_module("django", "run_huey", "--workers", "2", "--worker-type", "thread"))
            )
        if not opts["no_smtp"]:
            specs.append(ProcessSpec("smtp", python_module("django", "smtpd")))
        self.stdout.write(self.style.SUCCESS(f"frontdesk is running on http://{host}:{port}/"))
        if not opts["no_smtp"]:
            self.stdout.write(f"  receiving mail on {settings.SMTP_HOST}:{settings.SMTP_PORT} (SMTP)")
        parts = ", ".join(s.name for s in specs)
        self.stdout.write(f"  processes: {parts} ({workers} web workers). Press Ctrl-C to stop.")
        code = Supervisor(specs, lambda line: self.stderr.write(line)).run()
        if code:
            raise CommandError("a process kept failing; see the messages above.")
        self.stdout.write("frontdesk stopped.")

    def _check_ready(self) -> None:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:  # a database that cannot be reached is reported plainly
            raise CommandError(f"cannot use the database {settings.DATABASES['default']['NAME']}: {exc}") from None
        if pending:
            raise CommandError(f"{len(pending)} database migration(s) pending: run `frontdesk migrate` first.")
