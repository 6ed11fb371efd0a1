"""The Dagster definitions, rendered as text and compared with a reviewed snapshot.

What an operator sees in ``dagster dev`` — every asset with its group, partitions,
the step that materialises it and its upstream assets; every check and whether it
blocks; the jobs with their executor, tags and assets; sensors, schedules and
resources — changes only when this file's snapshot changes with it, in the same
commit. Regenerate after a deliberate change with::

    JCW_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/test_definitions_snapshot.py

and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "definitions.txt"


def _key(key: dg.AssetKey) -> str:
    return key.to_user_string()


def _partitions(pd) -> str:
    if pd is None:
        return "-"
    if isinstance(pd, dg.TimeWindowPartitionsDefinition):
        return f"{type(pd).__name__}({pd.start:%Y-%m-%d}, {pd.cron_schedule})"
    return type(pd).__name__


def render(defs: dg.Definitions) -> str:
    graph = defs.resolve_asset_graph()
    lines = ["# assets: key | group | partitions | step | upstream"]
    for key in sorted(graph.get_all_asset_keys(), key=_key):
        node = graph.get(key)
        step = node.assets_def.node_def.name if node.is_materializable else "(external)"
        parents = ", ".join(sorted(_key(k) for k in node.parent_keys)) or "-"
        group = node.group_name or "-"
        lines.append(
            f"{_key(key)} | {group} | {_partitions(node.partitions_def)} | {step} | {parents}"
        )
    lines.append("# checks: asset | check | blocking")
    for ck in sorted(graph.asset_check_keys, key=lambda c: (_key(c.asset_key), c.name)):
        lines.append(f"{_key(ck.asset_key)} | {ck.name} | {graph.get(ck).blocking}")
    lines.append("# jobs: name | executor | tags | assets")
    for job in sorted(defs.resolve_all_job_defs(), key=lambda j: j.name):
        if job.name.startswith("__"):
            continue  # Dagster's implicit job of every asset
        tags = ", ".join(f"{k}={v}" for k, v in sorted(job.tags.items())) or "-"
        assets = ", ".join(sorted(_key(k) for k in job.asset_layer.selected_asset_keys))
        lines.append(f"{job.name} | {job.executor_def.name} | {tags} | {assets}")
    lines.append("# sensors: name | kind | default status | interval s | targets")
    for s in sorted(defs.sensors or [], key=lambda s: s.name):
        targets = ", ".join(sorted(t.job_name for t in s.targets)) or "-"
        lines.append(
            f"{s.name} | {type(s).__name__} | {s.default_status.value} | "
            f"{s.minimum_interval_seconds} | {targets}"
        )
    lines.append("# schedules: name | cron | timezone | job | default status")
    for s in sorted(defs.schedules or [], key=lambda s: s.name):
        lines.append(
            f"{s.name} | {s.cron_schedule} | {s.execution_timezone} | {s.job_name} | "
            f"{s.default_status.value}"
        )
    lines.append("# resources")
    lines += sorted(defs.resources or {})
    return "\n".join(lines) + "\n"


def test_definitions_match_the_snapshot():
    from pipelines.definitions import defs

    text = render(defs)
    if os.environ.get("JCW_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == text, (
        "the Dagster definitions changed: review, then regenerate the snapshot "
        "(see this module's docstring)"
    )
