"""Targets of issue 7 against measured results, and the "Benchmark" section of BENCHMARKS.md."""

from __future__ import annotations

import re
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SECTION_TITLE = "## Benchmark"
# A backfill run (more than one month) has its own section: both stay on record.
BACKFILL_START, BACKFILL_END = "<!-- bench-backfill:start -->", "<!-- bench-backfill:end -->"
BACKFILL_TITLE = "## Benchmark: backfill"


def _months(r: dict) -> int | None:
    return len(r.get("landing_months") or []) or _get(r, "config", "months")


def section_marks(r: dict) -> tuple[str, str, str]:
    """(title, start marker, end marker) of the section this run's results go to: a run
    asked for more than one month (BENCH_MONTHS) is a backfill."""
    if (_get(r, "config", "months") or 1) > 1:
        return BACKFILL_TITLE, BACKFILL_START, BACKFILL_END
    return SECTION_TITLE, START, END


def _get(d: dict | None, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _ratio(a, b):
    return a / b if a is not None and b else None


def _target(
    name: str, measured, op: str, limit: float, unit: str, note: str = "", judged: bool = True
) -> dict:
    met = None
    if measured is not None and judged:
        met = measured <= limit if op == "<=" else measured < limit
    return {
        "name": name,
        "measured": measured,
        "op": op,
        "target": limit,
        "unit": unit,
        "met": met,
        "note": note,
    }


def targets(r: dict) -> list[dict]:
    cfg = r.get("config", {})
    city = cfg.get("scale") == "city"
    months = _months(r)
    pipe_s = _get(r, "pipeline", "seconds") if _get(r, "pipeline", "ok") else None
    stages = _get(r, "pipeline", "stages_s") or {}
    pages = _get(r, "dashboard", "pages") or {}
    scale_note = "" if city else "not city scale: smoke run only"
    if _get(r, "pipeline", "ok") and not _get(r, "pipeline", "published"):
        scale_note = (scale_note + "; " if scale_note else "") + "the run published nothing"
    return [
        _target(
            "one city month end to end (generation excluded)",
            pipe_s if months == 1 else None,
            "<=",
            180,
            "s",
            scale_note,
            judged=city,
        ),
        _target("end to end ÷ floor", _ratio(pipe_s, _get(r, "floor", "total_s")), "<=", 2.5, "×"),
        _target(
            "ingestion ÷ floor read",
            _ratio(stages.get("ingestion"), _get(r, "floor", "read_s")),
            "<=",
            2,
            "×",
        ),
        _target(
            "dbt build",
            stages.get("dbt_build") if months == 1 else None,
            "<=",
            60,
            "s",
            scale_note if months == 1 else "a target for one month; see the stages below",
            judged=city,
        ),
        _target(
            "12-month backfill (generation excluded)",
            pipe_s if months == 12 else None,
            "<=",
            1800,
            "s",
            "" if months == 12 else f"see the section {BACKFILL_TITLE[3:]!r} (BENCH_MONTHS=12)",
            judged=city,
        ),
        _target(
            "peak memory (pipeline process tree)", _get(r, "pipeline", "peak_rss_gb"), "<=", 6, "GB"
        ),
        _target(
            "dashboard page p95 (warm cache, slowest page)",
            max((p["warm_p95_s"] for p in pages.values()), default=None),
            "<=",
            1,
            "s",
        ),
        _target(
            "pipeline ÷ pandas baseline, same files",
            _ratio(_get(r, "subset", "seconds"), _get(r, "pandas", "total_s")),
            "<",
            1,
            "×",
            "`jcw run` on only the three tables pandas reads (it still validates, "
            "pseudonymises, checks and publishes); pandas computes 13 DB_*/FL_* indicators",
        ),
        _target(
            "pipeline (all files) ÷ pandas baseline",
            _ratio(pipe_s, _get(r, "pandas", "total_s")),
            "<",
            1,
            "×",
            "the pipeline reads all nine tables and computes all 45 indicators",
            judged=False,
        ),
    ]


def _outside(r: dict) -> float | None:
    """Pipeline wall time not inside any Dagster step."""
    total = _get(r, "pipeline", "seconds")
    stages = _get(r, "pipeline", "stages_s")
    return total - sum(stages.values()) if total is not None and stages else None


def _fmt(v, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _met(t: dict) -> str:
    if t["met"] is None:
        return "not measured" if t["measured"] is None else "not judged"
    return {True: "✅", False: "❌"}[t["met"]]


def render(r: dict) -> str:
    m = r.get("machine", {})
    cfg = r.get("config", {})
    title, start, end = section_marks(r)
    lines = [
        title,
        "",
        start,
        "",
        f"Run `make bench` ({r.get('started_at')} → {r.get('finished_at')}); "
        f"scale `{cfg.get('scale')}`, months {', '.join(r.get('landing_months') or [])}, "
        f"seed {cfg.get('seed')}; medians of up to {cfg.get('runs')} runs per baseline and "
        f"{cfg.get('pipeline_runs')} pipeline runs.",
        "",
        f"Pipeline command: `{' '.join(cfg.get('pipeline_cmd') or ['jcw', 'run'])}`.",
        "",
        f"Machine: {m.get('cpu_model')}, {m.get('cores')} cores, {m.get('memory_gb')} GB RAM, "
        f"Python {m.get('python')}, DuckDB {m.get('duckdb')}.",
        "",
        "| target | measured | target | met | note |",
        "|---|---|---|---|---|",
    ]
    for t in r.get("targets", []):
        lines.append(
            f"| {t['name']} | {_fmt(t['measured'])} {t['unit']} | {t['op']} {t['target']} "
            f"{t['unit']} | {_met(t)} | {t['note']} |"
        )
    gen = r.get("generate")
    lines += ["", "Stages (seconds, medians):", ""]
    lines += ["| step | pipeline | floor | pandas |", "|---|---|---|---|"]
    stages = _get(r, "pipeline", "stages_s") or {}
    rows = [
        ("generation (departments, not us)", _get(gen, "seconds"), None, None),
        (
            "read / ingestion",
            stages.get("ingestion"),
            _get(r, "floor", "read_s"),
            _get(r, "pandas", "read_s"),
        ),
        (
            "indicators / dbt build",
            stages.get("dbt_build"),
            _get(r, "floor", "sql_s"),
            _get(r, "pandas", "compute_s"),
        ),
        ("checks", stages.get("checks"), None, None),
        ("publish", stages.get("publish"), None, None),
        ("other Dagster steps", stages.get("other"), None, None),
        ("pipeline on the pandas baseline's files only", _get(r, "subset", "seconds"), None, None),
        ("outside Dagster steps (start-up, planning, summary)", _outside(r), None, None),
        (
            "total (end to end)",
            _get(r, "pipeline", "seconds"),
            _get(r, "floor", "total_s"),
            _get(r, "pandas", "total_s"),
        ),
        (
            "peak memory (GB)",
            _get(r, "pipeline", "peak_rss_gb"),
            _get(r, "floor", "peak_rss_gb"),
            _get(r, "pandas", "peak_rss_gb"),
        ),
    ]
    for name, a, b, c in rows:
        lines.append(f"| {name} | {_fmt(a, 1)} | {_fmt(b, 1)} | {_fmt(c, 1)} |")
    by_stage = _get(r, "pipeline", "peak_rss_gb_by_stage")
    if by_stage:
        lines += ["", "Peak memory of the process tree while each stage ran (GB, highest run):", ""]
        lines += ["| stage | peak GB |", "|---|---|"]
        lines += [f"| {stage} | {_fmt(gb)} |" for stage, gb in by_stage.items()]
    by_table = _get(r, "pipeline", "runs")
    if by_table:
        ingest = by_table[-1].get("ingestion_by_table") or {}
        if ingest and "error" not in ingest:
            lines += [
                "",
                "Ingestion per table (last run, from `raw.load_log`; seconds summed over "
                "the files, which load two at a time):",
                "",
            ]
            lines += ["| table | files | rows read | loaded | quarantined | seconds |"]
            lines += ["|---|---|---|---|---|---|"]
            for table, v in ingest.items():
                lines.append(
                    f"| {table} | {v['files']} | {v['rows_read']} | {v['loaded']} | "
                    f"{v['quarantined']} | {_fmt(v['seconds'], 1)} |"
                )
    dbt = (by_table or [{}])[-1].get("dbt") if by_table else None
    if dbt:
        lines += [
            "",
            f"dbt build (last run, dbt's run_results.json): {_fmt(dbt['elapsed_s'], 1)} s for "
            f"{dbt['nodes']} nodes; slowest:",
            "",
            "| node | seconds |",
            "|---|---|",
        ]
        lines += [f"| {n['node']} | {_fmt(n['seconds'])} |" for n in dbt["slowest"]]
    profile = r.get("profile") or {}
    if profile.get("project_by_cumtime"):
        lines += [
            "",
            "Profile of one more `jcw run` (cProfile, project functions by cumulative "
            "time; the run is slower under the profiler):",
            "",
        ]
        lines += ["| function | calls | cumulative s |", "|---|---|---|"]
        lines += [
            f"| {x['function']} | {x['calls']} | {_fmt(x['cumtime_s'], 1)} |"
            for x in profile["project_by_cumtime"][:12]
        ]
    skipped = _get(r, "floor", "files_without_header")
    if skipped:
        lines += ["", f"The floor found no header row in {skipped} files (not read)."]
    agreement = _get(r, "pandas", "agreement")
    if agreement:
        lines += [
            "",
            f"pandas baseline vs floor: {agreement['compared_rows']} values "
            f"(DB_*, FL_* × period × region) compared, {agreement['mismatched_rows']} differ.",
        ]
    pages = _get(r, "dashboard", "pages") or {}
    if pages:
        lines += ["", "Dashboard pages (Streamlit AppTest, seconds):", ""]
        lines += ["| page | cold p50 | cold p95 | warm p50 | warm p95 |", "|---|---|---|---|---|"]
        for name, p in pages.items():
            lines.append(
                f"| {name} | {_fmt(p['cold_p50_s'])} | {_fmt(p['cold_p95_s'])} | "
                f"{_fmt(p['warm_p50_s'])} | {_fmt(p['warm_p95_s'])} |"
            )
    browser = _get(r, "dashboard", "browser")
    if browser:
        lines += [
            "",
            f"Headless Chromium, until 「{browser['expect_text']}」 renders: a new user's first "
            f"load {_fmt(browser['first_load_s'])} s, reload {_fmt(browser['reload_s'])} s "
            f"(the server's very first session, start-up included: "
            f"{_fmt(browser.get('server_first_load_s'))} s).",
        ]
    serving = _get(r, "dashboard", "serving")
    if pages and serving:
        lines += ["", f"Serving file timed: {serving}."]
    skipped = _get(r, "dashboard", "skipped")
    if skipped:
        lines += ["", f"Dashboard not timed: {skipped}"]
    for name, err in (r.get("errors") or {}).items():
        last = err.strip().splitlines()[-1] if err.strip() else ""
        lines += ["", f"Part `{name}` failed: `{last}`"]
    lines += ["", end, ""]
    return "\n".join(lines)


def write_markdown(path: Path, results: dict) -> None:
    """Replace only this run's section, one month or backfill (other sections, e.g.
    Generation, stay as they are)."""
    section = render(results)
    title, start, end = section_marks(results)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"{re.escape(title)}\n\n{re.escape(start)}.*?{re.escape(end)}\n", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
