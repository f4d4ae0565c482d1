"""The email benchmark: inbound mails per second over SMTP with concurrent clients, and the pipeline alone.

Over SMTP, `frontdesk smtpd` (the listener `frontdesk serve` runs) receives the same pre-made mails from
`clients` processes, each on one SMTP connection sending one mail after another; a mail counts when its `250`
came back, that is once it is committed. The same clients first send the mails to an SMTP sink that stores
nothing (aiosmtpd answering 250 at once, in one process): that is the machine's limit for SMTP itself, and the
ratio shows what storing costs on top. The pipeline alone is `receive_raw` called in one process on the same
mails, with the time spent parsing them (the adapter's `parse_inbound`) measured apart from the rest.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import pickle
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import databases, paths
from bench.products import Frontdesk

SUPPORT = "support@bench.test"
SINK_PORT = 8540
LISTENER_PORT = 8541


def mails_file(count: int) -> Path:
    path = paths.DATASETS / f"mails-{count}.pickle"
    if not path.exists():
        from bench.mails import MailMaker

        maker = MailMaker(SUPPORT)
        path.write_bytes(pickle.dumps([maker.make(n) for n in range(count)]))
    return path


def _sender(raw: bytes) -> str:
    head = raw.split(b"\n", 1)[0].decode("ascii", "replace")
    return head.split("<", 1)[-1].rstrip(">\r ") if head.startswith("From:") else "customer@example.net"


def _client(index: int, clients: int, port: int, path: str, ready: Any, out: Any) -> None:
    mails = pickle.loads(Path(path).read_bytes())[index::clients]
    ready.wait(timeout=120)
    ok = failed = 0
    started = time.monotonic()
    smtp: smtplib.SMTP | None = None
    for raw in mails:
        try:
            if smtp is None:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=60)
            smtp.sendmail(_sender(raw), [SUPPORT], raw)
            ok += 1
        except (smtplib.SMTPException, OSError):
            failed += 1
            smtp = None
    if smtp is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
    out.put((ok, failed, time.monotonic() - started))


def send_all(port: int, path: Path, clients: int) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    ready = ctx.Barrier(clients + 1)
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_client, args=(i, clients, port, str(path), ready, out), daemon=True)
             for i in range(clients)]
    for proc in procs:
        proc.start()
    ready.wait(timeout=120)
    began = time.monotonic()
    ok = failed = 0
    for _ in procs:
        a, b, _seconds = out.get(timeout=1800)
        ok, failed = ok + a, failed + b
    seconds = time.monotonic() - began
    for proc in procs:
        proc.join(timeout=30)
    return {"ok": ok, "failed": failed, "seconds": seconds, "per_second": ok / seconds if seconds else 0.0}


def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:g} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def run(db: str, *, count: int, clients: int, log: Any) -> dict[str, Any]:
    """Measure one database: the SMTP sink, frontdesk over SMTP, then the pipeline alone."""
    frontdesk = Frontdesk()
    path = mails_file(count)
    results: dict[str, Any] = {"mails": count, "clients": clients}

    log(f"[{db}] email: SMTP sink (stores nothing), {clients} clients, {count:,} mails ...")
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(SINK_PORT)], cwd=paths.REPO_DIR)
    try:
        _wait_port(SINK_PORT, sink)
        results["sink"] = send_all(SINK_PORT, path, clients)
    finally:
        _stop(sink)
    log(f"    {results['sink']['per_second']:8.1f} mails/s")

    target = databases.target(db, "frontdesk", "mail")
    target.create()
    env = frontdesk.env(target)
    subprocess.run([str(frontdesk.python), "-m", "django", "migrate", "--no-input", "-v0"], env=env, check=True,
                   cwd=paths.REPO_DIR)
    subprocess.run([str(frontdesk.python), "-m", "bench.fd_mail", "setup", SUPPORT], env=env, check=True,
                   cwd=paths.REPO_DIR)
    log(f"[{db}] email: frontdesk smtpd, {clients} clients, {count:,} mails ...")
    logfile = (paths.LOGS / f"frontdesk-{db}-smtpd.log").open("ab")
    listener = subprocess.Popen(
        [str(frontdesk.python), "-m", "django", "smtpd", "--host", "127.0.0.1", "--port", str(LISTENER_PORT)],
        env=env, cwd=paths.REPO_DIR, stdout=logfile, stderr=subprocess.STDOUT,
    )
    try:
        _wait_port(LISTENER_PORT, listener)
        results["smtp"] = send_all(LISTENER_PORT, path, clients)
    finally:
        _stop(listener)
        logfile.close()
    stored = subprocess.run([str(frontdesk.python), "-m", "bench.fd_mail", "count"], env=env, check=True,
                            cwd=paths.REPO_DIR, capture_output=True, text=True)
    results["smtp"]["stored"] = json.loads(stored.stdout.strip().splitlines()[-1])
    log(f"    {results['smtp']['per_second']:8.1f} mails/s   ({results['smtp']['ok']:,} acknowledged, "
        f"{results['smtp']['failed']} failed; stored: {results['smtp']['stored']})")

    target.create()  # empty again: the pipeline alone starts from the same state
    subprocess.run([str(frontdesk.python), "-m", "django", "migrate", "--no-input", "-v0"], env=env, check=True,
                   cwd=paths.REPO_DIR)
    subprocess.run([str(frontdesk.python), "-m", "bench.fd_mail", "setup", SUPPORT], env=env, check=True,
                   cwd=paths.REPO_DIR)
    log(f"[{db}] email: the pipeline alone (receive_raw in one process), {count:,} mails ...")
    alone = subprocess.run([str(frontdesk.python), "-m", "bench.fd_mail", "pipeline", str(path)], env=env,
                           check=True, cwd=paths.REPO_DIR, capture_output=True, text=True)
    results["pipeline"] = json.loads(alone.stdout.strip().splitlines()[-1])
    p = results["pipeline"]
    log(f"    {p['per_second']:8.1f} mails/s   parsing {p['parse_share'] * 100:.0f}% of the time "
        f"({p['parse_ms']:.2f} ms per mail), storing {100 - p['parse_share'] * 100:.0f}%")
    return results
