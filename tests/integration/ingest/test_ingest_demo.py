"""The demo landing through real Dagster into a real DuckDB file, checked against the
generator's ground-truth manifest; no personal value anywhere; a second run changes
nothing."""

import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_pipeline_isolated

pytestmark = pytest.mark.slow

ID_RUN = re.compile(r"[0-9０-９]{14,17}[0-9Xx０-９ｘＸ]")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _snapshot(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema = 'raw' ORDER BY 1"
            ).fetchall()
        ]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def ingested(demo_published, demo_landing):
    settings = demo_published["settings"]
    outcome = demo_published["outcome"]  # the first run, on the untouched demo landing
    first = _snapshot(settings.warehouse_path)
    second_outcome = run_pipeline_isolated(settings)
    second = _snapshot(settings.warehouse_path)
    data_dir = settings.data_dir
    pii = (
        (data_dir / "generator" / demo_landing["manifest"]["pii_values_path"])
        .read_text(encoding="utf-8")
        .split()
    )
    return {
        "settings": settings,
        "outcome": outcome,
        "first": first,
        "second": second,
        "second_outcome": second_outcome,
        "manifest": demo_landing["manifest"],
        "pii": set(pii),
    }


def test_every_file_reconciles_with_the_manifest(ingested):
    con = duckdb.connect(str(ingested["settings"].warehouse_path), read_only=True)
    log = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_file, status, rows_read, loaded, quarantined, duplicates, "
            "non_data_rows FROM raw.load_log WHERE is_current"
        ).fetchall()
    }
    quarantine: dict[str, dict[str, str]] = {}
    for source_file, row, code in con.execute(
        "SELECT source_file, source_row, reason_code FROM raw.quarantine"
    ).fetchall():
        quarantine.setdefault(source_file, {})[str(row)] = code
    con.close()
    files = ingested["manifest"]["files"]
    assert len(files) == len(log)
    for f in files:
        expected = (
            "loaded",
            f["rows_read"],
            f["expected_loaded"],
            f["expected_quarantined"],
            f["duplicates"],
            f["non_data_rows"],
        )
        assert log[f["path"]] == expected, f["path"]
        assert quarantine.get(f["path"], {}) == f["quarantine"], f["path"]
    assert ingested["outcome"].exit_code == 0


def test_raw_row_counts_equal_loaded_counts(ingested):
    by_table: dict[str, int] = {}
    for f in ingested["manifest"]["files"]:
        by_table[f["table"]] = by_table.get(f["table"], 0) + f["expected_loaded"]
    for table, n in by_table.items():
        assert len(ingested["first"][f"raw.{table}"]) == n, table


def _personal_hits(values, pii: set[str]) -> set[str]:
    hits = set()
    for v in values:
        if v is None:
            continue
        s = v if isinstance(v, str) else str(v)
        if s in pii:
            hits.add(s)
        hits |= {m for m in ID_RUN.findall(s) if m in pii}
        if s.startswith("{"):
            hits |= {str(x) for x in json.loads(s).values() if str(x) in pii}
    return hits


def test_no_personal_value_in_any_column_of_any_table(ingested):
    con = duckdb.connect(str(ingested["settings"].warehouse_path), read_only=True)
    columns = con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns"
    ).fetchall()
    assert len(columns) > 100
    hits = set()
    for schema, table, column in columns:
        values = con.execute(
            f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"'
        ).fetchall()
        hits |= _personal_hits((v for (v,) in values), ingested["pii"])
    con.close()
    assert not hits


def test_no_personal_value_in_dagster_storage(ingested):
    home = ingested["settings"].dagster_home
    names = {p for p in ingested["pii"] if not p[0].isdigit()}  # isdigit: full-width too
    ids = ingested["pii"] - names
    found = set()
    scanned = 0
    for path in home.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        scanned += len(text)
        found |= {m for m in ID_RUN.findall(text) if m in ids}
        for run in HAN_RUN.findall(text):
            found |= {
                run[i : i + n]
                for n in (2, 3)
                for i in range(len(run) - n + 1)
                if run[i : i + n] in names and (n == 3 or run == run[i : i + n])
            }
    assert scanned > 10_000  # the event log is there and was read
    assert not found


def test_second_run_changes_nothing(ingested):
    assert ingested["second_outcome"].files == []
    assert ingested["second_outcome"].exit_code == 0
    assert ingested["first"] == ingested["second"]


def test_blocking_reconcile_check_passed_in_every_run(ingested):
    import dagster as dg

    settings = ingested["settings"]
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        evaluations = [
            e.dagster_event.event_specific_data
            for run_id in ingested["outcome"].run_ids
            for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
            # the run also builds dbt and runs the quality checks: count ingestion's own
            if e.dagster_event.event_specific_data.asset_key.path[0] == "raw"
        ]
    tables = {f["table"] for f in ingested["manifest"]["files"]}
    months = set(ingested["outcome"].months)
    assert len(evaluations) == sum(
        1
        for m in months
        for t in tables
        if any(f["table"] == t and f["month"] == m for f in ingested["manifest"]["files"])
    )
    assert all(e.passed and e.check_name == "rows_reconcile" for e in evaluations)
