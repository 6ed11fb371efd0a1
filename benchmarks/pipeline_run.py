"""Generation and the real pipeline (``jcw generate``, ``jcw run``) as subprocesses, and
the pipeline's stage timings read back from Dagster's event log and ``raw.load_log``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from benchmarks.procmon import Measured, run_measured
from pipelines.contract.tables import TABLES
from pipelines.settings import PROJECT_DIR, Settings

JCW = str(PROJECT_DIR / ".venv" / "bin" / "jcw")

# Dagster step key → stage of the benchmark table (first match; ingestion last because
# other steps' keys may name a table).
STAGE_PATTERNS = (
    ("dbt_build", re.compile(r"dbt")),
    ("publish", re.compile(r"publish|serving")),
    ("checks", re.compile(r"check|quality|gx|expect|dq")),
    ("ingestion", re.compile("|".join(TABLES) + r"|ingest|raw")),
)


# Imported before timing so their bytecode is cached (see env_for).
WARM_IMPORTS = (
    "dagster",
    "dagster_dbt",
    "dbt.cli.main",
    "dbt.adapters.duckdb",
    "great_expectations",
    "pandas",
    "pyarrow",
    "streamlit",
    "pipelines.definitions",
    "pipelines.cli",
)


def pycache_dir(data_dir: Path) -> Path:
    return data_dir / "pycache"


def env_for(data_dir: Path) -> dict[str, str]:
    """The pipeline's environment. This machine sets PYTHONDONTWRITEBYTECODE, so every
    process would compile all its imports again (~11 s per ``jcw run`` at demo scale,
    measured with cProfile); a deployed pipeline has its bytecode cached, so the
    benchmark keeps a cache in the data directory."""
    env = dict(os.environ, JCW_DATA_DIR=str(data_dir))
    env.pop("DAGSTER_HOME", None)  # the pipeline derives it from JCW_DATA_DIR
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache_dir(data_dir))
    return env


def warm_bytecode(data_dir: Path) -> float:
    """Import the pipeline's heavy modules once in a subprocess (not timed as pipeline)."""
    import sys

    code = "\n".join(f"try:\n    import {m}\nexcept Exception:\n    pass" for m in WARM_IMPORTS)
    m = run_measured(
        [sys.executable, "-c", code], env_for(data_dir), data_dir / "warm.log", PROJECT_DIR
    )
    return m.seconds


def dbt_parse_cache(data_dir: Path) -> Path:
    return Settings(data_dir=data_dir).dbt_target_dir / "partial_parse.msgpack"


def warm_dbt_parse(data_dir: Path) -> float:
    """Parse the dbt project once for this data directory (not timed as pipeline). A
    deployed pipeline runs monthly on the same data directory, so its ``dbt build`` reuses
    dbt's parse cache; only the first run on a new directory parses the whole project
    (≈8 s more, measured in BENCHMARKS.md)."""
    settings = Settings(data_dir=data_dir)
    env = env_for(data_dir)
    env["JCW_WAREHOUSE_PATH"] = str(settings.warehouse_path)  # as the dbt asset sets it
    target = dbt_parse_cache(data_dir).parent
    cmd = [str(Path(JCW).with_name("dbt")), "parse", "--quiet", "--target-path", str(target)]
    m = run_measured(cmd, env, data_dir / "warm-dbt.log", PROJECT_DIR / "dbt_project")
    return m.seconds


def generate(data_dir: Path, months: str, seed: int, scale: str) -> Measured:
    cmd = [JCW, "generate", "--scale", scale, "--months", months, "--seed", str(seed), "--quiet"]
    return run_measured(cmd, env_for(data_dir), data_dir / "generate.log", PROJECT_DIR)


def run_pipeline(
    data_dir: Path, timeout: float | None = None, cmd: list[str] | None = None
) -> Measured:
    """``jcw run`` (or ``cmd``) on ``data_dir``, measured."""
    log = data_dir / "run.log"
    return run_measured(cmd or [JCW, "run"], env_for(data_dir), log, PROJECT_DIR, timeout)


def profile_pipeline(data_dir: Path, timeout: float | None = None, top: int = 25) -> dict:
    """One more ``jcw run`` under cProfile (slower than the measured runs): where the time goes."""
    import pstats
    import sys

    prof = data_dir / "run.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), JCW, "run"]
    m = run_measured(cmd, env_for(data_dir), data_dir / "profile.log", PROJECT_DIR, timeout)
    if not prof.exists():
        return {"returncode": m.returncode, "error": m.tail()}
    stats = pstats.Stats(str(prof))
    rows = []
    for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({func})",
                "file": file,
                "calls": ncalls,
                "tottime_s": tottime,
                "cumtime_s": cumtime,
            }
        )
    own = [r for r in rows if str(PROJECT_DIR / "pipelines") in r["file"]]
    return {
        "returncode": m.returncode,
        "seconds": m.seconds,
        "by_tottime": sorted(rows, key=lambda r: -r["tottime_s"])[:top],
        "project_by_cumtime": sorted(own, key=lambda r: -r["cumtime_s"])[:top],
    }


def stage_of(step_key: str) -> str:
    for stage, pattern in STAGE_PATTERNS:
        if pattern.search(step_key):
            return stage
    return "other"


def dagster_steps(dagster_home: Path) -> list[dict]:
    """Every step of every run in the data directory's Dagster instance, with its duration."""
    from dagster import DagsterInstance

    if not (dagster_home / "dagster.yaml").exists() and not (dagster_home / "history").exists():
        return []
    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    try:
        with DagsterInstance.get() as instance:
            steps = []
            for run in instance.get_runs():
                for s in instance.get_run_step_stats(run.run_id):
                    if s.start_time is None or s.end_time is None:
                        continue
                    steps.append(
                        {
                            "run_id": run.run_id,
                            "job": run.job_name,
                            "step_key": s.step_key,
                            "stage": stage_of(s.step_key),
                            "status": str(s.status.value if s.status else None),
                            "start": s.start_time,
                            "seconds": s.end_time - s.start_time,
                        }
                    )
            return sorted(steps, key=lambda s: s["start"])
    finally:
        if old is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = old


def stage_seconds(steps: list[dict]) -> dict[str, float]:
    """Seconds per stage: the sum of its steps (the in-process executor runs them one by one)."""
    busy: dict[str, float] = {}
    for s in steps:
        busy[s["stage"]] = busy.get(s["stage"], 0.0) + s["seconds"]
    return busy


def load_log_by_table(warehouse: Path) -> dict[str, dict]:
    """Per table: files, rows read and loaded, and seconds spent loading (from raw.load_log)."""
    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_name, count(*), sum(rows_read), sum(loaded), sum(quarantined), "
            "sum(epoch(finished_at) - epoch(started_at)) "
            "from raw.load_log where is_current group by table_name order by table_name"
        ).fetchall()
    except duckdb.Error as e:
        return {"error": {"message": str(e)}}
    finally:
        con.close()
    return {
        r[0]: {
            "files": r[1],
            "rows_read": r[2],
            "loaded": r[3],
            "quarantined": r[4],
            "seconds": r[5],
        }
        for r in rows
    }


def dbt_run_results(data_dir: Path, since: float, until: float, top: int = 10) -> dict | None:
    """dbt's own timings of the ``dbt build`` of the run between ``since`` and ``until``
    (epoch seconds), from ``run_results.json`` in the data directory's dbt target."""
    import json

    path = Settings(data_dir=data_dir).dbt_target_dir / "run_results.json"
    if not path.exists() or not since <= path.stat().st_mtime <= until:
        return None
    results = json.loads(path.read_text(encoding="utf-8"))
    nodes = sorted(results["results"], key=lambda r: -(r.get("execution_time") or 0))
    return {
        "elapsed_s": results.get("elapsed_time"),
        "nodes": len(nodes),
        "slowest": [
            {"node": n["unique_id"], "status": n["status"], "seconds": n["execution_time"]}
            for n in nodes[:top]
        ],
    }


def pipeline_stages(data_dir: Path) -> dict:
    settings = Settings(data_dir=data_dir)
    steps = dagster_steps(settings.dagster_home)
    return {
        "stages_s": stage_seconds(steps),
        "steps": steps,
        "ingestion_by_table": load_log_by_table(settings.warehouse_path),
    }


def peak_by_stage(samples: list[tuple[float, int]], steps: list[dict]) -> dict[str, float]:
    """Peak tree RSS (GB) while each stage's Dagster steps ran, and outside them."""
    spans = [(s["start"], s["start"] + s["seconds"], s["stage"]) for s in steps]
    peaks: dict[str, float] = {}
    for t, rss in samples:
        stage = next((name for a, b, name in spans if a <= t <= b), "outside steps")
        peaks[stage] = max(peaks.get(stage, 0.0), rss / 2**30)
    return peaks
