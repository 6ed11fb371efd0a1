"""The step ``jcw run`` calls after ingestion and dbt: check, then publish or not.

Runs the Dagster job ``check_and_publish`` in-process (so it shows in the Dagster UI),
and makes sure ``serving/last_run.json`` says what happened whatever the outcome.
"""

from __future__ import annotations

import json

from pipelines.publish import RunOutcome, current_version, write_last_run

STEP_NAME = "质量检查与发布"
JOB_NAME = "check_and_publish"


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
    if not outcome.changed and kept is not None:
        write_last_run(
            settings,
            RunOutcome("nothing_new", f"没有新数据，当前版本 {kept} 保持不变", kept, [], rejected),
        )
        return StepResult(STEP_NAME, ok=True, message=f"没有新数据，当前版本 {kept}")
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
