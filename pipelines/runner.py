"""What ``jcw run`` executes: ingestion through Dagster, then the downstream steps.

``run_pipeline`` holds the warehouse writer lock for the whole run, finds the months
whose landing files changed, materialises the ingestion assets for each month
(one Dagster run per month partition, in-process, recorded in the instance at
``$JCW_DATA_DIR/dagster`` so ``dagster dev`` shows them), then calls each step of
``downstream_steps()`` in order (dbt build, checks, publish: added by those parts).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import dagster as dg

from pipelines import warehouse
from pipelines.ingest import files as landing
from pipelines.ingest import schema
from pipelines.ingest.load import FileResult
from pipelines.settings import Settings, get_settings

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
INGEST_JOB = "ingest"


@dataclass
class StepResult:
    """What a downstream step reports. ``ok=False`` with ``blocking=True`` fails the run."""

    name: str
    ok: bool
    message: str = ""  # Chinese, shown in the summary
    blocking: bool = True
    run_id: str | None = None


@dataclass
class RunOutcome:
    months: list[str]  # months whose ingestion ran
    files: list[FileResult] = field(default_factory=list)  # files acted on in this run
    run_ids: list[str] = field(default_factory=list)  # Dagster runs (ingestion and steps)
    steps: list[StepResult] = field(default_factory=list)
    ingest_failed: list[str] = field(default_factory=list)  # months whose run failed
    seconds: float = 0.0

    def with_status(self, *statuses: str) -> list[FileResult]:
        return [f for f in self.files if f.status in statuses]

    @property
    def changed(self) -> bool:
        """True when raw.* changed in this run (something loaded or removed)."""
        return bool(self.with_status("loaded", "removed"))

    @property
    def quarantined_rows(self) -> int:
        return sum(f.quarantined for f in self.with_status("loaded"))

    @property
    def failure(self) -> str | None:
        """Why the run failed, in Chinese (None when it did not)."""
        if self.ingest_failed:
            return f"加载运行失败（月份：{'、'.join(self.ingest_failed)}），详见 Dagster 运行日志"
        blocking = [s for s in self.steps if not s.ok and s.blocking]
        if blocking:
            return "；".join(f"{s.name}：{s.message}" for s in blocking)
        new = self.with_status("loaded", "rejected", "unrecognized")
        if new and not self.changed:
            return "没有可读取的新数据：所有新文件都被拒收，详见上面的原因"
        return None

    @property
    def exit_code(self) -> int:
        return 1 if self.failure else 0

    def summary(self) -> str:
        from pipelines.assets.ingest import describe

        lines = []
        loaded, rejected = self.with_status("loaded"), self.with_status("rejected", "unrecognized")
        removed = self.with_status("removed")
        if not (loaded or rejected or removed):
            lines.append("landing 中没有新的或变化的文件，数据已是最新。")
        else:
            lines.append(
                f"加载月份：{'、'.join(self.months) or '无'}；文件：加载 {len(loaded)} 个，"
                f"拒收 {len(rejected)} 个，移除 {len(removed)} 个；"
                f"隔离行 {self.quarantined_rows} 行（用时 {self.seconds:.1f} 秒）"
            )
            lines += [f"  拒收 {describe(f)}" for f in rejected]
            lines += [f"  {describe(f)}" for f in loaded if f.quarantined]
            lines += [f"  {describe(f)}" for f in removed]
        for s in self.steps:
            lines.append(
                f"{s.name}：{'成功' if s.ok else '失败'}{'，' + s.message if s.message else ''}"
            )
        if self.failure:
            lines.append(f"运行失败：{self.failure}")
        return "\n".join(lines)


@dataclass
class PipelineContext:
    """Handed to each downstream step; the writer lock is held throughout."""

    settings: Settings
    instance: dg.DagsterInstance
    defs: dg.Definitions
    outcome: RunOutcome

    def execute_job(
        self,
        job_name: str,
        partition_key: str | None = None,
        asset_selection: list[dg.AssetKey] | None = None,
        tags: dict | None = None,
    ) -> dg.ExecuteInProcessResult:
        """Run a job of the merged Definitions in-process, recorded in the instance."""
        job = self.defs.resolve_job_def(job_name)
        result = job.execute_in_process(
            instance=self.instance,
            partition_key=partition_key,
            asset_selection=asset_selection,
            raise_on_error=False,
            # the summary says what happened; the full event log stays in the instance
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            tags={"jcw/trigger": "jcw run", "jcw/writes_warehouse": "true", **(tags or {})},
        )
        self.outcome.run_ids.append(result.run_id)
        return result


Step = Callable[[PipelineContext], StepResult]


def downstream_steps() -> list[Step]:
    """The steps after ingestion, in order. Each part adds one line here, e.g.
    ``dbt_step`` from pipelines.assets.dbt, ``publish_step`` from pipelines.publish.
    A step is called on every run; ``ctx.outcome.changed`` says whether raw.* changed."""
    from pipelines.assets.dbt import dbt_step
    from pipelines.quality.step import quality_publish_step

    return [dbt_step, quality_publish_step]


def ensure_dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME with our dagster.yaml (queued runs, one writer at a time)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


UNLOADABLE = "load_log"  # the asset that logs files no table can take


def pending(settings: Settings, files: list[landing.LandingFile]) -> dict[str, set[str]]:
    """Month → tables (asset names) with a file new or changed (by arrival time) or gone
    since its last load; files no month or table can take that were not logged yet go
    under the key ``""``. Cheap: no hashing (the assets compare content hashes)."""
    con = warehouse.connect(settings)
    try:
        schema.ensure(con)
        logged = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT source_file, arg_max(arrived_at, finished_at), bool_or(is_current),"
                " strftime(arg_max(period, finished_at), '%Y-%m'), arg_max(table_name, finished_at)"
                " FROM raw.load_log GROUP BY source_file"
            ).fetchall()
        }
    finally:
        con.close()
    todo: dict[str, set[str]] = {}
    present = {f.rel for f in files}
    for f in files:
        seen = logged.get(f.rel)
        if seen is not None and seen[0] == f.arrived_at:
            continue
        if f.problem():
            todo.setdefault(f.month or "", set()).add(UNLOADABLE)
        else:
            todo.setdefault(f.month, set()).add(f.table.name)
    for rel, (_, current, month, table) in logged.items():
        if current and rel not in present:
            todo.setdefault(month, set()).add(table)
    return todo


def _collect(settings: Settings, since: datetime) -> list[FileResult]:
    con = warehouse.connect(settings, read_only=False)
    try:
        rows = con.execute(
            "SELECT source_file, table_name, strftime(period, '%Y-%m'), status, rows_read,"
            " non_data_rows, duplicates, loaded, quarantined, unknown_columns, error_message,"
            " load_id FROM raw.load_log WHERE started_at >= ? ORDER BY source_file",
            [since],
        ).fetchall()
        reasons: dict[str, dict[str, int]] = {}
        for load_id, code, n in con.execute(
            "SELECT q.load_id, reason_code, count(*) FROM raw.quarantine q "
            "JOIN raw.load_log l USING (load_id) WHERE l.started_at >= ? "
            "GROUP BY ALL ORDER BY reason_code",
            [since],
        ).fetchall():
            reasons.setdefault(load_id, {})[code] = n
    finally:
        con.close()
    return [
        FileResult(
            source_file=r[0],
            table_name=r[1],
            period=r[2],
            status=r[3],
            rows_read=r[4] or 0,
            non_data_rows=r[5] or 0,
            duplicates=r[6] or 0,
            loaded=r[7] or 0,
            quarantined=r[8] or 0,
            unknown_columns=list(r[9] or []),
            error_message=r[10],
            load_id=r[11],
            reasons=reasons.get(r[11], {}),
        )
        for r in rows
    ]


def _in_range(month: str, months: tuple[str, str] | None) -> bool:
    return months is None or months[0] <= month <= months[1]


def run_pipeline(
    settings: Settings | None = None, months: tuple[str, str] | None = None
) -> RunOutcome:
    """Ingest everything new in landing (optionally only months ``A..B``), then run the
    downstream steps; never raises for bad data, reports it in the outcome."""
    settings = settings or get_settings()
    os.environ["JCW_DATA_DIR"] = str(settings.data_dir)
    ensure_dagster_home(settings)
    from pipelines.definitions import defs

    t0 = time.monotonic()
    with warehouse.writer_lock(settings):
        # after the lock: a run that waited must not report the other run's loads as its own
        started = datetime.now()
        files = landing.scan(settings.landing_dir)
        todo = {m: t for m, t in pending(settings, files).items() if _in_range(m, months)}
        if "" in todo:  # files in no month folder: logged by any month's run
            todo.pop("")
            month = max(todo, default=None) or (landing.months_in(files) or [None])[-1]
            todo.setdefault(month or datetime.now().strftime("%Y-%m"), set()).add(UNLOADABLE)
        outcome = RunOutcome(months=sorted(todo))
        with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            ctx = PipelineContext(settings, instance, defs, outcome)
            for month in outcome.months:
                # only the tables with changes: a month's untouched tables need no step
                keys = [dg.AssetKey(["raw", name]) for name in sorted(todo[month])]
                result = ctx.execute_job(INGEST_JOB, f"{month}-01", asset_selection=keys)
                if not result.success:
                    outcome.ingest_failed.append(month)
            outcome.files = _collect(settings, started)
            for step in downstream_steps():
                outcome.steps.append(step(ctx))
    outcome.seconds = time.monotonic() - t0
    return outcome
