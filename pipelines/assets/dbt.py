"""dbt models as Dagster assets: raw.* (the ingestion assets) → staging → intermediate →
analytics.*, with the dbt tests as asset checks.

One full ``dbt build`` per run: a reloaded month simply rebuilds everything downstream
(no partition bookkeeping to get wrong). Measured on 2 shared cores (load ≈ 4-5) with
synthetic raw tables of city size (3.5 M contracts, 1.3 M floating registrations, 120 k
低保 members per month): 1 month 14 s of dbt work (27 s wall with start-up, 1.3 GB),
3 months 31 s (40 s wall, 3.2 GB with DuckDB capped at 3 GB) — about 8 s of CPU per
month, so a year of history rebuilds in roughly two minutes. Partition-aware
incremental models become worth their complexity beyond that. In `make bench` (a city
month, idle cores) the step takes 16 s, 10.5 s of it dbt's models and tests; dbt reuses its
parse cache in ``$JCW_DATA_DIR/dbt/target`` from the second run on a data directory (the
first parses the project, ≈8 s more). The manifest is built at
definition load when missing or stale (``dbt parse``, ~7 s), so ``dagster definitions
validate`` works on a clean checkout; CI may run ``dbt parse`` beforehand to skip that.
"""

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.settings import DBT_PROJECT_DIR, Settings, get_settings
from pipelines.warehouse import connect, writer_lock

if TYPE_CHECKING:
    from pipelines.runner import PipelineContext, StepResult

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR)
# the dbt of this environment, also when its bin/ is not on PATH (make, cron, systemd)
_VENV_DBT = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = str(_VENV_DBT) if _VENV_DBT.exists() else (shutil.which("dbt") or "dbt")

# Layer of the dbt project → Dagster asset group.
GROUPS = {"staging": "dbt_staging", "intermediate": "dbt_intermediate", "marts": "analytics"}


def newest_project_file(project: DbtProject = DBT_PROJECT) -> float:
    """Modification time of the newest file of the dbt project (models, macros, seeds…)."""
    files = [project.project_dir / "dbt_project.yml", project.project_dir / "profiles.yml"]
    for d in ("models", "macros", "seeds", "tests"):
        files += [p for p in (project.project_dir / d).rglob("*") if p.is_file()]
    return max(f.stat().st_mtime for f in files)


def manifest_is_stale(project: DbtProject = DBT_PROJECT) -> bool:
    """No manifest yet (clean checkout), or a project file changed after it was built."""
    path = project.manifest_path
    return not path.exists() or newest_project_file(project) > path.stat().st_mtime


def prepare_manifest(project: DbtProject = DBT_PROJECT) -> None:
    """Parse the project (~7 s) when its manifest is missing or stale, or under `dagster dev`."""
    if project.preparer.using_dagster_dev() or manifest_is_stale(project):
        dbt = DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE)
        dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()


class JcwDbtTranslator(DagsterDbtTranslator):
    """Sources raw.<table> are the ingestion assets ["raw", <table>]; models and seeds are
    keyed by the relation they build, [schema, alias] (e.g. ["analytics", "indicators"])."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props["config"].get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props.get("alias") or dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return GROUPS.get(fqn[1] if len(fqn) > 1 else "", "dbt")


prepare_manifest()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=JcwDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def jcw_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Build seeds, models and tests of dbt_project/ against the warehouse."""
    settings = get_settings()
    # profiles.yml reads this: dbt finds the same file whatever its working directory
    os.environ["JCW_WAREHOUSE_PATH"] = str(settings.warehouse_path)
    with writer_lock(settings):
        yield from dbt.cli(["build"], context=context, target_path=settings.dbt_target_dir).stream()


DBT_JOB = "dbt_build"
dbt_job = dg.define_asset_job(DBT_JOB, selection=dg.AssetSelection.assets(jcw_dbt_assets))


def last_good_build(settings: Settings) -> float | None:
    """When the last `dbt build` that passed finished (None: never, or it failed)."""
    path = settings.dbt_target_dir / "run_results.json"
    if not path.exists():
        return None
    results = json.loads(path.read_text(encoding="utf-8"))
    failed = any(r["status"] in ("error", "fail") for r in results.get("results", []))
    ok = results.get("args", {}).get("which") == "build" and not failed
    return path.stat().st_mtime if ok else None


def raw_changed_since(settings: Settings, built: float) -> bool:
    """Whether a file was loaded or removed after the last good build: by this run, or by
    an earlier one that was killed before it could rebuild."""
    with connect(settings) as con:
        (last,) = con.execute(
            "SELECT max(finished_at) FROM raw.load_log WHERE status IN ('loaded', 'removed')"
        ).fetchone()
    # finished_at is naive local time, which timestamp() reads as such, comparable to mtime
    return last is not None and last.timestamp() > built


def dbt_step(ctx: "PipelineContext") -> "StepResult":
    """`jcw run`'s step after ingestion: build analytics.* when raw.* changed, when it was
    never built (or the last build failed), or when the dbt project changed since."""
    from pipelines.runner import StepResult

    name = "指标计算（dbt）"
    built = last_good_build(ctx.settings)
    if built is None or newest_project_file() > built or raw_changed_since(ctx.settings, built):
        result = ctx.execute_job(DBT_JOB)
        failed = [
            e.asset_check_evaluation_data.check_name
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and not e.asset_check_evaluation_data.passed
        ]
        if result.success:
            return StepResult(name, True, "指标已重新计算，全部 dbt 测试通过", run_id=result.run_id)
        why = (
            f"未通过的 dbt 测试：{'、'.join(failed)}"
            if failed
            else "dbt 构建失败，详见 Dagster 运行日志"
        )
        return StepResult(name, False, why, run_id=result.run_id)
    return StepResult(name, True, "原始数据与模型均未变化，无需重新计算")


defs = dg.Definitions(
    assets=[jcw_dbt_assets],
    jobs=[dbt_job],
    resources={"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)},
)
