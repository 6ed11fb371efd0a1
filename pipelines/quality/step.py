"""The steps ``jcw run`` calls after ingestion: (dbt build,) checks, then publish or not.

Each runs one Dagster job in-process (so it shows in the Dagster UI) and makes sure
``serving/last_run.json`` says what happened whatever the outcome.
"""

from __future__ import annotations

import json

import duckdb

from pipelines.publish import RunOutcome, current_version, write_last_run

STEP_NAME = "质量检查与发布"
JOB_NAME = "check_and_publish"
BUILD_STEP_NAME = "构建、检查与发布"
BUILD_JOB_NAME = "build_check_publish"


_CURRENT_LOADS = (
    "SELECT coalesce(list(load_id ORDER BY load_id), []) FROM {table} "
    "WHERE is_current AND status = 'loaded'"
)


def _query(con: duckdb.DuckDBPyConnection, sql: str, empty):
    try:
        return con.execute(sql).fetchall()[0][0]
    except duckdb.CatalogException:  # not built yet
        return empty


def _published_loads(settings) -> list[str]:
    if not settings.serving_current.exists():
        return []
    with duckdb.connect(str(settings.serving_current), read_only=True) as con:
        return _query(con, _CURRENT_LOADS.format(table="dq.loads"), [])


def _warehouse_state(settings) -> tuple[list[str], list[str], list[str]]:
    """(file versions in raw.* now, file versions the last checks saw, the blocking
    failures those checks found)."""
    if not settings.warehouse_path.exists():
        return [], [], []
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return (
            _query(con, _CURRENT_LOADS.format(table="raw.load_log"), []),
            _query(con, _CURRENT_LOADS.format(table="dq.loads"), []),
            _query(
                con,
                "SELECT coalesce(list(check_label || '（' || check_name || '）'), []) "
                "FROM dq.check_results WHERE NOT passed AND severity = 'blocking'",
                [],
            ),
        )


def published_is_current(settings) -> bool:
    """True when the serving version holds exactly the file versions now in the warehouse:
    then there is nothing new to publish. A run killed after loading leaves them
    different, so the next run checks and publishes."""
    return _warehouse_state(settings)[0] == _published_loads(settings)


def still_blocked(settings) -> list[str]:
    """The blocking failures found on exactly the data the warehouse holds now (a blocked
    run, then nothing new): checking again would only repeat them."""
    loaded, checked, blocking = _warehouse_state(settings)
    return blocking if loaded == checked else []


def _last_run(settings) -> dict:
    if not settings.last_run_json.exists():
        return {}
    return json.loads(settings.last_run_json.read_text(encoding="utf-8"))


def _failed_steps(result) -> str:
    failures = result.get_step_failure_events()
    return "、".join(sorted({e.step_key for e in failures})) or "未知步骤"


def _run_job(ctx, job_name: str, step_name: str):
    """Run ``job_name`` unless the serving version is already current; record the outcome."""
    from pipelines.runner import StepResult

    settings, outcome = ctx.settings, ctx.outcome
    rejected = [f.source_file for f in outcome.with_status("rejected", "unrecognized")]
    kept = current_version(settings)
    if outcome.failure:  # ingestion or an earlier step failed, or nothing was readable
        write_last_run(
            settings,
            RunOutcome("failed", f"{outcome.failure}；未发布，保留版本 {kept}", kept, [], rejected),
        )
        return StepResult(step_name, ok=False, message="前序步骤失败，未发布", blocking=False)
    # an earlier step that ran a Dagster job (e.g. dbt rebuilt after a model change) has
    # changed analytics.*: publish even when no file changed
    rebuilt = any(s.ok and s.run_id for s in outcome.steps)
    if not rebuilt and published_is_current(settings):
        message = f"没有新数据，当前版本 {kept or '（尚无）'} 保持不变"
        write_last_run(settings, RunOutcome("nothing_new", message, kept, [], rejected))
        return StepResult(step_name, ok=True, message=message)
    blocked = [] if rebuilt else still_blocked(settings)
    if blocked:
        message = (
            f"没有新数据；现有数据此前未通过阻断性检查，仍保留版本 {kept or '（尚无）'}："
            + "、".join(blocked)
        )
        write_last_run(settings, RunOutcome("nothing_new", message, kept, blocked, rejected))
        return StepResult(step_name, ok=True, message=message)
    result = ctx.execute_job(job_name)
    last = _last_run(settings)
    mine = last.get("run_id") == result.run_id
    if result.success and mine and last.get("outcome") == "published":
        return StepResult(step_name, ok=True, message=last["message"], run_id=result.run_id)
    if mine and last.get("outcome") in ("blocked", "failed"):
        message = last["message"]
    else:  # e.g. dbt failed before the checks could run
        message = (
            f"运行失败的步骤：{_failed_steps(result)}（Dagster 运行 {result.run_id}），"
            f"未发布，保留版本 {kept or '（尚无）'}"
        )
        write_last_run(settings, RunOutcome("failed", message, kept, [], rejected), result.run_id)
    return StepResult(step_name, ok=False, message=message, run_id=result.run_id)


def quality_publish_step(ctx):
    """Checks and publish (job ``check_and_publish``), for a runner whose dbt build is an
    earlier step. A ``pipelines.runner`` downstream step: PipelineContext → StepResult."""
    return _run_job(ctx, JOB_NAME, STEP_NAME)


def build_check_publish_step(ctx):
    """dbt build, checks and publish in one Dagster run (job ``build_check_publish``)."""
    return _run_job(ctx, BUILD_JOB_NAME, BUILD_STEP_NAME)
