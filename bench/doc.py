"""Write docs/operations/performance.md from a run's results (a full run does this by itself).

Everything above the notes marker is rewritten on every run; the notes below it (analysis written by
people) are kept.
"""

from __future__ import annotations

import math
from typing import Any

from bench import paths, report, servers

NOTES_MARKER = "<!-- Notes below this line are kept when `make bench` rewrites this page. -->"


def write(results: dict[str, Any]) -> None:
    path = paths.PERFORMANCE_DOC
    path.parent.mkdir(parents=True, exist_ok=True)
    notes = ""
    if path.exists():
        old = path.read_text()
        if NOTES_MARKER in old:
            notes = old.split(NOTES_MARKER, 1)[1].strip("\n")
    path.write_text(render(results) + "\n" + NOTES_MARKER + "\n" + (notes + "\n" if notes else ""))


def _n(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, (int, float)) and value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _create_details(db: str, create: dict[str, Any]) -> list[str]:
    out = []
    for product, data in create.items():
        for way, w in data.get("ways", {}).items():
            best = " (used)" if way == data.get("best") and len(data["ways"]) > 1 else ""
            lat = w["latency_ms"]
            out.append(f"| {db} | {product} | {way}{best} | {_n(w['per_second'])} | {_n(lat['p50'])} | "
                       f"{_n(lat['p99'])} | {w['ok']:,} | {w['failed']:,} | {_n(w.get('load_average'), 2)} |")
    return out


def _read_details(db: str, reads: dict[str, Any]) -> list[str]:
    out = []
    for product, data in reads.items():
        for page in ("list", "ticket", "search"):
            if page not in data:
                continue
            d = data[page]
            out.append(
                f"| {db} | {product} | {page} | {d['requests']} | {_n(d['ms']['p50'])} | {_n(d['ms']['p90'])} | "
                f"{_n(d['ms']['p99'])} | {_n(d['server_ms']['p50'])} | {_n(d['queries'], 0)} | {d['errors']} | "
                f"{_n(d.get('load_average'), 2)} |"
            )
    return out


def render(results: dict[str, Any]) -> str:
    c = results["config"]
    m = results.get("machine", {})
    messages = c["tickets"] * c["messages_per_ticket"]
    dbs = results["databases"]
    lines = [
        "# Performance",
        "",
        "frontdesk measured against [django-helpdesk](https://github.com/django-helpdesk/django-helpdesk) 2.6.1,",
        "a long-standing open-source help desk built on Django, on the same machine, in the same run, over real HTTP,",
        f"on SQLite and PostgreSQL. Run of {results.get('started_at', '?')} "
        f"({_n(results.get('seconds', 0) / 60)} min); reproduce with `make bench` (see the end of this page).",
        "",
        *([f"The {', '.join(results['merged']['databases'])} figures are kept from the run of "
           f"{results['merged']['from_run']} (`--merge`); the others were measured again in this run.", ""]
          if results.get("merged") else []),
        "\"frontdesk advantage\" is how many times better frontdesk is than the peer on that figure (higher",
        "throughput, or lower time, queries or memory); above 1 frontdesk is ahead.",
        "",
        report.table_markdown(results),
        "",
    ]
    loads = [w.get("load_average", 0.0) for data in dbs.values() for product in data.get("create", {}).values()
             for w in product.get("ways", {}).values()]
    loads += [page.get("load_average", 0.0) for data in dbs.values() for product in data.get("reads", {}).values()
              for page in product.values() if isinstance(page, dict) and "ms" in page]
    cores = int(m.get("cores", "0") or 0)
    if loads and cores and max(loads) > cores:
        lines += [f"**The machine was busy with other work during this run** (1-minute load average up to "
                  f"{max(loads):.1f} on {cores} cores, see the \"load\" columns below): absolute times and "
                  "rates are pessimistic for both products, and as the two are measured one after the other, "
                  "the ratios carry some of that noise too.", ""]
    missed = [r for r in report.rows(results) if r.verdict == "FAIL"]
    if missed:
        lines += ["Bars missed in this run: " + "; ".join(f"{r.figure} on {r.db} ({r.bar.text if r.bar else ''})"
                                                      for r in missed) + ".", ""]
    lines += [
        "## What was measured",
        "",
        f"- **Dataset**: {c['tickets']:,} tickets with {c['messages_per_ticket']} messages each "
        f"({messages:,} messages), made by frontdesk's deterministic generator (`python -m frontdesk.demo.generate "
        "--numbered`, seed 42: customer messages, replies and internal notes in six languages). frontdesk loads "
        "it with its own bulk path (`frontdesk import FILE`); the peer loads the same file with `bulk_create` "
        "into its own models (`bench/peer/load.py`: a Ticket per record with the same number, a FollowUp per "
        "message). The load time is the import alone, after migrations; both databases are analysed afterwards.",
        f"- **Creating tickets**: {c['clients']} client processes, each with one keep-alive HTTP connection, send "
        f"requests back to back for {c['duration']:g} s after a {c['warmup']:g} s warm-up, into an empty database. "
        "frontdesk: `POST /api/v1/tickets` with a bearer token (one per client; the rate limit stays on, set "
        "above what is sent). The peer is measured both ways it offers, its REST API (`POST /api/tickets/`, "
        "DRF token authentication) and its public submission form (`POST /tickets/submit/`, redirect not "
        "followed), and the faster counts. Every ticket has a new or returning requester (2,000 addresses).",
        "- **Pages**: one signed-in agent (staff user), one keep-alive connection, pages one after another "
        f"({c['samples']} of each after 15 warm-up views, or as many as fit in {c.get('page_seconds', 90):g} s "
        "but at least 50). Inbox list: frontdesk `GET /` (the default view); "
        "the peer `GET /tickets/` plus the DataTables request its page makes for the rows "
        "(`/datatables_ticket_list/...`), added together as a browser waits for both. Ticket page: "
        "`/tickets/<number>/` on both, over 400 tickets picked at random. Keyword search: two adjacent words "
        "from a customer's message (20 different pairs, e.g. \"password reset\"): frontdesk `GET /?q=...`, the "
        "peer `GET /tickets/?q=...` plus its DataTables request.",
        "- **SQL queries** are counted server-side by a middleware (`bench/querycount.py`, header `X-Query-Count`) "
        "added in the benchmark settings of both sites; no product code changes.",
        f"- **Inbound email** (frontdesk only; the peer has no SMTP listener): {c.get('mails', 4000):,} pre-made "
        "mails (`bench/mails.py`: multipart text and HTML, quoted history on follow-ups that reference earlier "
        "mails, a signature, a ~20 KB attachment on one in ten, 500 returning senders) sent by "
        f"{c['clients']} `smtplib` client processes, one SMTP connection each, to `frontdesk smtpd`; a mail counts "
        "when its 250 came back, which the listener answers only after COMMIT. In the email rows the \"peer\" "
        "column is the machine's own SMTP limit: the same clients sending to an aiosmtpd sink that stores "
        "nothing (`bench/smtp_sink.py`). \"Pipeline alone\" is `receive_raw` called in one process on the same "
        "mails, and the parsing share is the adapter's `parse_inbound` time over the whole.",
        "- **Memory**: VmRSS of each gunicorn worker (from /proc, so pages shared with the preloaded master count "
        "too) after the page runs; the largest is shown.",
        "",
        "Both products are served the way `frontdesk serve` serves frontdesk: gunicorn "
        f"{m.get('gunicorn', '')}, {servers.web_workers()} workers (2 per core) x "
        f"{servers.threads_for('sqlite')} threads on SQLite, {servers.threads_for('postgres')} on PostgreSQL "
        "(gthread), the application preloaded, access log on, DEBUG off, persistent database connections, "
        "SQLite in WAL mode with the "
        "same options for both (the peer is given frontdesk's), mail not sent (the peer uses Django's dummy "
        "backend). frontdesk's background worker is not started (jobs a request queues wait in its queue). "
        "Only one server runs at a time. The peer's site is `bench/peer/` (its defaults, teams "
        "mode off because it needs another app); its code is installed from PyPI into `bench/.work/peer-venv`.",
        "",
        "### Creating tickets, each way",
        "",
        "| db | product | way | tickets/s | p50 ms | p99 ms | created | failed | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for db, data in dbs.items():
        if "create" in data:
            lines += _create_details(db, data["create"])
    lines += [
        "",
        "### Pages in detail",
        "",
        "Times are as the client saw them (ms); \"server\" is the time inside Django; \"load\" is the machine's",
        "1-minute load average at the end of that measurement (other work on the machine shows there).",
        "",
        "| db | product | page | requests | p50 | p90 | p99 | server p50 | queries | errors | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for db, data in dbs.items():
        if "reads" in data:
            lines += _read_details(db, data["reads"])
    lines += ["", "### Loading the dataset", "",
              "A cached dataset (loaded by an earlier run, see \"loaded\") keeps the time of that load.", "",
              "| db | product | seconds | database size | loaded | how |", "|---|---|---|---|---|---|"]
    for db, data in dbs.items():
        for product, ld in data.get("load", {}).items():
            lines.append(f"| {db} | {product} | {_n(ld.get('seconds'))} | {_n(ld.get('database_mb'), 0)} MiB | "
                         f"{ld.get('loaded_at', '')} | {ld.get('how', '')} |")
    lines += [
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in m.items()],
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench                                      # both databases, all workloads, full data",
        "python -m bench --quick                         # smoke test: 5,000 tickets (leaves this page alone)",
        "python -m bench --db sqlite --only create,list  # a part",
        "python -m bench --reload                        # load the cached datasets again",
        "python -m bench --report                        # print the last run's table again",
        "```",
        "",
        "Run it with `.venv/bin/python` from the repository root, PostgreSQL on 127.0.0.1:5432 (user postgres, "
        "trust; the benchmark creates and drops databases named `bench_*`), ports 8510-8521 free. The first "
        "run installs the peer and generates and loads the datasets (kept under `bench/.work/`, per size and "
        "database); later runs reuse them. Raw results of every run: `bench/.work/results/*.json`.",
        "",
    ]
    return "\n".join(lines)
