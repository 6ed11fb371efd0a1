"""A sensor on landing/: a run of the ingestion job for every month whose files changed.

The cursor holds each file's (mtime, size); the sensor never opens the warehouse
(that would contend with a running writer). A month's run skips unchanged files by
content hash, so a spurious request costs a few seconds, never wrong data.
"""

import hashlib
import json

import dagster as dg

from pipelines.ingest import files as landing
from pipelines.settings import get_settings


def changed_months(previous: dict, current: dict) -> list[str]:
    """Months with a new, changed or removed file; entries are [mtime, size, month]."""
    months = {st[2] for rel, st in current.items() if previous.get(rel) != st}
    months |= {st[2] for rel, st in previous.items() if rel not in current}
    return sorted(m for m in months if m)


@dg.sensor(
    job_name="ingest",  # pipelines.assets.ingest.INGEST_JOB (by name: no import cycle)
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="监视 landing 目录：有新增、更新或删除的文件时，按月份启动加载",
)
def landing_sensor(context: dg.SensorEvaluationContext):
    files = landing.scan(get_settings().landing_dir)
    current = {f.rel: [f.mtime, f.size, f.month] for f in files}
    previous = json.loads(context.cursor) if context.cursor else {}
    months = changed_months(previous, current)
    if not months and any(f.problem() for f in files if f.rel not in previous):
        # a file no month can take: any month's run logs it (raw.load_log asset)
        months = landing.months_in(files)[-1:]
    digest = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    for month in months:
        if month:
            yield dg.RunRequest(partition_key=f"{month}-01", run_key=f"{month}:{digest}")
    context.update_cursor(json.dumps(current))
