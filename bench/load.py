"""The concurrent HTTP load driver: N client processes, each one keep-alive connection, for a fixed time.

Each client process signs in or fetches what it needs (`Job.setup`), waits for the others, then sends
requests back to back. Requests that start after the warm-up and finish before the end are counted.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from bench.client import Client, Response
from bench.stats import Summary


class Job(Protocol):
    """One kind of request a client sends over and over (picklable: it crosses into the client processes)."""

    def setup(self, client: Client) -> None: ...

    def send(self, client: Client, seq: int) -> Response: ...

    def ok(self, response: Response) -> bool: ...


@dataclass
class LoadResult:
    clients: int
    seconds: float
    ok: int
    failed: int
    latencies_ms: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def latency(self) -> Summary:
        return Summary.of(self.latencies_ms)


def _client_process(
    index: int, job: Job, port: int, ready: mp.synchronize.Barrier, start: mp.sharedctypes.Synchronized,
    warmup: float, duration: float, out: mp.Queue,  # type: ignore[type-arg]
) -> None:
    client = Client(port)
    failures: Counter[str] = Counter()
    latencies: list[float] = []
    ok = failed = 0
    set_up = True
    try:
        job.setup(client)
    except Exception as exc:  # reported by the parent; the barrier still has to be passed
        failures[f"setup: {exc}"] += 1
        set_up = False
    ready.wait()
    ready.wait()  # the parent has set the start time between the two waits
    warm_until = start.value + warmup
    stop_at = warm_until + duration
    seq = index * 1_000_000_000
    while set_up:
        began = time.monotonic()
        if began >= stop_at:
            break
        seq += 1
        try:
            response = job.send(client, seq)
            good = job.ok(response)
            reason = "" if good else f"HTTP {response.status}: {response.text[:160]}"
        except Exception as exc:
            good, reason = False, f"{type(exc).__name__}: {exc}"
            client.close()
        ended = time.monotonic()
        if began >= warm_until and ended <= stop_at:
            if good:
                ok += 1
                latencies.append((ended - began) * 1000)
            else:
                failed += 1
                failures[reason[:200]] += 1
    client.close()
    out.put((ok, failed, latencies, dict(failures)))


def run_load(job: Job, port: int, *, clients: int, duration: float, warmup: float) -> LoadResult:
    """Run `job` from `clients` processes against 127.0.0.1:`port`: `warmup` seconds, then `duration` counted."""
    ctx = mp.get_context("fork")
    ready = ctx.Barrier(clients + 1)
    start = ctx.Value("d", 0.0)
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [
        ctx.Process(target=_client_process, args=(i, job, port, ready, start, warmup, duration, out), daemon=True)
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    ready.wait(timeout=120)
    start.value = time.monotonic()
    ready.wait(timeout=120)
    result = LoadResult(clients=clients, seconds=duration, ok=0, failed=0)
    failures: Counter[str] = Counter()
    for _ in procs:
        ok, failed, latencies, fails = out.get(timeout=warmup + duration + 300)
        result.ok += ok
        result.failed += failed
        result.latencies_ms.extend(latencies)
        failures.update(fails)
    for proc in procs:
        proc.join(timeout=30)
    result.failures = dict(failures.most_common(5))
    return result


def prewarm(job: Job, port: int, *, connections: int, requests: int = 2) -> int:
    """Send a few requests on many connections at once, so that every server worker has started up
    (imported its URLconf, opened its database connection) before anything is counted; returns the successes."""
    import threading

    done: list[bool] = []

    def one(index: int) -> None:
        client = Client(port)
        try:
            job.setup(client)
            for n in range(requests):
                done.append(job.ok(job.send(client, 900_000_000 + index * 1000 + n)))
        except Exception:  # a failure shows in the measured run itself
            done.append(False)
        finally:
            client.close()

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return sum(done)
