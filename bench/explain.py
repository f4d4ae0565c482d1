"""Show the SQL behind one frontdesk page on a benchmark database, each query's time and its plan.

    python -m bench.explain --db sqlite --page list          # GET / as the benchmark's agent
    python -m bench.explain --db postgres --page search --q "password reset"
    python -m bench.explain --db sqlite --page ticket --number 4711

For the owners of a page that misses a bar: run in frontdesk's interpreter on a dataset `python -m bench` has
loaded (bench/.work/), it renders the page in-process and prints EXPLAIN (QUERY PLAN on SQLite, ANALYZE on
PostgreSQL) for every query slower than --min-ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--size", default="t100000m10", help="dataset key (default t100000m10: 100k tickets x 10)")
    p.add_argument("--page", choices=("list", "ticket", "search"), default="list")
    p.add_argument("--q", default="password reset", help="search words (--page search)")
    p.add_argument("--number", type=int, default=1, help="ticket number (--page ticket)")
    p.add_argument("--min-ms", type=float, default=1.0, help="explain queries slower than this")
    args = p.parse_args(argv)

    from bench import databases
    from bench.products import Frontdesk

    target = databases.target(args.db, "frontdesk", args.size)
    if not target.exists():
        raise SystemExit(f"bench.explain: {target.name} is not loaded; run `python -m bench --only load` first")
    os.environ.update(Frontdesk().env(target))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.fd_setup import EMAIL
    from frontdesk.accounts.models import Agent

    path = {"list": "/", "ticket": f"/tickets/{args.number}/", "search": f"/?q={args.q.replace(' ', '+')}"}[args.page]
    client = Client()
    client.force_login(Agent.objects.get(email=EMAIL))
    client.get(path)  # warm caches and the URLconf
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        total = (time.perf_counter() - started) * 1000
    sql_ms = sum(float(q["time"]) * 1000 for q in captured.captured_queries)
    print(f"GET {path}: HTTP {response.status_code}, {total:.1f} ms, {len(captured.captured_queries)} queries "
          f"taking {sql_ms:.1f} ms; the other {total - sql_ms:.1f} ms is Python (view, templates, ORM)")
    for n, query in enumerate(captured.captured_queries, start=1):
        ms = float(query["time"]) * 1000
        print(f"\n[{n}] {ms:.1f} ms  {query['sql'][:2000]}")
        if ms < args.min_ms or not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plan = "\n".join(f"    {row[-1]}" for row in cursor.fetchall())
            else:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        print(plan)


if __name__ == "__main__":
    main(sys.argv[1:])
