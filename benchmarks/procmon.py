"""Run a command, timing it and sampling the resident memory of its whole process tree."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.1


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    returncode: int
    log_path: Path
    samples: list[tuple[float, int]] = field(default_factory=list)  # (epoch s, tree RSS)

    def tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def tree_rss(proc: psutil.Process) -> int:
    """Sum of RSS over a process and all its descendants (gone ones count 0)."""
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in members:
        with contextlib.suppress(psutil.Error):  # a child may exit between the two calls
            total += p.memory_info().rss
    return total


def kill_tree(pid: int) -> None:
    """Kill a process we started and everything it started."""
    try:
        proc = psutil.Process(pid)
        members = [*proc.children(recursive=True), proc]
    except psutil.Error:
        return
    for p in members:
        with contextlib.suppress(psutil.Error):
            p.kill()


def run_measured(
    cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path, timeout: float | None = None
) -> Measured:
    """Run ``cmd`` with output to ``log_path``; wall time and peak tree RSS. Past
    ``timeout`` seconds the process tree is killed and the return code is -9."""
    with log_path.open("w", encoding="utf-8") as log:
        start = time.perf_counter()
        popen = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        with PeakSampler(popen.pid) as sampler:
            try:
                returncode = popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_tree(popen.pid)
                popen.wait()
                returncode = -9
            seconds = time.perf_counter() - start
    return Measured(seconds, sampler.peak, returncode, log_path, sampler.samples)


class PeakSampler:
    """Peak tree RSS of a running process (default: this one) while the block runs."""

    def __init__(self, pid: int | None = None):
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.samples: list[tuple[float, int]] = []  # (epoch seconds, tree RSS bytes)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            rss = tree_rss(self.proc)
            self.samples.append((time.time(), rss))
            self.peak = max(self.peak, rss)
            self._done.wait(SAMPLE_SECONDS)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.proc))
