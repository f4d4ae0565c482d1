"""Turn a run's results into the table (terminal and markdown) and docs/operations/performance.md."""

from __future__ import annotations

import math
from typing import Any

from bench.table import Row, advantage_at_least, at_least, at_most, render_markdown, render_text, under

NAN = math.nan


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return NAN
        data = data[key]
    return data


def rows(results: dict[str, Any]) -> list[Row]:
    config = results["config"]
    full = config["tickets"] >= 100_000 and config["tickets"] * config["messages_per_ticket"] >= 1_000_000
    size = f"{config['tickets']:,} tickets / {config['tickets'] * config['messages_per_ticket']:,} messages"
    out: list[Row] = []
    for db, data in results["databases"].items():
        fd, peer = "frontdesk", "peer"
        if "create" in data:
            c = data["create"]
            out.append(Row(f"tickets created per second ({config['clients']} clients)", db, "/s",
                           _get(c, fd, "per_second"), _get(c, peer, "per_second"), True, advantage_at_least(5)))
        if "load" in data:
            ld = data["load"]
            out.append(Row(f"dataset load ({size})", db, "s", _get(ld, fd, "seconds"), _get(ld, peer, "seconds"),
                           False, under(180, "s") if full else None))
        reads = data.get("reads", {})
        specs = [
            ("list", "inbox list", True, 50, 15),
            ("ticket", "ticket page", False, None, None),
            ("search", "keyword search, 2 words", True, 50, None),
        ]
        for key, label, p50_too, p99_bar, query_bar in specs:
            if key not in reads.get(fd, {}) and key not in reads.get(peer, {}):
                continue
            if p50_too:
                out.append(Row(f"{label} p50", db, "ms", _get(reads, fd, key, "ms", "p50"),
                               _get(reads, peer, key, "ms", "p50"), False))
            out.append(Row(f"{label} p99", db, "ms", _get(reads, fd, key, "ms", "p99"),
                           _get(reads, peer, key, "ms", "p99"), False,
                           at_most(p99_bar, "ms") if p99_bar and full else None))
            out.append(Row(f"{label} SQL queries", db, "", _get(reads, fd, key, "queries"),
                           _get(reads, peer, key, "queries"), False,
                           at_most(query_bar, "queries") if query_bar else None))
        if reads:
            out.append(Row("web worker RSS after the runs", db, "MiB", _get(reads, fd, "rss_mb", "max"),
                           _get(reads, peer, "rss_mb", "max"), False))
        if "email" in data:
            mail = data["email"]
            # The "peer" column of the email rows is the machine's own SMTP limit: a sink that stores nothing.
            out.append(Row(f"inbound mails per second over SMTP ({mail['clients']} clients)", db, "/s",
                           _get(mail, "smtp", "per_second"), _get(mail, "sink", "per_second"), True,
                           at_least(200, "/s") if db == "sqlite" else None, note="peer column: SMTP sink"))
            out.append(Row("inbound mails per second, pipeline alone (1 process)", db, "/s",
                           _get(mail, "pipeline", "per_second"), NAN, True))
            out.append(Row("share of the pipeline's time spent parsing", db, "%",
                           _get(mail, "pipeline", "parse_share") * 100, NAN, False))
    return out


def table_text(results: dict[str, Any]) -> str:
    return render_text(rows(results))


def table_markdown(results: dict[str, Any]) -> str:
    return render_markdown(rows(results))
