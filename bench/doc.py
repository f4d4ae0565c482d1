"""Write docs/operations/performance.md from a run's results (only runs on the full dataset do)."""

from __future__ import annotations

from typing import Any

from bench import paths, report


def write(results: dict[str, Any]) -> None:
    paths.PERFORMANCE_DOC.parent.mkdir(parents=True, exist_ok=True)
    paths.PERFORMANCE_DOC.write_text(render(results))


def render(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    lines = [
        "# Performance",
        "",
        report.table_markdown(results),
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in m.items()],
        "",
    ]
    return "\n".join(lines)
