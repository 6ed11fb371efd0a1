"""Stage timings read back from a real Dagster instance: steps named like the pipeline's
(ingestion assets raw/<table>, the dbt multi-asset, dq checks, the serving publish)."""

from __future__ import annotations

import time

import dagster as dg

from benchmarks.pipeline_run import pipeline_stages, stage_of

SLEEP = {"raw": 0.3, "dbt": 0.2, "dq": 0.1, "serving": 0.05}


@dg.asset(key=["raw", "dibao_household"])
def raw_dibao_household() -> None:
    time.sleep(SLEEP["raw"])


@dg.asset(key=["raw", "floating_population"])
def raw_floating_population() -> None:
    time.sleep(SLEEP["raw"])


@dg.multi_asset(specs=[dg.AssetSpec(["analytics", "indicator_values"])], name="jcw_dbt_assets")
def jcw_dbt_assets():
    time.sleep(SLEEP["dbt"])
    yield dg.MaterializeResult(asset_key=["analytics", "indicator_values"])


@dg.asset(key=["dq", "check_results"], deps=[["analytics", "indicator_values"]])
def dq_check_results() -> None:
    time.sleep(SLEEP["dq"])


@dg.asset(key=["serving", "current"], deps=[["dq", "check_results"]])
def publish_serving() -> None:
    time.sleep(SLEEP["serving"])


def test_stage_of_names():
    assert stage_of("raw__health_contract") == "ingestion"
    assert stage_of("ingest_landing") == "ingestion"
    assert stage_of("jcw_dbt_assets") == "dbt_build"
    assert stage_of("dq__check_results") == "checks"
    assert stage_of("serving__current") == "publish"
    assert stage_of("something_else") == "other"


def test_stages_from_a_real_instance(tmp_path):
    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text("", encoding="utf-8")
    assets = [
        raw_dibao_household,
        raw_floating_population,
        jcw_dbt_assets,
        dq_check_results,
        publish_serving,
    ]
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        result = dg.materialize(assets, instance=instance)
        assert result.success
        # pipeline_stages opens the instance from the data directory's dagster/ itself
        stages = pipeline_stages(tmp_path)
    got = stages["stages_s"]
    assert set(got) == {"ingestion", "dbt_build", "checks", "publish"}
    # two ingestion steps of 0.3 s each are summed; each stage at least its sleeps
    assert got["ingestion"] >= 2 * SLEEP["raw"]
    assert got["dbt_build"] >= SLEEP["dbt"]
    assert got["checks"] >= SLEEP["dq"]
    assert got["publish"] >= SLEEP["serving"]
    assert got["ingestion"] < 2 * SLEEP["raw"] + 2  # steps, not the whole run
    assert {s["step_key"] for s in stages["steps"]} == {
        "raw__dibao_household",
        "raw__floating_population",
        "jcw_dbt_assets",
        "dq__check_results",
        "serving__current",
    }
    assert stages["ingestion_by_table"] == {}  # no warehouse in this data directory
