"""``jcw serve``: run the dashboard headless, local-only by default, without telemetry."""

from __future__ import annotations

import os
import sys

from pipelines.settings import PROJECT_DIR, get_settings

APP = PROJECT_DIR / "dashboards" / "app.py"
# Debian's Chromium for headless checks of the app (tests, benchmark): no sandbox in
# containers, and nothing that would reach the network on its own.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def command(host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        f"--server.address={host}",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
    ]


def run(host: str = "127.0.0.1", port: int = 8501) -> int:
    """Replace this process by Streamlit (so stopping ``jcw serve`` stops the server)."""
    env = dict(os.environ, JCW_DATA_DIR=str(get_settings().data_dir))
    print(f"数据看板：http://{host}:{port}  （数据目录 {env['JCW_DATA_DIR']}）", flush=True)
    os.chdir(PROJECT_DIR)  # .streamlit/config.toml is read from the working directory
    os.execve(sys.executable, command(host, port), env)
    return 0  # not reached
