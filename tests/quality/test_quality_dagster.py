"""The quality and publish assets run through real Dagster (in-process) on the hand-made
warehouse: a clean run publishes; a blocking failure stops the publish asset."""

from __future__ import annotations

import json

import dagster as dg

from pipelines.publish import current_version
from pipelines.quality.definitions import defs


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
