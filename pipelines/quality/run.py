"""``run_checks``: every quality check over the warehouse, results stored in ``dq.*``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.quality import completeness, integrity, outliers, rules
from pipelines.quality.db import columns_of, load_reference_regions, relation_exists
from pipelines.quality.results import BLOCKING, WARNING, CheckResult, write_check_results
from pipelines.settings import Settings

log = logging.getLogger(__name__)

# Columns of raw.load_log / raw.quarantine published in dq.loads / dq.quarantine: file
# names, counts and reasons, never the row contents (row_data stays in the warehouse).
LOAD_COLUMNS = [
    "load_id",
    "source_file",
    "department",
    "table_name",
    "period",
    "district_code",
    "file_sha256",
    "arrived_at",
    "rows_read",
    "non_data_rows",
    "duplicates",
    "loaded",
    "quarantined",
    "unknown_columns",
    "status",
    "error_message",
    "started_at",
    "finished_at",
    "is_current",
]
QUARANTINE_COLUMNS = [
    "source_file",
    "source_row",
    "table_name",
    "period",
    "reason_code",
    "reason",
    "load_id",
]


def _copy_columns(con: duckdb.DuckDBPyConnection, source: str, target: str, wanted) -> None:
    have = set(columns_of(con, "raw", source))
    cols = ", ".join(c for c in wanted if c in have)
    con.execute(f"CREATE OR REPLACE TABLE dq.{target} AS SELECT {cols} FROM raw.{source}")


def _publish_logs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS dq")
    if relation_exists(con, "raw", "load_log"):
        _copy_columns(con, "load_log", "loads", LOAD_COLUMNS)
    if relation_exists(con, "raw", "quarantine"):
        _copy_columns(con, "quarantine", "quarantine", QUARANTINE_COLUMNS)


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Reference temp tables, and the dq tables that are copies or counts (loads,
    quarantine, deliveries): everything but the checks themselves."""
    load_reference_regions(con)
    integrity.register_catalog(con, integrity.load_catalog(con))
    _publish_logs(con)
    completeness.build_deliveries(con)


def run_checks(
    settings: Settings,
    con_or_path: duckdb.DuckDBPyConnection | Path | str | None,
    run_id: str,
    build_docs: bool = True,
) -> list[CheckResult]:
    """Run every check, replace ``dq.check_results`` / ``deliveries`` / ``loads`` /
    ``quarantine`` in the warehouse and write GX data docs to ``settings.gx_docs_dir``.

    ``con_or_path``: an open read-write connection, or the warehouse path (None: the
    settings' warehouse). The caller holds the writer lock.
    """
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        return _run(settings, con_or_path, run_id, build_docs)
    path = Path(con_or_path or settings.warehouse_path)
    with duckdb.connect(str(path)) as con:
        return _run(settings, con, run_id, build_docs)


def _run(settings, con, run_id: str, build_docs: bool) -> list[CheckResult]:
    from pipelines.quality.expectations import GxValidator, validate_warehouse

    checked_at = datetime.now(UTC).replace(tzinfo=None)
    prepare(con)
    validator = GxValidator(settings.gx_docs_dir)
    results: list[CheckResult] = []
    # A check that cannot run is itself a finding: blocking where the group holds
    # integrity checks (they could not be verified), else a warning.
    for group, severity, run in (
        ("raw_columns_present", BLOCKING, integrity.raw_columns_present),
        ("files_reconcile", BLOCKING, integrity.files_reconcile),
        ("indicator_integrity", BLOCKING, integrity.indicator_integrity),
        ("expectations", BLOCKING, lambda c: validate_warehouse(c, validator, checked_at.date())),
        ("rules", WARNING, rules.all_rules),
        ("deliveries", WARNING, completeness.delivery_results),
        ("community_profile", WARNING, completeness.community_profile_results),
        ("outliers", WARNING, outliers.outlier_results),
    ):
        try:
            results += run(con)
        except Exception as exc:
            log.exception("检查 %s 出错", group)
            results.append(
                CheckResult(
                    "check_error",
                    None,
                    None,
                    passed=False,
                    observed=f"{group}：{type(exc).__name__}: {str(exc).splitlines()[0][:300]}",
                    expected="检查正常运行",
                    failing_rows=1,
                    severity=severity,
                )
            )
    write_check_results(con, results, run_id, checked_at)
    if build_docs:
        try:
            validator.build_docs()
        except Exception as exc:  # docs are a convenience; never fail the checks for them
            log.warning("GX 数据文档生成失败：%s", exc)
    failed = [r for r in results if not r.passed]
    log.info(
        "质量检查完成：%d 项，未通过 %d 项（阻断 %d 项）",
        len(results),
        len(failed),
        sum(r.blocking_failure for r in failed),
    )
    return results


def blocking_failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.blocking_failure]
