"""Dagster resources: the warehouse (path from JCW_DATA_DIR) and its one-writer lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import warehouse
from pipelines.settings import Settings, get_settings


class WarehouseResource(dg.ConfigurableResource):
    """``warehouse.duckdb`` under ``data_dir``; writing happens under ``writer_lock``.

    An empty ``data_dir`` means JCW_DATA_DIR as set when the run executes (so one loaded
    code location serves ``jcw run`` for whichever data directory it is given)."""

    data_dir: str = ""

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=Path(self.data_dir)) if self.data_dir else get_settings()

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writing connection, held with the cross-run writer lock and closed after use."""
        with warehouse.writer_lock(self.settings):
            con = warehouse.connect(self.settings)
            # one checkpoint when the step closes the file, not one per loaded file: DuckDB
            # checkpoints after every commit past 16 MB of WAL (−5 s for a city month)
            con.execute("SET checkpoint_threshold = '1GB'")
            try:
                yield con
            finally:
                con.close()


def warehouse_resource() -> WarehouseResource:
    return WarehouseResource()
