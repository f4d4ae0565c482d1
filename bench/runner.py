"""One benchmark run: for each database, create tickets over HTTP, load the dataset, then browse it."""

from __future__ import annotations

import itertools
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench import databases, inbound, paths, servers
from bench.client import Client
from bench.config import Config
from bench.load import prewarm, run_load
from bench.products import Frontdesk, Page, Peer, Product
from bench.stats import Summary

READ_WORKLOADS = ("list", "ticket", "search")
WARMUP_VIEWS = 15
MIN_VIEWS = 50


def say(message: str) -> None:
    print(message, flush=True)


# Words too common to be what someone searches for (greetings, sign-offs, function words).
_STOPWORDS_TEXT = (
    "about after again also because been before being could dear does doing from have having hello here just "
    "kind know like need please really regards since still thank thanks that their them then there these they "
    "this those through today very want were what when where which while with would your yours best cheers "
    "hallo bonjour hola cordialement saludos groeten gruesse grusse freundlichen atentamente obrigado"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _phrase(body: str, rng: random.Random) -> str:
    """Two adjacent content words from the body of a customer's first message: what someone would search for."""
    paragraph = max(body.split("\n\n"), key=len)
    words = [w.strip(".,;:!?()\"'").lower() for w in paragraph.split()]
    pairs = [(a, b) for a, b in itertools.pairwise(words)
             if len(a) >= 5 and len(b) >= 5 and a.isalpha() and b.isalpha() and not {a, b} & STOPWORDS]
    return " ".join(rng.choice(pairs)) if pairs else ""


class Run:
    def __init__(self, config: Config, frontdesk: Frontdesk, peer: Peer) -> None:
        self.config = config
        self.products: list[Product] = [p for p in (frontdesk, peer) if p.name in config.products]
        self.frontdesk = frontdesk
        self.results: dict[str, Any] = {"config": config.as_dict(), "databases": {}}

    # ---- the whole run -------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.results["started_at"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        for db in self.config.dbs:
            out: dict[str, Any] = self.results["databases"].setdefault(db, {})
            if "create" in self.config.workloads:
                out["create"] = {p.name: self.create(p, db) for p in self.products}
            if any(w in self.config.workloads for w in ("load", *READ_WORKLOADS)):
                dataset = self.dataset()
                out["load"] = {p.name: self.ensure_loaded(p, db, dataset) for p in self.products}
                if any(w in self.config.workloads for w in READ_WORKLOADS):
                    samples = self.samples(dataset)
                    out["samples"] = samples
                    out["reads"] = {p.name: self.browse(p, db, samples) for p in self.products}
            if "email" in self.config.workloads and "frontdesk" in self.config.products:
                out["email"] = inbound.run(db, count=self.config.mails, clients=self.config.clients, log=say)
        self.results["finished_at"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        return self.results

    # ---- 1. ticket creation over HTTP ------------------------------------------------------------------------
    def create(self, product: Product, db: str) -> dict[str, Any]:
        c = self.config
        target = databases.target(db, product.name, "create")
        say(f"[{db}] create: preparing an empty {product.label} database ({target.name})")
        target.create()
        product.setup(target, c.clients)
        ways: dict[str, Any] = {}
        with servers.serve(f"{product.name}-{db}-create", python=product.python, app=product.app,
                           port=product.port(db), env=product.env(target), cwd=paths.REPO_DIR,
                           log_dir=paths.LOGS, threads=servers.threads_for(db)) as server:
            for label, job in product.create_jobs():
                say(f"[{db}] create: {product.label} via {label}, {c.clients} clients, "
                    f"{c.warmup:g}s warm-up + {c.duration:g}s ...")
                prewarm(job, server.port, connections=2 * c.clients)
                result = run_load(job, server.port, clients=c.clients, duration=c.duration, warmup=c.warmup)
                latency = result.latency
                ways[label] = {"per_second": result.per_second, "ok": result.ok, "failed": result.failed,
                               "load_average": os.getloadavg()[0],
                               "latency_ms": latency.as_dict(), "failures": result.failures}
                say(f"    {result.per_second:8.1f} tickets/s   p50 {latency.p50:6.1f} ms   p99 {latency.p99:6.1f} ms"
                    f"   ({result.ok} created, {result.failed} failed)")
                for reason, n in result.failures.items():
                    say(f"      {n} x {reason}")
        best = max(ways, key=lambda k: ways[k]["per_second"])
        return {"per_second": ways[best]["per_second"], "best": best, "ways": ways}

    # ---- 2. the dataset ----------------------------------------------------------------------------------------
    def dataset(self) -> Path:
        c = self.config
        path = paths.DATASETS / f"{c.size_key}.jsonl"
        if path.exists():  # the generator is deterministic: a file once made is the dataset for its size
            return path
        where = path.relative_to(paths.REPO_DIR)
        say(f"dataset: generating {c.tickets:,} tickets / {c.messages:,} messages -> {where}")
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        self.frontdesk.generate(partial, c.tickets, c.messages_per_ticket)
        partial.rename(path)
        say(f"    generated in {time.perf_counter() - started:.1f}s ({path.stat().st_size / 2**20:,.0f} MiB)")
        return path

    def _state_path(self, product: Product, db: str) -> Path:
        return paths.STATE / f"{product.name}-{db}-{self.config.size_key}.json"

    def ensure_loaded(self, product: Product, db: str, dataset: Path) -> dict[str, Any]:
        c = self.config
        target = databases.target(db, product.name, c.size_key)
        state_path = self._state_path(product, db)
        state = json.loads(state_path.read_text()) if state_path.exists() else None
        fresh = state is not None and state.get("dataset_bytes") == dataset.stat().st_size and target.exists()
        if fresh and not c.reload:
            say(f"[{db}] load: {product.label} dataset cached in {target.name} "
                f"(loaded in {state['seconds']:.1f}s on {state['loaded_at']})")
            product.setup(target, 1)
            return {**state, "cached": True}
        say(f"[{db}] load: {product.label} <- {c.tickets:,} tickets / {c.messages:,} messages into {target.name}")
        target.create()
        result = product.load(target, dataset)
        seconds = float(result["seconds"])  # the load itself, as each product reports it
        target.analyze()
        product.setup(target, 1)
        state = {
            "seconds": seconds,
            "tickets": result.get("tickets", c.tickets),
            "messages": result.get("messages", c.messages),
            "loaded_at": time.strftime("%Y-%m-%d %H:%M"),
            "dataset_bytes": dataset.stat().st_size,
            "database_mb": target.size_mb(),
            "how": result.get("how", ""),
        }
        state_path.write_text(json.dumps(state, indent=2))
        say(f"    loaded in {seconds:.1f}s ({state['tickets']:,} tickets, {state['messages']:,} messages, "
            f"{state['database_mb']:,.0f} MiB)")
        return {**state, "cached": False}

    def samples(self, dataset: Path) -> dict[str, Any]:
        """Which tickets to open and which words to search for: the same for both products, from the data."""
        rng = random.Random(7)
        from bench import dataset as ds

        numbers: list[int] = []
        phrases: list[str] = []
        picks = set(rng.sample(range(1, self.config.tickets + 1), min(self.config.tickets, 400)))
        for i, record in enumerate(ds.read(dataset), start=1):
            if i not in picks:
                continue
            numbers.append(record.number)
            if len(phrases) < 20 and record.messages:
                phrase = _phrase(record.messages[0].body, rng)
                if phrase and phrase not in phrases:
                    phrases.append(phrase)
        rng.shuffle(numbers)
        return {"numbers": numbers, "phrases": phrases}

    # ---- 3. browsing: list, ticket, search --------------------------------------------------------------------
    def browse(self, product: Product, db: str, samples: dict[str, Any]) -> dict[str, Any]:
        c = self.config
        target = databases.target(db, product.name, c.size_key)
        out: dict[str, Any] = {}
        with servers.serve(f"{product.name}-{db}-read", python=product.python, app=product.app,
                           port=product.port(db), env=product.env(target), cwd=paths.REPO_DIR,
                           log_dir=paths.LOGS, threads=servers.threads_for(db)) as server:
            client = Client(server.port)
            product.login(client)
            numbers, phrases = samples["numbers"], samples["phrases"] or ["order refund"]
            views = {
                "list": lambda i: product.list_page(client),
                "ticket": lambda i: product.ticket_page(client, numbers[i % len(numbers)]),
                "search": lambda i: product.search_page(client, phrases[i % len(phrases)]),
            }
            for name, view in views.items():
                if name not in c.workloads:
                    continue
                for i in range(WARMUP_VIEWS):
                    view(i)
                pages: list[Page] = []
                deadline = time.monotonic() + c.page_seconds
                for i in range(c.samples):  # stop early on a slow page, but keep enough views for a p99
                    pages.append(view(i))
                    if len(pages) >= MIN_VIEWS and time.monotonic() > deadline:
                        break
                bad = [p.status for p in pages if p.status != 200]
                summary = Summary.of([p.ms for p in pages])
                queries = statistics.median([p.queries for p in pages])
                out[name] = {
                    "load_average": os.getloadavg()[0],
                    "ms": summary.as_dict(),
                    "server_ms": Summary.of([p.server_ms for p in pages]).as_dict(),
                    "queries": queries,
                    "queries_max": max(p.queries for p in pages),
                    "requests": pages[0].requests,
                    "errors": len(bad),
                    "error_status": sorted(set(bad)),
                }
                say(f"[{db}] {name:6}: {product.label:22} p50 {summary.p50:7.1f} ms  p99 {summary.p99:7.1f} ms  "
                    f"{queries:4.0f} queries" + (f"  ({len(bad)} non-200: {sorted(set(bad))})" if bad else ""))
            client.close()
            rss = server.worker_rss_mb()
            out["rss_mb"] = {"max": max(rss) if rss else float("nan"), "all": rss}
            say(f"[{db}] rss   : {product.label:22} {out['rss_mb']['max']:.0f} MiB (largest of {len(rss)} workers)")
        return out
