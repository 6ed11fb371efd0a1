"""The one Dagster code location (``dagster dev -m pipelines.definitions``).

Each part exposes its own ``Definitions`` as ``defs``; this module merges them. A
new part is one import and one entry in ``PARTS``.
"""

from __future__ import annotations

import dagster as dg

from pipelines.assets import dbt, ingest
from pipelines.quality import definitions as quality

PARTS: list[dg.Definitions] = [
    ingest.defs,
    dbt.defs,
    quality.defs,
]

# Warehouse writes run in-process (a multiprocess step costs ~7 s and DuckDB allows
# one writer); the run queue in dagster.yaml admits one run at a time.
defs = dg.Definitions.merge(dg.Definitions(executor=dg.in_process_executor), *PARTS)
