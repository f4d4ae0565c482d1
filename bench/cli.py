"""The `python -m bench` command: run the benchmarks, print the table, write the performance doc."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from bench import doc, machine, paths, report
from bench.config import from_args, parser
from bench.products import Frontdesk, Peer, ProductError
from bench.runner import Run, say


def _save(results: dict[str, Any]) -> None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=2, default=str)
    (paths.RESULTS / f"{stamp}.json").write_text(text)
    (paths.RESULTS / "last.json").write_text(text)


def _keep_other_databases(results: dict[str, Any], config: Any) -> None:
    """Start from the last run's figures for the databases this run does not measure (same data size only)."""
    last = paths.RESULTS / "last.json"
    if not last.exists():
        return
    previous = json.loads(last.read_text())
    if previous.get("config", {}).get("tickets") != config.tickets:
        return
    kept = {db: figures for db, figures in previous.get("databases", {}).items() if db not in config.dbs}
    results["databases"].update(kept)
    if kept:
        results["merged"] = {"databases": sorted(kept), "from_run": previous.get("started_at", "")}


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    paths.ensure()
    if args.report:
        last = paths.RESULTS / "last.json"
        if not last.exists():
            raise SystemExit("bench: no results yet; run `python -m bench` first")
        results = json.loads(last.read_text())
        print(report.table_text(results))
        if not args.no_doc:
            doc.write(results)
            say(f"wrote {paths.PERFORMANCE_DOC.relative_to(paths.REPO_DIR)}")
        return
    config = from_args(args)
    frontdesk, peer = Frontdesk(), Peer()
    started = time.monotonic()
    try:
        if "peer" in config.products:
            peer.install()
        results: dict[str, Any] = {"machine": machine.describe(frontdesk.python, peer.python)}
        say("bench: " + ", ".join(f"{k} {v}" for k, v in results["machine"].items() if k in ("cpu", "cores", "memory")))
        run = Run(config, frontdesk, peer)
        if config.merge:
            _keep_other_databases(run.results, config)
        results.update(run.run())
    except ProductError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit("bench: interrupted") from None
    results["seconds"] = time.monotonic() - started
    _save(results)
    print()
    print(report.table_text(results))
    print()
    if config.write_doc:
        doc.write(results)
        say(f"wrote {paths.PERFORMANCE_DOC.relative_to(paths.REPO_DIR)}")
    failed = [r for r in report.rows(results) if r.verdict == "FAIL"]
    met = [r for r in report.rows(results) if r.verdict == "PASS"]
    say(f"bench: done in {results['seconds'] / 60:.1f} min; {len(met)} bars met, {len(failed)} missed; "
        f"results in {(paths.RESULTS / 'last.json').relative_to(paths.REPO_DIR)}")
