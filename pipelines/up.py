"""``jcw up``: the project as a city runs it on one server.

The Dagster daemon (sensor on landing/, schedules), the Dagster UI and the dashboard,
bound to 127.0.0.1 unless ``--host`` says otherwise. Ctrl-C (or SIGTERM) stops all
three: each child runs in its own session so the signal reaches us once and we stop
them in order, politely first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.settings import PROJECT_DIR, Settings

STOP_GRACE_SECONDS = 15


def commands(host: str, dagster_port: int, dashboard_port: int) -> dict[str, list[str]]:
    bin_dir = Path(sys.executable).parent
    location = ["-m", "pipelines.definitions", "-d", str(PROJECT_DIR)]
    return {
        "Dagster 守护进程": [str(bin_dir / "dagster-daemon"), "run", *location],
        "Dagster 界面": [
            str(bin_dir / "dagster-webserver"),
            "-h",
            host,
            "-p",
            str(dagster_port),
            *location,
        ],
        "数据看板": [
            sys.executable,
            "-m",
            "pipelines.cli",
            "serve",
            "--host",
            host,
            "--port",
            str(dashboard_port),
        ],
    }


def _stop(procs: dict[str, subprocess.Popen]) -> None:
    for p in procs.values():
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for p in procs.values():
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def supervise(commands: dict[str, list[str]], env: dict, banner: str) -> int:
    """Start every command in its own session; return when Ctrl-C/SIGTERM arrives (0) or
    a child exits on its own (1), stopping the others either way."""

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    procs: dict[str, subprocess.Popen] = {}
    try:
        for name, cmd in commands.items():
            procs[name] = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, start_new_session=True)
        print(banner, flush=True)
        while True:
            for name, p in procs.items():
                if p.poll() is not None:
                    print(f"{name} 已退出（代码 {p.returncode}），正在停止其余进程。", flush=True)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("正在停止……", flush=True)
        return 0
    finally:
        _stop(procs)


def run_up(settings: Settings, host: str, dagster_port: int, dashboard_port: int) -> int:
    from pipelines.runner import ensure_dagster_home

    ensure_dagster_home(settings)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(settings.dagster_home),
        "JCW_DATA_DIR": str(settings.data_dir),
    }
    return supervise(
        commands(host, dagster_port, dashboard_port),
        env,
        f"已启动：Dagster 界面 http://{host}:{dagster_port} ，"
        f"数据看板 http://{host}:{dashboard_port} 。按 Ctrl-C 停止。",
    )
