"""``jcw up``'s supervisor: Ctrl-C stops every child; a child that dies stops the rest.
(The real children — Dagster daemon, UI, dashboard — take a minute to start; here they
are stand-in processes that record their pid.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

SUPERVISOR = """
import sys
from pipelines.up import supervise
out = sys.argv[1]
child = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(float(sys.argv[2]))"
cmds = {f"c{i}": [sys.executable, "-c", child, f"{out}/c{i}.pid", sys.argv[2 + i]] for i in range(3)}
sys.exit(supervise(cmds, dict(__import__("os").environ), "started"))
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie awaiting its parent counts as gone
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def _start(tmp_path, *sleeps: str) -> tuple[subprocess.Popen, list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, str(tmp_path), *sleeps],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("c*.pid"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)
    return proc, [int(p.read_text()) for p in sorted(tmp_path.glob("c*.pid"))]


def test_ctrl_c_stops_every_child(tmp_path):
    proc, pids = _start(tmp_path, "600", "600", "600")
    assert all(_alive(p) for p in pids)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    assert not any(_alive(p) for p in pids)


def test_a_child_that_exits_stops_the_others(tmp_path):
    proc, pids = _start(tmp_path, "600", "1", "600")
    assert proc.wait(timeout=30) == 1
    assert not any(_alive(p) for p in pids)
