"""`python -m benchmarks.run` on the demo landing (floor and pandas parts only: the
pipeline's own tests cover `jcw run`): it writes its JSON and its BENCHMARKS.md section."""

from __future__ import annotations

import json

from benchmarks import run as bench_run
from benchmarks.report import targets, write_markdown

GENERATION_SECTION = "## Generation\n\nmedian of 3: 100 s (written by the generator's helper)\n"


def test_harness_writes_json_and_only_its_markdown_section(demo_landing, tmp_path, monkeypatch):
    out = tmp_path / "results.json"
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\n" + GENERATION_SECTION, encoding="utf-8")
    monkeypatch.setenv("BENCH_LANDING", str(demo_landing["landing"]))
    monkeypatch.setenv("BENCH_PARTS", "floor,pandas")
    monkeypatch.setenv("BENCH_SCALE", "demo")
    monkeypatch.setenv("BENCH_RUNS", "1")
    monkeypatch.setenv("BENCH_OUT", str(out))
    monkeypatch.setenv("BENCH_MD", str(md))
    monkeypatch.setenv("BENCH_TMP", str(tmp_path))

    assert bench_run.main() == 0

    results = json.loads(out.read_text(encoding="utf-8"))
    write_markdown(md, results)  # a second write replaces the section instead of adding one
    assert "errors" not in results, results.get("errors")
    assert results["machine"]["cores"] >= 1
    floor = results["floor"]
    for table in ("community_profile", "dibao_household", "floating_population"):
        assert floor["rows_by_table"][table] > 0, table
    assert floor["indicators"] == 45
    assert floor["files_without_header"] == 0
    agreement = results["pandas"]["agreement"]
    # 13 indicators × every region of the hierarchy × the demo's months
    months = len(demo_landing["manifest"]["months"])
    assert agreement["compared_rows"] == 13 * 5936 * months
    assert agreement["mismatched_rows"] == 0, agreement["examples"]
    assert {t["name"] for t in results["targets"]} >= {"dbt build", "end to end ÷ floor"}

    text = md.read_text(encoding="utf-8")
    assert GENERATION_SECTION in text
    assert text.count("## Benchmark\n") == 1
    assert "pandas baseline vs floor" in text
    # the temporary data directory is removed
    assert not list(tmp_path.glob("jcw-bench-*"))


def test_a_backfill_run_has_its_own_section(tmp_path):
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\n" + GENERATION_SECTION, encoding="utf-8")
    month = {"config": {"months": 1, "scale": "city"}, "landing_months": ["2025-01"]}
    year = {
        "config": {"months": 12, "scale": "city"},
        "landing_months": [f"2025-{m:02d}" for m in range(1, 13)],
        "pipeline": {"ok": True, "published": True, "seconds": 1000.0, "stages_s": {}},
    }
    for results in (month, year, month):  # each rewrite touches its own section only
        results["targets"] = targets(results)
        write_markdown(md, results)
    text = md.read_text(encoding="utf-8")
    assert text.count("## Benchmark\n") == 1 and text.count("## Benchmark: backfill\n") == 1
    backfill = text.split("## Benchmark: backfill\n")[1]
    assert "| 12-month backfill (generation excluded) | 1000.00 s | <= 1800 s | ✅ |" in backfill
    one_month = text.split("## Benchmark\n")[1].split("## Benchmark: backfill")[0]
    assert "| 12-month backfill (generation excluded) | — s |" in one_month
