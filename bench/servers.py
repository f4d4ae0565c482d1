"""Start and stop the web servers under test (gunicorn, configured like `frontdesk serve`), and read their RSS."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def web_workers() -> int:
    """2 per core, as `frontdesk serve` starts by default."""
    return max(2, (os.cpu_count() or 1) * 2)


def threads_for(db: str) -> int:
    """Threads per worker, `frontdesk serve`'s default for that database (2 on SQLite, 4 on PostgreSQL)."""
    return 2 if db == "sqlite" else 4


THREADS = threads_for("sqlite")


def gunicorn_argv(python: Path, app: str, port: int, workers: int, threads: int, access_log: Path) -> list[str]:
    """The gunicorn command line `frontdesk serve` uses for its web process (frontdesk/core/management/commands/
    serve.py, kept in step by hand), for any WSGI application; the access log goes to a file, not stdout."""
    return [
        str(python), "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--preload",
        "--access-logfile", str(access_log),
        "--log-level", "warning",
        "--graceful-timeout", "10",
        "--max-requests", "20000",
        "--max-requests-jitter", "2000",
    ]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid)

    def worker_rss_mb(self) -> list[float]:
        """VmRSS of each web worker, in MiB."""
        return [rss for pid in self.worker_pids() if (rss := rss_mb(pid)) is not None]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return sorted(found)


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_ready(server: Server, workers: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.process.returncode}; see {server.log}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                if len(server.worker_pids()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not come up on port {server.port} within {timeout:.0f}s; see {server.log}")


@contextmanager
def serve(
    name: str, *, python: Path, app: str, port: int, env: dict[str, str], cwd: Path, log_dir: Path,
    workers: int | None = None, threads: int = THREADS,
) -> Iterator[Server]:
    """Run gunicorn serving `app` on 127.0.0.1:`port` for the duration of the block, then stop it."""
    workers = workers or web_workers()
    if not port_free(port):
        raise RuntimeError(f"port {port} is in use; stop whatever listens there (bench uses 8500-8599)")
    log = log_dir / f"{name}.log"
    argv = gunicorn_argv(python, app, port, workers, threads, log_dir / f"{name}.access.log")
    with log.open("ab") as out:
        out.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n".encode())
        out.flush()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, port, process, log)
    try:
        _wait_ready(server, workers, timeout=90)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
