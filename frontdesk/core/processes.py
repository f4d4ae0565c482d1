"""The processes `frontdesk serve` runs together, and a small supervisor that keeps them up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RESTART_LIMIT = 5  # restarts within RESTART_WINDOW before the supervisor gives up on a process
RESTART_WINDOW = 60.0


@dataclass
class ProcessSpec:
    """One long-running part of the product (web, realtime, worker, mail listener)."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class _Running:
    spec: ProcessSpec
    popen: subprocess.Popen[bytes]
    restarts: list[float] = field(default_factory=list)


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


class Supervisor:
    """Starts every process, restarts one that dies (a few times), stops all on SIGINT/SIGTERM."""

    def __init__(self, specs: list[ProcessSpec], say: Callable[[str], None]):
        self.specs = specs
        self.say = say
        self.running: dict[str, _Running] = {}
        self.stopping = False

    def _start(self, spec: ProcessSpec) -> subprocess.Popen[bytes]:
        env = {**os.environ, **spec.env}
        return subprocess.Popen(spec.argv, env=env)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        for spec in self.specs:
            self.running[spec.name] = _Running(spec, self._start(spec))
        try:
            while not self.stopping:
                time.sleep(0.5)
                for name, proc in list(self.running.items()):
                    code = proc.popen.poll()
                    if code is None or self.stopping:
                        continue
                    now = time.monotonic()
                    proc.restarts = [t for t in proc.restarts if now - t < RESTART_WINDOW] + [now]
                    if len(proc.restarts) > RESTART_LIMIT:
                        self.say(f"{name} keeps exiting (last exit code {code}); stopping everything.")
                        self.stopping = True
                        return_code = 1
                        break
                    self.say(f"{name} exited with code {code}; restarting it.")
                    proc.popen = self._start(proc.spec)
            else:
                return_code = 0
        finally:
            self._stop_all()
        return return_code

    def _on_signal(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _stop_all(self) -> None:
        for proc in self.running.values():
            if proc.popen.poll() is None:
                proc.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.running.values():
            try:
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.popen.kill()
