"""Where the benchmarks keep their state: everything lives under bench/.work/ (ignored by git)."""

from __future__ import annotations

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
PEER_VENV = WORK / "peer-venv"
DATASETS = WORK / "datasets"   # generated JSONL files
SQLITE_DIR = WORK / "sqlite"   # one database file per product, size and purpose
LOGS = WORK / "logs"
STATE = WORK / "state"         # what is loaded where (the dataset cache)
RESULTS = WORK / "results"
PERFORMANCE_DOC = REPO_DIR / "docs" / "operations" / "performance.md"


def ensure() -> None:
    for folder in (WORK, DATASETS, SQLITE_DIR, LOGS, STATE, RESULTS):
        folder.mkdir(parents=True, exist_ok=True)
    ignore = WORK / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
