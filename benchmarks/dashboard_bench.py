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

from dashboards.serve import CHROMIUM, CHROMIUM_ARGS
from dashboards.serve import command as serve_command
from pipelines.settings import PROJECT_DIR

DASHBOARDS = PROJECT_DIR / "dashboards"
PAGE_DIRS = ("views", "pages")
EMPTY_STATE_PAGES = {"no_data"}


def page_scripts() -> list[Path]:
    """The app's page scripts (dashboards/views/*.py, formerly pages/) but the empty-state
    page, by name."""
    scripts = sorted(
        p
        for d in PAGE_DIRS
        for p in (DASHBOARDS / d).glob("*.py")
        if not p.name.startswith("_") and p.stem not in EMPTY_STATE_PAGES
    )
    if not scripts:
        raise FileNotFoundError(f"no page scripts in dashboards/{{{','.join(PAGE_DIRS)}}}")
    return scripts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_pages(data_dir: Path, repeats: int = 5, timeout: float = 120) -> dict:
    """p50/p95 of each page's script run against ``data_dir``'s serving file: cold (Streamlit's
    data cache emptied, DuckDB connections closed) and warm (cache filled).

    One AppTest per page (app.py, then the page), run once first and not counted: a new
    AppTest scans the installed packages for components on its first run, which a
    running server does once at start-up."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboards import data

    os.environ["JCW_DATA_DIR"] = str(data_dir)
    results = {}
    for script in page_scripts():
        at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=timeout)
        at.switch_page(str(script.relative_to(DASHBOARDS)))
        at.run()
        cold, warm, errors = [], [], []
        for _ in range(repeats):
            st.cache_data.clear()
            for con in (getattr(data._local, "conns", None) or {}).values():
                con.close()
            data._local.conns = {}
            for bucket in (cold, warm):
                t0 = time.perf_counter()
                at.run()
                bucket.append(time.perf_counter() - t0)
                errors.extend(str(e.value)[:200] for e in at.exception)
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


def browser_load(
    data_dir: Path, env: dict[str, str] | None = None, expect_text: str = "济南", timeout_s=60
) -> dict:
    """Start the app, open it in headless Chromium, time until ``expect_text`` is rendered.
    ``env``: the server's environment (default ours), JCW_DATA_DIR set to ``data_dir``."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(env or os.environ, JCW_DATA_DIR=str(data_dir))
    cmd = serve_command("127.0.0.1", port)  # exactly what `jcw serve` runs
    server = subprocess.Popen(
        cmd, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, timeout_s)
        wait_ms = timeout_s * 1000
        url = f"http://127.0.0.1:{port}/"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))

            def visit(page) -> float:
                t0 = time.perf_counter()
                page.goto(url, timeout=wait_ms)
                page.get_by_text(expect_text).first.wait_for(timeout=wait_ms)
                return time.perf_counter() - t0

            # the server's first session pays its start-up (imports, first script run)
            server_first = visit(browser.new_page())
            page = browser.new_context().new_page()  # a new user on a running server
            first = visit(page)
            t0 = time.perf_counter()
            page.reload()
            page.get_by_text(expect_text).first.wait_for(timeout=wait_ms)
            reload = time.perf_counter() - t0
            browser.close()
        return {
            "server_first_load_s": server_first,
            "first_load_s": first,
            "reload_s": reload,
            "expect_text": expect_text,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
