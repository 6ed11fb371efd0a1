"""``jcw run`` as a city runs it: concurrent triggers, SIGKILL at every stage, and a
reader holding ``serving/current`` open throughout (issue 5, "Must show").

Real processes, real Dagster instance, real dbt, real DuckDB files, on the generator's
``tiny`` scale so that each run takes seconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from pipelines.faults import PAUSE_ENV
from pipelines.generate import generate

MONTHS = ["2025-01", "2025-02"]
RUN_TIMEOUT = 600

READER = """
import os, sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
stop = sys.argv[2]
while not os.path.exists(stop):
    version = con.execute("SELECT version FROM dq.publication").fetchone()[0]
    rows = con.execute("SELECT count(*) FROM analytics.indicator_values").fetchone()[0]
    print(version, rows, flush=True)
    time.sleep(0.2)
"""


@pytest.fixture(scope="module")
def tiny_landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    generate(
        out_dir=root / "landing",
        scale="tiny",
        months=MONTHS,
        seed=23,
        manifest_path=root / "generator" / "manifest.json",
        progress=False,
    )
    return root / "landing"


def deliver(landing: Path, data_dir: Path, month: str) -> None:
    """Copy one month of every department's files, keeping their arrival times."""
    for month_dir in landing.glob(f"*/{month}"):
        target = data_dir / "landing" / month_dir.relative_to(landing)
        shutil.copytree(month_dir, target, copy_function=shutil.copy2)


def start_run(data_dir: Path, log: Path, pause: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "JCW_DATA_DIR": str(data_dir)}
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = pause
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=env,
        stdout=open(log, "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one process group: SIGKILL reaches dbt too
    )


def wait_for(condition, what: str, timeout: float = RUN_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def dbt_is_running(proc: subprocess.Popen) -> bool:
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
        return any("dbt" in " ".join(c.cmdline()) for c in children)
    except psutil.Error:
        return False


def current(data_dir: Path) -> tuple[str, list[str]]:
    """The published version behind serving/current and the months it holds."""
    path = data_dir / "serving" / "current"
    with duckdb.connect(str(path), read_only=True) as con:
        version = con.execute("SELECT version FROM dq.publication").fetchone()[0]
        months = con.execute(
            "SELECT DISTINCT strftime(period, '%Y-%m') FROM analytics.indicator_values ORDER BY 1"
        ).fetchall()
    assert os.readlink(path) == f"{version}.duckdb"
    return version, [m for (m,) in months]


@pytest.fixture(scope="module")
def two_runs_at_once(tiny_landing, tmp_path_factory):
    """Two ``jcw run`` started together on the first month's deliveries."""
    data_dir = tmp_path_factory.mktemp("resilience") / "data"
    deliver(tiny_landing, data_dir, "2025-01")
    logs = [data_dir.parent / f"run{i}.log" for i in (1, 2)]
    first = start_run(data_dir, logs[0])
    time.sleep(0.5)
    second = start_run(data_dir, logs[1])
    codes = [p.wait(timeout=RUN_TIMEOUT) for p in (first, second)]
    return data_dir, codes, [log.read_text(encoding="utf-8") for log in logs]


def test_two_runs_triggered_at_once_both_complete_one_after_the_other(two_runs_at_once):
    data_dir, codes, outputs = two_runs_at_once
    assert codes == [0, 0], outputs
    for out in outputs:
        assert "Could not set lock" not in out and "Traceback" not in out
    # one of them loaded and published, the other found the warehouse up to date
    assert sum("已发布版本" in out for out in outputs) == 1, outputs
    assert current(data_dir)[1] == ["2025-01"]


def test_sigkill_at_every_stage_keeps_the_last_good_version(two_runs_at_once, tiny_landing):
    data_dir, codes, _ = two_runs_at_once
    assert codes == [0, 0]
    good, months = current(data_dir)
    deliver(tiny_landing, data_dir, "2025-02")
    log = data_dir.parent / "killed.log"

    stop = data_dir.parent / "reader.stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(data_dir / "serving" / "current"), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # during ingestion: after the first new file's rows are committed
        run = start_run(data_dir, log, pause="ingest:600")
        wait_for(lambda: "ingest paused" in log.read_text(encoding="utf-8"), "ingestion")
        kill_group(run)
        assert current(data_dir) == (good, months)

        # during dbt: while the dbt subprocess is building the warehouse
        run = start_run(data_dir, log)
        wait_for(lambda: dbt_is_running(run) or run.poll() is not None, "dbt")
        assert run.poll() is None, log.read_text(encoding="utf-8")
        time.sleep(1.0)
        kill_group(run)
        assert current(data_dir) == (good, months)

        # during publish: new serving file written, not yet switched
        run = start_run(data_dir, log, pause="publish:600")
        wait_for(lambda: "publish paused" in log.read_text(encoding="utf-8"), "publish")
        kill_group(run)
        assert current(data_dir) == (good, months)

        # the next run completes and publishes both months
        run = start_run(data_dir, log)
        assert run.wait(timeout=RUN_TIMEOUT) == 0, log.read_text(encoding="utf-8")
        version, months_after = current(data_dir)
        assert version != good and months_after == MONTHS
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)

    # the reader held the old version open through four runs and saw it whole
    assert reader.returncode == 0, err
    seen = {tuple(line.split()) for line in out.splitlines()}
    assert len(seen) == 1 and next(iter(seen))[0] == good, seen
    assert int(next(iter(seen))[1]) > 0
