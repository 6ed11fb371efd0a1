"""Paths and limits: the one place that knows where things live.

Reference data ships with the code (found relative to the project); everything
generated lives under ``JCW_DATA_DIR`` (default ``./data``), so a fresh data
directory with only ``landing/`` in it works.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
CATALOG_CSV = DBT_PROJECT_DIR / "seeds" / "indicators.csv"


@dataclass(frozen=True)
class Settings:
    data_dir: Path

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def serving_dir(self) -> Path:
        return self.data_dir / "serving"

    @property
    def serving_current(self) -> Path:
        return self.serving_dir / "current"

    @property
    def last_run_json(self) -> Path:
        return self.serving_dir / "last_run.json"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts, logs and parse cache: under the data directory, not in the
        (read-only) code."""
        return self.data_dir / "dbt" / "target"

    @property
    def gx_docs_dir(self) -> Path:
        return self.data_dir / "gx_docs"

    @property
    def pii_key_file(self) -> Path:
        env = os.environ.get("JCW_PII_KEY_FILE")
        return Path(env).resolve() if env else self.data_dir / "secrets" / "pii.key"

    @property
    def keep_versions(self) -> int:
        return int(os.environ.get("JCW_KEEP_VERSIONS", "5"))


def get_settings() -> Settings:
    return Settings(data_dir=Path(os.environ.get("JCW_DATA_DIR", "data")).resolve())
