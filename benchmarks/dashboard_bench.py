"""Dashboard timing against a serving file: every page rendered by Streamlit's AppTest
(cold: fresh cache and connection; warm: cache filled), and one real-browser load.

A page's time is the server-side script run (app.py's sidebar, then the page,
every query it makes through ``dashboards/data.py`` included): what a user waits
for before the page is drawn.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from pathlib import Path

from pipelines.settings import PROJECT_DIR

DASHBOARDS = PROJECT_DIR / "dashboards"
EMPTY_STATE_PAGES = {"no_data"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def page_scripts() -> list[Path]:
    """The app's page scripts (dashboards/pages/*.py) but the empty-state page, by name."""
    return sorted(
        p
        for p in (DASHBOARDS / "pages").glob("*.py")
        if not p.name.startswith("_") and p.stem not in EMPTY_STATE_PAGES
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _load(script: Path, timeout: float) -> tuple[float, list[str]]:
    """One page load as a new browser session would do it: app.py, then the page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=timeout)
    at.switch_page(f"pages/{script.name}")
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0, [str(e.value)[:200] for e in at.exception]


def time_pages(data_dir: Path, repeats: int = 5, timeout: float = 120) -> dict:
    """p50/p95 of each page's load against ``data_dir``'s serving file: cold (Streamlit's
    data cache emptied) and warm (cache filled). Each load is a new session whose script
    thread opens its own DuckDB connection, so connections are always cold."""
    import streamlit as st

    os.environ["JCW_DATA_DIR"] = str(data_dir)
    scripts = page_scripts()
    if scripts:
        _load(scripts[0], timeout)  # imports and first-time setup are not a page's cost
    results = {}
    for script in scripts:
        cold, warm, errors = [], [], []
        for _ in range(repeats):
            st.cache_data.clear()
            for bucket in (cold, warm):
                seconds, errs = _load(script, timeout)
                bucket.append(seconds)
                errors.extend(errs)
        results[script.stem] = {
            "cold_p50_s": statistics.median(cold),
            "cold_p95_s": percentile(cold, 0.95),
            "warm_p50_s": statistics.median(warm),
            "warm_p95_s": percentile(warm, 0.95),
            "runs": repeats,
            "errors": sorted(set(errors)),
        }
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not listen on {port}")


def browser_load(data_dir: Path, expect_text: str = "济南", timeout_s: float = 60) -> dict:
    """Start the app, open it in headless Chromium, time until ``expect_text`` is rendered."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, JCW_DATA_DIR=str(data_dir))
    cmd = [
        str(PROJECT_DIR / ".venv" / "bin" / "streamlit"),
        "run",
        str(DASHBOARDS / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
    ]
    server = subprocess.Popen(
        cmd, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, timeout_s)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/", timeout=timeout_s * 1000)
            page.get_by_text(expect_text).first.wait_for(timeout=timeout_s * 1000)
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            page.reload()
            page.get_by_text(expect_text).first.wait_for(timeout=timeout_s * 1000)
            reload = time.perf_counter() - t0
            browser.close()
        return {"first_load_s": first, "reload_s": reload, "expect_text": expect_text}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
