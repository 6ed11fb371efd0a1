"""Write, audit, publish (architecture.md): serving files and ``serving/current``.

The pipeline alone writes the warehouse. After the checks, if no blocking check failed,
``analytics.*`` and ``dq.*`` are copied into a new ``serving/<version>.duckdb`` (written
in DuckDB 1.2 storage so analysts' duckdb 1.5 clients open it), synced to disk, renamed
into place, and ``serving/current`` is switched to it by renaming a new symlink over the
old one. Readers holding an older version keep it; a publish that dies midway leaves
only a temp file, which the next publish removes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.faults import pause_point
from pipelines.settings import Settings

PUBLISH_SCHEMAS = ("analytics", "dq")
STORAGE_VERSION = "v1.2.0"
# Columns that would carry personal data; a table holding one is never published.
PERSONAL_COLUMNS = {
    "person_key",
    "id_number",
    "head_id_number",
    "name",
    "head_name",
    "address",
    "permit_number",
    "row_data",
}

OUTCOME_LABELS = {
    "published": "已发布",
    "nothing_new": "无新数据",
    "blocked": "阻断，未发布",
    "failed": "运行失败",
}


class PublishError(RuntimeError):
    """A publish that must not happen (Chinese message for the user)."""


@dataclass
class RunOutcome:
    outcome: str  # published / nothing_new / blocked / failed
    message: str
    version: str | None = None
    blocking_failures: list[str] = field(default_factory=list)
    rejected_files: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.outcome in ("published", "nothing_new") else 1


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_last_run(settings: Settings, outcome: RunOutcome, run_id: str | None = None) -> Path:
    """``serving/last_run.json``, written atomically whatever the outcome."""
    settings.serving_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "finished_at": _utcnow().isoformat(timespec="seconds"),
        "outcome": outcome.outcome,
        "version": outcome.version,
        "blocking_failures": outcome.blocking_failures,
        "rejected_files": outcome.rejected_files,
        "message": outcome.message,
        "run_id": run_id,
    }
    target = settings.last_run_json
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    _fsync_path(settings.serving_dir)
    return target


def versions(settings: Settings) -> list[str]:
    """Published version names, oldest first (names start with the UTC timestamp)."""
    if not settings.serving_dir.exists():
        return []
    return sorted(p.stem for p in settings.serving_dir.glob("[!.]*.duckdb"))


def current_version(settings: Settings) -> str | None:
    link = settings.serving_current
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).stem


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _copy_published_tables(con: duckdb.DuckDBPyConnection, source: str) -> None:
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_schema IN ? ORDER BY 1, 2",
        [source, list(PUBLISH_SCHEMAS)],
    ).fetchall()
    if not any(s == "analytics" for s, _ in tables):
        raise PublishError("仓库中没有 analytics 表，无法发布")
    for schema in sorted({s for s, _ in tables}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS pub.{schema}")
    for schema, name in tables:
        cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = ? AND table_name = ?",
                [source, schema, name],
            ).fetchall()
        }
        personal = cols & PERSONAL_COLUMNS
        if personal:
            raise PublishError(f"{schema}.{name} 含个人信息列 {sorted(personal)}，拒绝发布")
        con.execute(
            f'CREATE TABLE pub.{schema}."{name}" AS SELECT * FROM "{source}".{schema}."{name}"'
        )


def _write_serving_file(
    warehouse: Path, target: Path, version: str, run_id: str, published_at: datetime
) -> None:
    source = warehouse.stem  # dbt-duckdb's views name the warehouse by its file stem
    with duckdb.connect() as con:
        con.execute(f'ATTACH {_quote(warehouse)} AS "{source}" (READ_ONLY)')
        con.execute(f"ATTACH {_quote(target)} AS pub (STORAGE_VERSION '{STORAGE_VERSION}')")
        _copy_published_tables(con, source)
        periods = (
            "SELECT list(DISTINCT period ORDER BY period) "
            f'FROM "{source}".analytics.indicator_values'
        )
        try:
            period_list = con.execute(periods).fetchall()[0][0] or []
        except duckdb.Error:
            period_list = []
        con.execute("CREATE SCHEMA IF NOT EXISTS pub.dq")
        con.execute(
            "CREATE TABLE pub.dq.publication "
            "(version VARCHAR, published_at TIMESTAMP, run_id VARCHAR, periods DATE[])"
        )
        con.execute(
            "INSERT INTO pub.dq.publication VALUES (?, ?, ?, ?)",
            [version, published_at.replace(tzinfo=None), run_id, period_list],
        )
        con.execute("CHECKPOINT pub")
        con.execute("DETACH pub")


def switch_current(settings: Settings, version: str) -> None:
    """Point serving/current at ``version``: a new symlink renamed over the old (atomic)."""
    link_tmp = settings.serving_dir / f".current.{os.getpid()}.tmp"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(f"{version}.duckdb", link_tmp)
    os.replace(link_tmp, settings.serving_current)
    _fsync_path(settings.serving_dir)


def prune(settings: Settings) -> list[str]:
    """Keep the newest ``keep_versions`` versions and the current one; delete the rest."""
    names = versions(settings)
    keep = set(names[-max(1, settings.keep_versions) :]) | {current_version(settings)}
    removed = []
    for name in names:
        if name not in keep:
            for suffix in (".duckdb", ".duckdb.wal"):
                (settings.serving_dir / f"{name}{suffix}").unlink(missing_ok=True)
            removed.append(name)
    return removed


def _remove_stale_temps(settings: Settings) -> None:
    # Left by a publish that was killed; only one publisher runs (writer lock).
    for p in settings.serving_dir.glob(".*.tmp"):
        p.unlink(missing_ok=True)
    for p in settings.serving_dir.glob(".*.tmp.wal"):
        p.unlink(missing_ok=True)


def publish(settings: Settings, run_id: str) -> str:
    """Write a new serving version from the warehouse and make it current. Returns it."""
    settings.serving_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(settings)
    published_at = _utcnow()
    version = f"{published_at:%Y%m%dT%H%M%S}{published_at.microsecond // 1000:03d}Z-{run_id[:8]}"
    tmp = settings.serving_dir / f".{version}.duckdb.tmp"
    final = settings.serving_dir / f"{version}.duckdb"
    _write_serving_file(settings.warehouse_path, tmp, version, run_id, published_at)
    _fsync_path(tmp)
    pause_point("publish")  # tests SIGKILL here: temp file complete, not yet switched
    os.replace(tmp, final)
    _fsync_path(settings.serving_dir)
    switch_current(settings, version)
    prune(settings)
    return version


def rollback(settings: Settings) -> tuple[str, str]:
    """Switch serving/current to the version published before the current one."""
    names = versions(settings)
    current = current_version(settings)
    if current not in names:
        raise PublishError("当前没有已发布的版本，无法回退")
    index = names.index(current)
    if index == 0:
        raise PublishError(f"当前版本 {current} 已是保留的最早版本，无法再回退")
    previous = names[index - 1]
    switch_current(settings, previous)
    return current, previous


def results_from_warehouse(settings: Settings) -> tuple[list, list[str]]:
    """This run's check results (dq.check_results) and the files whose latest attempt was
    rejected or unrecognised, read back from the warehouse (the caller holds the lock)."""
    from pipelines.quality.results import CheckResult

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        results = [
            CheckResult(
                check_name=r[0],
                table_name=r[1],
                period=r[2],
                passed=r[3],
                observed=r[4],
                expected=r[5],
                failing_rows=r[6],
                region_code=r[7],
                severity=r[8],
            )
            for r in con.execute(
                "SELECT check_name, table_name, period, passed, observed, expected, "
                "failing_rows, region_code, severity FROM dq.check_results"
            ).fetchall()
        ]
        rejected = [
            r[0]
            for r in con.execute(
                "SELECT source_file FROM raw.load_log "
                "QUALIFY row_number() OVER (PARTITION BY source_file ORDER BY finished_at DESC "
                "NULLS LAST) = 1 AND status IN ('rejected', 'unrecognized') ORDER BY 1"
            ).fetchall()
        ]
    return results, rejected


def record_blocked(
    settings: Settings, run_id: str, results: list, rejected_files: list[str] | None = None
) -> RunOutcome:
    """Nothing is published: say which blocking checks failed (Chinese) in last_run.json."""
    names = [r.describe() for r in results if r.blocking_failure]
    outcome = RunOutcome(
        "blocked",
        "阻断性检查未通过，本次未发布，仍保留上一版本：\n" + "\n".join(f"- {n}" for n in names),
        version=current_version(settings),
        blocking_failures=names,
        rejected_files=list(rejected_files or []),
    )
    write_last_run(settings, outcome, run_id)
    return outcome


def audit_and_publish(
    settings: Settings,
    run_id: str,
    results: list,
    rejected_files: list[str] | None = None,
) -> RunOutcome:
    """Publish if no blocking check failed; record the outcome in last_run.json either way."""
    rejected = list(rejected_files or [])
    if any(r.blocking_failure for r in results):
        return record_blocked(settings, run_id, results, rejected)
    try:
        version = publish(settings, run_id)
    except Exception as exc:
        outcome = RunOutcome(
            "failed",
            f"发布失败，仍保留上一版本：{exc}",
            version=current_version(settings),
            rejected_files=rejected,
        )
        write_last_run(settings, outcome, run_id)
        raise
    # summary rows only: per-district/community details repeat their summary
    warnings = sum(1 for r in results if not r.passed and r.region_code is None)
    outcome = RunOutcome(
        "published",
        f"已发布版本 {version}；{warnings} 项警告（见 dq.check_results）"
        + (f"；{len(rejected)} 个文件被拒收" if rejected else ""),
        version=version,
        rejected_files=rejected,
    )
    write_last_run(settings, outcome, run_id)
    return outcome
