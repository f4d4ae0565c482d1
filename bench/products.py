"""The two products under test, behind one interface: how to install, prepare, load, serve and browse each.

frontdesk runs from this checkout's interpreter (sys.executable); the peer, django-helpdesk 2.6.1, from its
own virtualenv under bench/.work/peer-venv, installed from PyPI on first use. Both are served by gunicorn
with the same options (bench/servers.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from bench import jobs, paths
from bench.client import Client, Response
from bench.databases import Target
from bench.load import Job

PEER_REQUIREMENTS = [
    "django-helpdesk==2.6.1",
    "Django==5.2.19",  # the Django frontdesk runs on
    "gunicorn==27.0.1",  # the same server version as frontdesk
    "psycopg[binary]==3.3.9",
]


@dataclass
class Page:
    """One page view as a person sees it: total time, SQL queries, requests made (a page and its XHRs)."""

    ms: float
    queries: int
    requests: int
    status: int
    server_ms: float = 0.0


def _page(*responses: Response) -> Page:
    bad = [r.status for r in responses if r.status != 200]
    return Page(
        ms=sum(r.ms for r in responses),
        queries=sum(r.queries or 0 for r in responses),
        requests=len(responses),
        status=bad[0] if bad else 200,
        server_ms=sum(float(r.headers.get("x-server-ms", "0")) for r in responses),
    )


class ProductError(RuntimeError):
    pass


def _run(argv: list[str], env: dict[str, str], what: str, timeout: float = 7200) -> str:
    """Run a helper process, showing its progress lines now and then, and return its stdout."""
    proc = subprocess.Popen(argv, env=env, cwd=paths.REPO_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, bufsize=1)
    out_lines: list[str] = []
    err_lines: list[str] = []
    shown = [0.0]
    lock = threading.Lock()

    def pump(stream: Any, into: list[str]) -> None:
        for raw in stream:
            line = raw.rstrip("\r\n")
            into.append(line)
            with lock:
                if line.strip() and time.monotonic() - shown[0] > 5:  # at most one progress line every 5 s
                    print(f"      {line[-150:]}", flush=True)
                    shown[0] = time.monotonic()

    readers = [threading.Thread(target=pump, args=(proc.stdout, out_lines), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err_lines), daemon=True)]
    for reader in readers:
        reader.start()
    code = proc.wait(timeout=timeout)
    for reader in readers:
        reader.join(timeout=10)
    if code != 0:
        tail = "\n".join([*err_lines[-25:], *out_lines[-5:]])
        raise ProductError(f"{what} failed (exit {code}):\n{tail}")
    return "\n".join(out_lines)


@dataclass
class Product:
    name: str
    label: str
    python: Path
    app: str
    port_base: int
    creds: dict[str, Any] = field(default_factory=dict)

    def env(self, target: Target) -> dict[str, str]:
        raise NotImplementedError

    def port(self, db: str) -> int:
        return self.port_base + (0 if db == "sqlite" else 1)


class Frontdesk(Product):
    def __init__(self) -> None:
        super().__init__("frontdesk", "frontdesk", Path(sys.executable), "frontdesk.config.wsgi:application", 8510)

    def env(self, target: Target) -> dict[str, str]:
        data_dir = paths.WORK / "frontdesk-data" / target.name
        data_dir.mkdir(parents=True, exist_ok=True)
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")},
            "DJANGO_SETTINGS_MODULE": "bench.frontdesk_settings",
            "PYTHONPATH": str(paths.REPO_DIR),
            "FRONTDESK_DATABASE_URL": target.url,
            "FRONTDESK_DATA_DIR": str(data_dir),
            "FRONTDESK_SECRET_KEY": "bench-not-secret-only-for-loopback-benchmarks",
            "FRONTDESK_DEBUG": "0",
            "FRONTDESK_LOG_LEVEL": "WARNING",
            # The limit stays on (every request is counted) but is set far above what the benchmark sends.
            "FRONTDESK_API_RATE_LIMIT_PER_MINUTE": "100000000",
        }

    def setup(self, target: Target, clients: int) -> dict[str, Any]:
        env = self.env(target)
        _run([str(self.python), "-m", "django", "migrate", "--no-input", "-v0"], env, "frontdesk migrate")
        out = _run([str(self.python), "-m", "bench.fd_setup", str(clients)], env, "frontdesk bench setup")
        self.creds = json.loads(out.strip().splitlines()[-1])
        return self.creds

    def create_jobs(self) -> list[tuple[str, Job]]:
        return [("REST API", jobs.FrontdeskApiCreate(self.creds["tokens"]))]

    def generate(self, path: Path, tickets: int, messages_per_ticket: int) -> None:
        """frontdesk's deterministic generator, numbered 1..N so both products share ticket numbers."""
        contacts = max(200, tickets // 5)
        _run([str(self.python), "-m", "frontdesk.demo.generate", "--tickets", str(tickets), "--messages",
              str(messages_per_ticket), "--contacts", str(contacts), "--numbered", "--seed", "42",
              "--out", str(path)], self.env_plain(), "frontdesk dataset generator")

    def _has_command(self, env: dict[str, str], name: str) -> bool:
        listing = _run([str(self.python), "-m", "django", "help", "--commands"], env, "frontdesk help")
        return name in listing.split()

    def env_plain(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(paths.REPO_DIR)}

    def load(self, target: Target, dataset: Path) -> dict[str, Any]:
        """Migrate, create the roster the generated file refers to, then time `frontdesk import FILE`."""
        env = self.env(target)
        _run([str(self.python), "-m", "django", "migrate", "--no-input", "-v0"], env, "frontdesk migrate")
        if self._has_command(env, "demo"):
            _run([str(self.python), "-m", "django", "demo", "--roster-only"], env, "frontdesk demo --roster-only")
        else:
            _run([str(self.python), "-m", "bench.fd_setup", "--roster"], env, "frontdesk roster")
        started = time.perf_counter()
        out = _run([str(self.python), "-m", "django", "import", str(dataset)], env, "frontdesk import")
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "summary": out.strip().splitlines()[-1] if out.strip() else "",
                "how": "frontdesk import (JSONL, its own bulk path)"}

    def login(self, client: Client) -> None:
        client.login("/login/", {"username": self.creds["email"], "password": self.creds["password"]})

    def list_page(self, client: Client) -> Page:
        return _page(client.get("/"))

    def ticket_page(self, client: Client, number: int) -> Page:
        return _page(client.get(f"/tickets/{number}/"))

    def search_page(self, client: Client, words: str) -> Page:
        return _page(client.get(f"/?q={quote_plus(words)}"))


DATATABLES_URL = re.compile(r'"url":\s*"([^"]*datatables_ticket_list/[^"]*)"')
# What DataTables sends for the first page of a server-side table (its default page length is the user's).
DATATABLES_PARAMS = "draw=1&start=0&length=25&search%5Bvalue%5D=&search%5Bregex%5D=false"


class Peer(Product):
    def __init__(self) -> None:
        super().__init__("peer", "django-helpdesk 2.6.1", paths.PEER_VENV / "bin" / "python",
                         "bench.peer.wsgi:application", 8520)

    def installed(self) -> bool:
        if not self.python.exists():
            return False
        probe = subprocess.run([str(self.python), "-c", "import helpdesk, gunicorn, psycopg; print('ok')"],
                               capture_output=True, text=True)
        return probe.returncode == 0

    def install(self) -> None:
        if self.installed():
            return
        print("  installing django-helpdesk 2.6.1 into bench/.work/peer-venv (from PyPI) ...", flush=True)
        if not self.python.exists():
            # The same interpreter frontdesk's virtualenv was made from, so both run the same Python.
            base = getattr(sys, "_base_executable", "") or "python3"
            subprocess.run([base, "-m", "venv", str(paths.PEER_VENV)], check=True)
        subprocess.run([str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        *PEER_REQUIREMENTS], check=True)

    def env(self, target: Target) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.peer.settings",
            "PYTHONPATH": str(paths.REPO_DIR),
            "BENCH_PEER_DATABASE_URL": target.url,
            "BENCH_QUERY_COUNT": "1",
            "BENCH_PEER_MEDIA_ROOT": str(paths.WORK / "peer-media" / target.name),
        }

    def setup(self, target: Target, clients: int) -> dict[str, Any]:
        out = _run([str(self.python), "-m", "bench.peer.load", "setup"], self.env(target), "peer setup")
        self.creds = json.loads(out.strip().splitlines()[-1])
        return self.creds

    def load(self, target: Target, dataset: Path) -> dict[str, Any]:
        out = _run([str(self.python), "-m", "bench.peer.load", "load", str(dataset)], self.env(target), "peer load")
        result = json.loads(out.strip().splitlines()[-1])
        self.creds = {k: result[k] for k in ("username", "password", "token", "queue_id")}
        return result

    def create_jobs(self) -> list[tuple[str, Job]]:
        return [
            ("public form", jobs.PeerFormCreate(self.creds["queue_id"])),
            ("REST API", jobs.PeerApiCreate(self.creds["token"], self.creds["queue_id"])),
        ]

    def login(self, client: Client) -> None:
        client.login("/login/", {"username": self.creds["username"], "password": self.creds["password"]})

    def _list(self, client: Client, path: str) -> Page:
        page = client.get(path)
        match = DATATABLES_URL.search(page.text)
        if page.status != 200 or match is None:
            return _page(page)
        return _page(page, client.get(f"{match.group(1)}?{DATATABLES_PARAMS}&_={int(time.time() * 1000)}"))

    def list_page(self, client: Client) -> Page:
        return self._list(client, "/tickets/")

    def ticket_page(self, client: Client, number: int) -> Page:
        return _page(client.get(f"/tickets/{number}/"))

    def search_page(self, client: Client, words: str) -> Page:
        return self._list(client, f"/tickets/?q={quote_plus(words)}")
