"""Dagster side of quality and publishing: the checks as an asset with one asset check per
check (blocking ones block), the ``publish`` asset downstream, the jobs, the daily
schedule, and the sensors that chain a daemon-launched load into build → check → publish
and record failed runs in ``serving/last_run.json``.
"""

from datetime import timedelta

import dagster as dg

from pipelines.publish import (
    RunOutcome,
    audit_and_publish,
    current_version,
    record_blocked,
    write_last_run,
)
from pipelines.quality.results import BLOCKING, CHECKS, CheckResult
from pipelines.settings import get_settings
from pipelines.warehouse import connect, writer_lock

DQ_KEY = dg.AssetKey(["dq", "check_results"])
PUBLISH_KEY = dg.AssetKey(["serving", "current"])
# The dbt marts the checks read (pipelines.assets.dbt keys models by [schema, alias]).
ANALYTICS_KEYS = [
    dg.AssetKey(["analytics", name])
    for name in ("indicator_values", "indicators", "regions", "community_standards")
]
INGESTION_GROUP = "ingestion"
WRITER_TAGS = {"jcw/writes_warehouse": "true"}


def _check_result(name: str, results: list[CheckResult]) -> dg.AssetCheckResult:
    mine = [r for r in results if r.check_name == name]
    failed = [r for r in mine if not r.passed]
    return dg.AssetCheckResult(
        check_name=name,
        passed=not failed,
        severity=(
            dg.AssetCheckSeverity.ERROR
            if any(r.blocking_failure for r in failed) or CHECKS[name][1] == BLOCKING
            else dg.AssetCheckSeverity.WARN
        ),
        metadata={
            "checked": len(mine),
            "failed": len(failed),
            "findings": dg.MetadataValue.md(
                "\n".join(f"- {r.describe()}" for r in failed[:30]) or "无"
            ),
        },
    )


@dg.asset(
    key=DQ_KEY,
    group_name="quality",
    deps=ANALYTICS_KEYS,
    kinds={"duckdb"},
    description="质量检查（great-expectations 与 DuckDB 规则）：结果写入 dq.*，阻断性检查决定能否发布",
    check_specs=[
        dg.AssetCheckSpec(
            name,
            asset=DQ_KEY,
            # check_error blocks when an integrity check could not run
            blocking=severity == BLOCKING or name == "check_error",
            description=label,
        )
        for name, (label, severity) in CHECKS.items()
    ],
)
def dq_check_results(context: dg.AssetExecutionContext):
    from pipelines.quality.run import run_checks

    settings = get_settings()
    with writer_lock(settings):
        con = connect(settings)
        try:
            results = run_checks(settings, con, context.run.run_id)
        finally:
            con.close()
    blocking = [r for r in results if r.blocking_failure]
    if blocking:
        record_blocked(settings, context.run.run_id, results)
        for r in blocking:
            context.log.error(r.describe())
    return dg.MaterializeResult(
        metadata={
            "checks": len(results),
            "failed_warnings": sum(not r.passed and not r.blocking_failure for r in results),
            "failed_blocking": len(blocking),
            "gx_data_docs": str(settings.gx_docs_dir / "index.html"),
        },
        check_results=[_check_result(name, results) for name in CHECKS],
    )


@dg.asset(
    key=PUBLISH_KEY,
    group_name="publish",
    deps=[DQ_KEY],
    description="发布：阻断性检查全部通过时写出新的 serving/<版本>.duckdb 并原子切换 serving/current",
)
def publish_serving(context: dg.AssetExecutionContext):
    from pipelines.publish import results_from_warehouse

    settings = get_settings()
    with writer_lock(settings):
        results, rejected = results_from_warehouse(settings)
        outcome = audit_and_publish(settings, context.run.run_id, results, rejected)
    if outcome.outcome != "published":
        raise dg.Failure(description=outcome.message)
    return dg.MaterializeResult(metadata={"version": outcome.version, "message": outcome.message})


CHECK_AND_PUBLISH_JOB = dg.define_asset_job(
    "check_and_publish",
    selection=dg.AssetSelection.assets(DQ_KEY, PUBLISH_KEY),
    executor_def=dg.in_process_executor,
    tags=WRITER_TAGS,
    description="运行全部质量检查，通过后发布",
)
BUILD_CHECK_PUBLISH_JOB = dg.define_asset_job(
    "build_check_publish",
    selection=dg.AssetSelection.assets(PUBLISH_KEY).upstream()
    - dg.AssetSelection.groups(INGESTION_GROUP),
    executor_def=dg.in_process_executor,
    tags=WRITER_TAGS,
    description="dbt 构建、质量检查、发布（加载之后）",
)

daily_checks = dg.ScheduleDefinition(
    name="daily_checks",
    job=CHECK_AND_PUBLISH_JOB,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="每天 6:00 重新检查（报送及时性随日期变化）并发布结果",
)


@dg.schedule(
    job_name="ingest",
    cron_schedule="0 2 11 * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="每月11日2:00（报送截止次日）加载上月全部报表；之后自动构建、检查、发布",
)
def monthly_load(context: dg.ScheduleEvaluationContext):
    # the landing sensor loads files as they arrive; this catches anything it missed
    first_of_month = context.scheduled_execution_time.date().replace(day=1)
    previous = (first_of_month - timedelta(days=1)).replace(day=1)
    return dg.RunRequest(partition_key=previous.isoformat(), tags={"jcw/trigger": "monthly"})


def _from_jcw_run(run: dg.DagsterRun) -> bool:
    # `jcw run` executes its own steps in-process; the sensors serve daemon-launched runs
    return run.tags.get("jcw/trigger") == "jcw run"


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=BUILD_CHECK_PUBLISH_JOB,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="加载运行成功后：dbt 构建、检查、发布",
)
def build_after_load(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    if run.job_name != "ingest" or _from_jcw_run(run):
        return dg.SkipReason("不是守护进程启动的加载运行")
    return dg.RunRequest(run_key=run.run_id)


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="运行失败时更新 serving/last_run.json（看板据此说明数据为何未更新）",
)
def record_failed_run(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    if _from_jcw_run(run) or run.tags.get("jcw/writes_warehouse") != "true":
        return
    settings = get_settings()
    if settings.last_run_json.exists():
        import json

        last = json.loads(settings.last_run_json.read_text(encoding="utf-8"))
        if last.get("run_id") == run.run_id and last.get("outcome") == "blocked":
            return  # the checks already said why
    message = context.failure_event.message or "运行失败"
    write_last_run(
        settings,
        RunOutcome("failed", f"运行 {run.job_name} 失败：{message}", current_version(settings)),
        run.run_id,
    )


defs = dg.Definitions(
    assets=[dq_check_results, publish_serving],
    jobs=[CHECK_AND_PUBLISH_JOB, BUILD_CHECK_PUBLISH_JOB],
    schedules=[daily_checks, monthly_load],
    sensors=[build_after_load, record_failed_run],
)
