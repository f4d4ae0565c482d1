"""What one benchmark run does: sizes, clients, durations, databases, workloads (from the command line)."""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, field
from typing import Any

DBS = ("sqlite", "postgres")
WORKLOADS = ("create", "load", "list", "ticket", "search", "email")
PRODUCTS = ("frontdesk", "peer")


@dataclass
class Config:
    quick: bool = False
    dbs: list[str] = field(default_factory=lambda: list(DBS))
    workloads: list[str] = field(default_factory=lambda: list(WORKLOADS))
    products: list[str] = field(default_factory=lambda: list(PRODUCTS))
    tickets: int = 100_000
    messages_per_ticket: int = 10
    clients: int = 8
    duration: float = 20.0  # seconds counted in the creation workload, per product and way of creating
    warmup: float = 3.0
    samples: int = 300  # page views measured per page kind ...
    mails: int = 4_000  # mails sent in the email workload
    page_seconds: float = 90.0  # ... or fewer (at least 50) when they take longer than this
    reload: bool = False
    merge: bool = False
    write_doc: bool = True

    @property
    def messages(self) -> int:
        return self.tickets * self.messages_per_ticket

    @property
    def size_key(self) -> str:
        return f"t{self.tickets}m{self.messages_per_ticket}"

    @property
    def full_size(self) -> bool:
        return self.tickets >= 100_000 and self.messages >= 1_000_000

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _csv(allowed: tuple[str, ...]) -> Any:
    def parse(value: str) -> list[str]:
        items = [v.strip() for v in value.split(",") if v.strip()]
        bad = [v for v in items if v not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"choose from {','.join(allowed)} (got {value!r})")
        return items

    return parse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark frontdesk against django-helpdesk 2.6.1 on SQLite and PostgreSQL, over HTTP.",
        epilog="Loaded datasets are kept under bench/.work/ (per size and database) and reused; "
        "--reload loads them again. A full run writes docs/operations/performance.md.",
    )
    p.add_argument("--quick", action="store_true", help="small data (5,000 tickets) and short runs: a smoke test")
    p.add_argument("--db", type=_csv(DBS), help="databases, comma-separated (default: sqlite,postgres)")
    p.add_argument("--only", type=_csv(WORKLOADS), help=f"workloads, comma-separated, of {','.join(WORKLOADS)}")
    p.add_argument("--products", type=_csv(PRODUCTS), help="products to run (default: both)")
    p.add_argument("--tickets", type=int, help="tickets in the dataset (default 100,000; quick 5,000)")
    p.add_argument("--messages-per-ticket", type=int, default=10, help="messages per ticket (default 10)")
    p.add_argument("--clients", type=int, default=8, help="concurrent client processes when creating (default 8)")
    p.add_argument("--duration", type=float, help="seconds counted per creation run (default 20; quick 5)")
    p.add_argument("--samples", type=int, help="page views measured per page kind (default 300; quick 60)")
    p.add_argument("--reload", action="store_true",
                   help="load the datasets into the databases again even if they are cached (the generated "
                   "file is kept; delete bench/.work/datasets/ to make it anew)")
    p.add_argument("--no-doc", action="store_true", help="do not write docs/operations/performance.md")
    p.add_argument("--merge", action="store_true",
                   help="keep the last run's figures for the databases not run now (e.g. measure one database "
                   "again); the page then shows both runs' times")
    p.add_argument("--report", action="store_true", help="print the table of the last run (and rewrite the doc)")
    return p


def from_args(args: argparse.Namespace) -> Config:
    c = Config(quick=args.quick)
    if args.quick:
        c.tickets, c.duration, c.warmup, c.samples, c.mails = 5_000, 5.0, 2.0, 60, 400
    c.dbs = args.db or c.dbs
    c.workloads = args.only or c.workloads
    c.products = args.products or c.products
    c.tickets = args.tickets or c.tickets
    c.messages_per_ticket = args.messages_per_ticket
    c.clients = args.clients
    c.duration = args.duration or c.duration
    c.samples = args.samples or c.samples
    c.reload = args.reload
    c.merge = args.merge
    # Only a run over the whole workload on the full data describes the product; others leave the doc alone.
    c.write_doc = not args.no_doc and not args.quick and c.full_size and set(c.products) == set(PRODUCTS)
    c.write_doc = c.write_doc and (set(c.dbs) == set(DBS) or c.merge) and set(c.workloads) == set(WORKLOADS)
    if c.tickets < 100 or c.clients < 1 or c.duration <= 0 or c.samples < 5:
        raise SystemExit("bench: --tickets must be at least 100, --clients 1 or more, --samples 5 or more")
    return c
