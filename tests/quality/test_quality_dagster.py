"""The quality and publish assets run through real Dagster (in-process) on the hand-made
warehouse: a clean run publishes; a blocking failure stops the publish asset."""

from __future__ import annotations

import json

import dagster as dg

from pipelines.assets import ingest
from pipelines.publish import current_version
from pipelines.quality.definitions import defs as quality_defs
from pipelines.quality.run import run_checks

# the code location without dbt (these warehouses are hand-made): ingestion + quality
defs = dg.Definitions.merge(ingest.defs, quality_defs)


def _last_run(settings) -> dict:
    return json.loads(settings.last_run_json.read_text(encoding="utf-8"))


def test_check_and_publish_job(settings, wh):
    job = defs.resolve_job_def("check_and_publish")
    with dg.instance_for_test() as instance:
        ok = job.execute_in_process(instance=instance, raise_on_error=False)
        assert ok.success
        first = current_version(settings)
        assert first and first.endswith(ok.run_id[:8])
        assert _last_run(settings)["outcome"] == "published"
        evaluations = {e.check_name: e for e in ok.get_asset_check_evaluations()}
        assert evaluations["file_reconciles"].passed
        assert not evaluations["delivery_on_time"].passed  # 天桥区 was late: a warning
        assert evaluations["delivery_on_time"].severity == dg.AssetCheckSeverity.WARN

        wh(
            "UPDATE analytics.indicator_values SET value = 150 "
            "WHERE indicator_code = 'T_PCT' AND region_level = 'city'"
        )
        blocked = job.execute_in_process(instance=instance, raise_on_error=False)
        assert not blocked.success
        evaluations = {e.check_name: e for e in blocked.get_asset_check_evaluations()}
        assert not evaluations["percentage_in_range"].passed
        assert evaluations["percentage_in_range"].severity == dg.AssetCheckSeverity.ERROR
        # the publish asset never ran: the previous version stays current
        published = [
            e.asset_key
            for e in blocked.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey(["serving", "current"])
        ]
        assert published == [] and current_version(settings) == first
        last = _last_run(settings)
        assert last["outcome"] == "blocked" and last["run_id"] == blocked.run_id
        assert "百分比指标取值在0到100之间" in last["message"]


def test_runner_step_publishes_then_reports_nothing_new_and_failures(settings, wh):
    """``quality_publish_step`` as ``jcw run`` calls it after ingestion (and dbt)."""
    from pipelines.ingest.load import FileResult
    from pipelines.quality.step import quality_publish_step
    from pipelines.runner import PipelineContext, RunOutcome, StepResult

    loaded = FileResult("civil_affairs/2025-01/a.xlsx", "community_profile", "2025-01", "loaded")
    rejected = FileResult("civil_affairs/2025-01/b.csv", "community_profile", "2025-01", "rejected")
    with dg.instance_for_test() as instance:

        def step(outcome: RunOutcome) -> StepResult:
            return quality_publish_step(PipelineContext(settings, instance, defs, outcome))

        published = step(RunOutcome(months=["2025-01"], files=[loaded, rejected]))
        assert published.ok and current_version(settings)
        last = _last_run(settings)
        assert last["outcome"] == "published" and last["run_id"] == published.run_id
        version = current_version(settings)

        nothing = step(RunOutcome(months=[], files=[]))
        assert nothing.ok and current_version(settings) == version
        assert _last_run(settings)["outcome"] == "nothing_new"

        # a file loaded by a run that was then killed before publishing: the next run,
        # with nothing new in landing, still checks and publishes it
        wh(
            "INSERT INTO raw.load_log (load_id, table_name, period, status, is_current, "
            "rows_read, non_data_rows, duplicates, loaded, quarantined) "
            "VALUES ('L900', 'service_center', DATE '2025-01-01', 'loaded', true, 0, 0, 0, 0, 0)"
        )
        caught_up = step(RunOutcome(months=[], files=[]))
        assert caught_up.ok and current_version(settings) != version
        assert _last_run(settings)["outcome"] == "published"
        version = current_version(settings)

        # nothing loaded, but dbt rebuilt analytics.* (a model changed): publish
        rebuilt = RunOutcome(months=[], files=[])
        rebuilt.steps.append(StepResult("dbt", ok=True, message="重新计算", run_id="r-dbt"))
        assert step(rebuilt).ok and current_version(settings) != version
        version = current_version(settings)

        earlier = RunOutcome(months=["2025-01"], files=[loaded])
        earlier.steps.append(StepResult("dbt", ok=False, message="dbt 构建失败"))
        failed = step(earlier)
        assert not failed.ok and current_version(settings) == version
        last = _last_run(settings)
        assert last["outcome"] == "failed" and "dbt 构建失败" in last["message"]

        def new_file(load_id: str) -> None:
            wh(
                "INSERT INTO raw.load_log (load_id, table_name, period, status, is_current, "
                "rows_read, non_data_rows, duplicates, loaded, quarantined) VALUES "
                "(?, 'service_center', DATE '2025-01-01', 'loaded', true, 0, 0, 0, 0, 0)",
                [load_id],
            )

        # new data checked, then the publish was killed: the next run publishes it
        new_file("L901")
        run_checks(settings, None, "killed-before-publish", build_docs=False)
        resumed = step(RunOutcome(months=[], files=[]))
        assert resumed.ok and current_version(settings) != version
        version = current_version(settings)

        # new data that fails a blocking check; then a run with nothing new exits 0 and
        # still says why the data is not published
        new_file("L902")
        wh(
            "UPDATE analytics.indicator_values SET value = 150 "
            "WHERE indicator_code = 'T_PCT' AND region_level = 'city'"
        )
        blocked = step(RunOutcome(months=[], files=[]))
        assert not blocked.ok and current_version(settings) == version
        assert _last_run(settings)["outcome"] == "blocked"
        again = step(RunOutcome(months=[], files=[]))
        assert again.ok and current_version(settings) == version
        last = _last_run(settings)
        assert last["outcome"] == "nothing_new" and "percentage_in_range" in last["message"]
