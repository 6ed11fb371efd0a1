"""DDL of the tables ingestion owns: ``raw.<table>``, ``raw.load_log``, ``raw.quarantine``."""

from __future__ import annotations

import duckdb

from pipelines.contract.tables import TABLES, raw_columns

LOAD_LOG = """
CREATE TABLE IF NOT EXISTS raw.load_log (
    load_id VARCHAR, source_file VARCHAR, department VARCHAR, table_name VARCHAR,
    period DATE, district_code VARCHAR, file_sha256 VARCHAR, arrived_at TIMESTAMP,
    rows_read BIGINT, non_data_rows BIGINT, duplicates BIGINT, loaded BIGINT,
    quarantined BIGINT, unknown_columns VARCHAR[], status VARCHAR, error_message VARCHAR,
    started_at TIMESTAMP, finished_at TIMESTAMP, is_current BOOLEAN
)"""

QUARANTINE = """
CREATE TABLE IF NOT EXISTS raw.quarantine (
    load_id VARCHAR, table_name VARCHAR, source_file VARCHAR, period DATE,
    source_row INTEGER, reason_code VARCHAR, reason VARCHAR, row_data JSON
)"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(LOAD_LOG)
    con.execute(QUARANTINE)
    for t in TABLES.values():
        cols = ", ".join(f"{n} {typ}" for n, typ in raw_columns(t))
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{t.name} ({cols})")
