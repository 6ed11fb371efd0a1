"""The step ``jcw run`` calls after ingestion and dbt: check, then publish or not.

Runs the Dagster job ``check_and_publish`` in-process (so it shows in the Dagster UI),
and makes sure ``serving/last_run.json`` says what happened whatever the outcome.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines.publish import RunOutcome, current_version, write_last_run

STEP_NAME = "质量检查与发布"
JOB_NAME = "check_and_publish"


_CURRENT_LOADS = (
    "SELECT coalesce(list(load_id ORDER BY load_id), []) FROM {table} "
    "WHERE is_current AND status = 'loaded'"
)


def _load_ids(path: Path, table: str) -> list[str]:
    if not path.exists():
        return []
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            return con.execute(_CURRENT_LOADS.format(table=table)).fetchall()[0][0]
        except duckdb.CatalogException:
            return []


def published_is_current(settings) -> bool:
    """True when the serving version holds exactly the file versions now in the warehouse:
    then there is nothing new to publish. A run killed after loading (or a blocked one)
    leaves them different, so the next run checks and publishes."""
    return _load_ids(settings.warehouse_path, "raw.load_log") == _load_ids(
        settings.serving_current, "dq.loads"
    )


def _last_run(settings) -> dict:
    if not settings.last_run_json.exists():
        return {}
    return json.loads(settings.last_run_json.read_text(encoding="utf-8"))


def quality_publish_step(ctx):
    """A ``pipelines.runner`` downstream step (ctx: PipelineContext → StepResult)."""
    from pipelines.runner import StepResult

    settings, outcome = ctx.settings, ctx.outcome
    rejected = [f.source_file for f in outcome.with_status("rejected", "unrecognized")]
    kept = current_version(settings)
    if outcome.failure:  # ingestion or an earlier step failed, or nothing was readable
        write_last_run(
            settings,
            RunOutcome("failed", f"{outcome.failure}；未发布，保留版本 {kept}", kept, [], rejected),
        )
        return StepResult(STEP_NAME, ok=False, message="前序步骤失败，未发布", blocking=False)
    if published_is_current(settings):
        message = f"没有新数据，当前版本 {kept or '（尚无）'} 保持不变"
        write_last_run(settings, RunOutcome("nothing_new", message, kept, [], rejected))
        return StepResult(STEP_NAME, ok=True, message=message)
    result = ctx.execute_job(JOB_NAME)
    last = _last_run(settings)
    mine = last.get("run_id") == result.run_id
    if result.success and mine and last.get("outcome") == "published":
        return StepResult(STEP_NAME, ok=True, message=last["message"], run_id=result.run_id)
    if mine and last.get("outcome") in ("blocked", "failed"):
        message = last["message"]
    else:
        message = f"检查与发布运行失败（Dagster 运行 {result.run_id}），未发布，保留版本 {kept}"
        write_last_run(settings, RunOutcome("failed", message, kept, [], rejected), result.run_id)
    return StepResult(STEP_NAME, ok=False, message=message, run_id=result.run_id)
