"""``make bench``: generation, the real pipeline, the floor, the pandas baseline and the
dashboard, timed on the same landing; results to JSON and to BENCHMARKS.md.

Environment:
  BENCH_MONTHS  months to generate from 2025-01 (default 1; 12 for the backfill)
  BENCH_RUNS    rounds of one floor, pandas and pipeline run each, alternating (default 3);
                medians are reported
  BENCH_SCALE   city (default) or demo (a quick smoke run)
  BENCH_OUT     results JSON (default bench_out/results.json)
  BENCH_SEED    generator seed (default 2007)
  BENCH_PARTS   comma list of parts to run (default all but profile):
                generate,pipeline,floor,pandas,subset,dashboard,browser,profile
  BENCH_LANDING use this existing landing instead of generating one (read only)
  BENCH_MD      the Markdown file whose "Benchmark" section is rewritten
                (default BENCHMARKS.md; "-" to skip)
  BENCH_TMP     parent of the temporary data directory (default the system's)
  BENCH_KEEP    1 keeps the temporary data directory
  BENCH_DATA_DIR  work in this data directory instead of a temporary one (kept); with
                BENCH_PARTS=dashboard it times the dashboard on an earlier run's output
  BENCH_PIPELINE_RUNS  repetitions of the pipeline run (default BENCH_RUNS)
  BENCH_PAGE_LOADS     loads of each dashboard page, cold and warm (default 5)
  BENCH_PIPELINE_TIMEOUT  seconds after which a pipeline run is killed (default 3600)
  BENCH_PIPELINE_CMD   the pipeline command instead of `jcw run` (recorded in the results)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks import floor, pandas_baseline, pipeline_run
from benchmarks.landing import landing_files
from benchmarks.machine import machine
from benchmarks.procmon import PeakSampler
from benchmarks.report import targets, write_markdown
from pipelines.settings import PROJECT_DIR, Settings

ALL_PARTS = ("generate", "pipeline", "floor", "pandas", "subset", "dashboard", "browser")
SYNTHETIC_SERVING = PROJECT_DIR / "tests" / "dashboard" / "city_scale.py"
# A pipeline run longer than this is not repeated (medians "where short enough").
REPEAT_LIMIT_S = 300


def config() -> dict:
    env = os.environ
    months = int(env.get("BENCH_MONTHS", "1"))
    parts = env.get("BENCH_PARTS", ",".join(ALL_PARTS)).split(",")
    return {
        "months": months,
        "month_range": f"2025-01:2025-{months:02d}",
        "runs": max(1, int(env.get("BENCH_RUNS", "3"))),
        "scale": env.get("BENCH_SCALE", "city"),
        "seed": int(env.get("BENCH_SEED", "2007")),
        "parts": [p.strip() for p in parts if p.strip()],
        "out": Path(env.get("BENCH_OUT", PROJECT_DIR / "bench_out" / "results.json")),
        "landing": env.get("BENCH_LANDING"),
        "markdown": env.get("BENCH_MD", str(PROJECT_DIR / "BENCHMARKS.md")),
        "tmp": env.get("BENCH_TMP"),
        "keep": env.get("BENCH_KEEP") == "1" or bool(env.get("BENCH_DATA_DIR")),
        "data_dir": env.get("BENCH_DATA_DIR"),
        "pipeline_runs": int(env.get("BENCH_PIPELINE_RUNS", env.get("BENCH_RUNS", "3"))),
        "page_loads": int(env.get("BENCH_PAGE_LOADS", "5")),
        "pipeline_timeout": float(env.get("BENCH_PIPELINE_TIMEOUT", "3600")),
        "pipeline_cmd": shlex.split(env.get("BENCH_PIPELINE_CMD", "")) or None,
    }


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def median_of(runs: list[dict], key: str) -> float | None:
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def reset_data_dir(data_dir: Path) -> None:
    """Everything but landing/, the generator's manifest and the caches a deployed pipeline
    keeps between monthly runs (bytecode, dbt's parse) goes: the next run starts fresh."""
    parse_cache = pipeline_run.dbt_parse_cache(data_dir)
    kept = parse_cache.read_bytes() if parse_cache.exists() else None
    for child in data_dir.iterdir():
        if child.name in ("landing", "generator", "pycache") or child.suffix == ".log":
            continue
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    if kept is not None:
        parse_cache.parent.mkdir(parents=True)
        parse_cache.write_bytes(kept)


def pipeline_warmup(data_dir: Path) -> float:
    log("caching the bytecode of the pipeline's imports and dbt's parse (not timed)")
    return pipeline_run.warm_bytecode(data_dir) + pipeline_run.warm_dbt_parse(data_dir)


def pipeline_once(data_dir: Path, label: str, timeout: float, cmd: list[str] | None) -> dict:
    reset_data_dir(data_dir)
    log(f"pipeline run {label} (killed after {timeout:.0f} s)")
    started = time.time()
    m = pipeline_run.run_pipeline(data_dir, timeout, cmd)
    stages = pipeline_run.pipeline_stages(data_dir)
    log(f"  {m.seconds:.1f} s, exit {m.returncode}, peak {m.peak_rss_bytes / 2**30:.2f} GB")
    return {
        "seconds": m.seconds,
        "peak_rss_gb": m.peak_rss_bytes / 2**30,
        "peak_rss_gb_by_stage": pipeline_run.peak_by_stage(m.samples, stages["steps"]),
        "returncode": m.returncode,
        "timed_out": m.returncode == -9,
        "published": Settings(data_dir=data_dir).serving_current.exists(),
        "stages_s": stages["stages_s"],
        "ingestion_by_table": stages["ingestion_by_table"],
        "dbt": pipeline_run.dbt_run_results(data_dir, started, time.time()),
        "steps": stages["steps"],
        "log_tail": m.tail() if m.returncode else "",
    }


def repeat_pipeline(run: dict) -> bool:
    """A failed run, or one too long to repeat (the backfill), ends the repetitions."""
    return run["returncode"] == 0 and run["seconds"] <= REPEAT_LIMIT_S


def pipeline_summary(results: list[dict], warm_s: float) -> dict:
    stage_names = sorted({s for r in results for s in r["stages_s"]})
    return {
        "runs": results,
        "bytecode_warmup_s": warm_s,
        "seconds": median_of(results, "seconds"),
        "peak_rss_gb": max(r["peak_rss_gb"] for r in results),
        "peak_rss_gb_by_stage": {
            s: max(r["peak_rss_gb_by_stage"].get(s, 0.0) for r in results)
            for s in sorted({s for r in results for s in r["peak_rss_gb_by_stage"]})
        },
        "ok": all(r["returncode"] == 0 for r in results),
        "published": all(r["published"] for r in results),
        "stages_s": {
            s: statistics.median([r["stages_s"][s] for r in results if s in r["stages_s"]])
            for s in stage_names
        },
    }


def bench_pipeline(data_dir: Path, runs: int, timeout: float, cmd: list[str] | None) -> dict:
    warm_s = pipeline_warmup(data_dir)
    results = []
    for i in range(runs):
        results.append(pipeline_once(data_dir, f"{i + 1}/{runs}", timeout, cmd))
        if not repeat_pipeline(results[-1]):
            break
    return pipeline_summary(results, warm_s)


def baseline_once(name: str, run, landing: Path, label: str, phases: tuple) -> tuple:
    """One timed run of a baseline: ``run(landing)`` returns (its output, its timings)."""
    log(f"{name} run {label}")
    with PeakSampler() as peak:
        output, t = run(landing)
    t["peak_rss_gb"] = peak.peak / 2**30
    log("  " + ", ".join(f"{p} {t[p + '_s']:.1f} s" for p in phases))
    return t, output


def floor_summary(timings: list[dict]) -> dict:
    summary = {k: median_of(timings, k) for k in ("read_s", "sql_s", "total_s", "peak_rss_gb")}
    summary.update(
        runs=timings,
        rows_by_table=timings[-1]["rows_by_table"],
        files_without_header=timings[-1]["files_without_header"],
        indicators=timings[-1]["indicators"],
    )
    return summary


def pandas_summary(timings: list[dict], values, floor_con) -> dict:
    summary = {k: median_of(timings, k) for k in ("read_s", "compute_s", "total_s", "peak_rss_gb")}
    summary["runs"] = timings
    summary["indicators"] = sorted(pandas_baseline.CODES)
    if floor_con is not None:
        summary["agreement"] = pandas_baseline.compare(
            values, floor.values(floor_con, ("DB_", "FL_"))
        )
        log(f"  agreement with the floor: {summary['agreement']['mismatched_rows']} mismatches")
    return summary


def bench_rounds(cfg: dict, landing: Path, data_dir: Path, results: dict) -> None:
    """The floor, the pandas baseline and the pipeline, one run of each per round.

    Alternating them, instead of all floor runs first, keeps this machine's drift (its
    speed varies by ±10 % within minutes) out of the ratios between them. The pandas
    agreement is checked against the same round's floor; the floor's memory is freed
    before the pipeline runs. A part that fails is not run again."""
    parts = cfg["parts"]
    plan = {
        "floor": cfg["runs"] if "floor" in parts else 0,
        "pandas": cfg["runs"] if "pandas" in parts else 0,
        "pipeline": cfg["pipeline_runs"] if "pipeline" in parts else 0,
    }
    runs: dict[str, list] = {part: [] for part in plan}

    def due(part: str, i: int) -> bool:
        return i < plan[part] and part not in results.get("errors", {})

    warm_s = guarded(results, "pipeline", pipeline_warmup, data_dir) if plan["pipeline"] else 0.0
    rounds = max(plan.values())
    values = None
    for i in range(rounds):
        label = f"{i + 1}/{rounds}"
        floor_con = None
        floor_run = ("floor", floor.run, landing, label, ("read", "sql"))
        if due("floor", i) and (out := guarded(results, "floor", baseline_once, *floor_run)):
            t, floor_con = out
            runs["floor"].append(t)
        pandas_run = ("pandas", pandas_baseline.run, landing, label, ("read", "compute"))
        if due("pandas", i) and (out := guarded(results, "pandas", baseline_once, *pandas_run)):
            t, values = out
            runs["pandas"].append(t)
            if len(runs["pandas"]) == plan["pandas"]:
                results["pandas"] = guarded(
                    results, "pandas", pandas_summary, runs["pandas"], values, floor_con
                )
        if floor_con is not None:
            floor_con.close()
        piped = runs["pipeline"]
        if due("pipeline", i) and (not piped or repeat_pipeline(piped[-1])):
            timeout, cmd = cfg["pipeline_timeout"], cfg["pipeline_cmd"]
            if out := guarded(results, "pipeline", pipeline_once, data_dir, label, timeout, cmd):
                piped.append(out)
    if runs["floor"]:
        results["floor"] = floor_summary(runs["floor"])
    if runs["pandas"] and "pandas" not in results:
        results["pandas"] = pandas_summary(runs["pandas"], values, None)
    if runs["pipeline"]:
        results["pipeline"] = pipeline_summary(runs["pipeline"], warm_s or 0.0)


def bench_subset(landing: Path, tmp: str | None, runs: int, timeout: float) -> dict:
    """``jcw run`` on only the files the pandas baseline reads (its three tables): the
    pipeline's price for what pandas computes, in a data directory of its own."""
    data_dir = Path(tempfile.mkdtemp(prefix="jcw-bench-subset-", dir=tmp))
    try:
        copied = 0
        for f in landing_files(landing):
            if f.table.name in pandas_baseline.TABLES:
                target = data_dir / "landing" / f.path.relative_to(landing)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f.path, target)
                copied += 1
        log(f"pipeline on the pandas subset: {copied} files of {', '.join(pandas_baseline.TABLES)}")
        out = bench_pipeline(data_dir, runs, timeout, None)
        out["tables"] = list(pandas_baseline.TABLES)
        out["files"] = copied
        return out
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def bench_dashboard(data_dir: Path, parts: list[str], loads: int, scale: str) -> dict:
    from benchmarks import dashboard_bench

    out: dict = {"serving": "serving/current as published by the pipeline"}
    server_env = pipeline_run.env_for(data_dir)  # the same bytecode cache as the pipeline
    if not Settings(data_dir=data_dir).serving_current.exists():
        if scale != "city":
            return {"skipped": "no serving/current: the pipeline did not publish"}
        # The dashboard's own city-scale file (every region × 45 indicators × 12 months,
        # random values): the page times still mean something, the figures do not.
        data_dir = data_dir / "synthetic_serving"
        log("the pipeline did not publish: timing the dashboard on a synthetic city-scale file")
        subprocess.run(
            [sys.executable, str(SYNTHETIC_SERVING), str(data_dir)],
            cwd=PROJECT_DIR,
            check=True,
            capture_output=True,
        )
        out["serving"] = (
            "synthetic city-scale serving file (tests/dashboard/city_scale.py: every region "
            "× 45 indicators × 12 months, random values), the pipeline did not publish"
        )
    if "dashboard" in parts:
        log("dashboard pages (AppTest, cold and warm)")
        out["pages"] = dashboard_bench.time_pages(data_dir, repeats=loads)
    if "browser" in parts:
        log("dashboard in headless Chromium")
        out["browser"] = dashboard_bench.browser_load(data_dir, env=server_env)
    return out


def guarded(results: dict, name: str, fn, *args):
    """Run one part; a failing part is recorded and the others still run."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 — any failure is a result to report
        log(f"{name} failed: {e}")
        results.setdefault("errors", {})[name] = traceback.format_exc(limit=5)
        return None


def main() -> int:
    cfg = config()
    parts = cfg["parts"]
    started = dt.datetime.now(dt.UTC)
    if cfg["data_dir"]:
        data_dir = Path(cfg["data_dir"]).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="jcw-bench-", dir=cfg["tmp"]))
    landing = Path(cfg["landing"]) if cfg["landing"] else data_dir / "landing"
    results: dict = {
        "started_at": started.isoformat(timespec="seconds"),
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in cfg.items()},
        "machine": machine(),
    }
    log(f"data dir {data_dir}, scale {cfg['scale']}, months {cfg['month_range']}")
    try:
        if cfg["landing"] and "pipeline" in parts:
            # the pipeline needs the landing inside its data directory (mtimes kept)
            shutil.copytree(landing, data_dir / "landing", copy_function=shutil.copy2)
            landing = data_dir / "landing"
        elif "generate" in parts and not landing.exists():
            log("generating extracts (jcw generate)")
            m = pipeline_run.generate(data_dir, cfg["month_range"], cfg["seed"], cfg["scale"])
            results["generate"] = {"seconds": m.seconds, "returncode": m.returncode}
            if m.returncode:
                results["generate"]["log_tail"] = m.tail()
            log(f"  {m.seconds:.1f} s, exit {m.returncode}")
        results["landing_months"] = sorted({p.name for p in landing.glob("*/*") if p.is_dir()})
        bench_rounds(cfg, landing, data_dir, results)
        if "subset" in parts:
            results["subset"] = guarded(
                results,
                "subset",
                bench_subset,
                landing,
                cfg["tmp"],
                cfg["pipeline_runs"],
                cfg["pipeline_timeout"],
            )
        if "profile" in parts:
            log("pipeline under cProfile (not timed)")
            reset_data_dir(data_dir)
            results["profile"] = guarded(
                results, "profile", pipeline_run.profile_pipeline, data_dir, cfg["pipeline_timeout"]
            )
        if {"dashboard", "browser"} & set(parts):
            results["dashboard"] = guarded(
                results,
                "dashboard",
                bench_dashboard,
                data_dir,
                parts,
                cfg["page_loads"],
                cfg["scale"],
            )
    finally:
        results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        results["targets"] = targets(results)
        cfg["out"].parent.mkdir(parents=True, exist_ok=True)
        cfg["out"].write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        log(f"results in {cfg['out']}")
        if cfg["markdown"] != "-":
            write_markdown(Path(cfg["markdown"]), results)
            log(f"table in {cfg['markdown']}")
        if not cfg["keep"]:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
