"""What the benchmarks ran on: cores, memory, CPU, disk, and the versions of everything measured."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path

from bench import databases, paths


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _disk(path: Path) -> str:
    """The file system the benchmark data lives on: device, type, size (and whether it spins, if known)."""
    try:
        out = subprocess.run(["df", "-hT", str(path)], capture_output=True, text=True, timeout=5).stdout.splitlines()
        device, fstype, size = out[-1].split()[:3]
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return "unknown"
    kind = ""
    name = Path(device).name.rstrip("0123456789")
    rotational = Path(f"/sys/block/{name}/queue/rotational")
    if rotational.exists():
        kind = ", reported rotational" if rotational.read_text().strip() == "1" else ", reported non-rotational"
    return f"{device} ({fstype}, {size}{kind})"


def _version_of(python: Path, module: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({module!r}))"
    try:
        out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=20)
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def describe(frontdesk_python: Path, peer_python: Path) -> dict[str, str]:
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or 0),
        "memory": f"{_memory_gib():.1f} GiB",
        "disk": _disk(paths.WORK),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": databases.postgres_version(),
        "django": _version_of(frontdesk_python, "django"),
        "gunicorn": _version_of(frontdesk_python, "gunicorn"),
        "peer": f"django-helpdesk {_version_of(peer_python, 'django-helpdesk')} "
        f"(Django {_version_of(peer_python, 'django')})",
    }
