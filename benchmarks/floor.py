"""The floor, timed: read step then indicator SQL, in one in-memory DuckDB session."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.floor_read import read_landing
from benchmarks.floor_sql import compute_indicators


def run(landing: Path, threads: int | None = None) -> tuple[duckdb.DuckDBPyConnection, dict]:
    """The connection holding ``floor_values`` and the timings of both steps."""
    con = duckdb.connect()
    if threads:
        con.execute(f"set threads = {threads}")
    t0 = time.perf_counter()
    counts, skipped = read_landing(con, landing)
    t1 = time.perf_counter()
    built = compute_indicators(con)
    t2 = time.perf_counter()
    return con, {
        "read_s": t1 - t0,
        "sql_s": t2 - t1,
        "total_s": t2 - t0,
        "rows_by_table": counts,
        "files_without_header": skipped,
        **built,
    }


def values(con: duckdb.DuckDBPyConnection, prefixes: tuple[str, ...]) -> pd.DataFrame:
    """The floor's values for the indicators whose code starts with one of ``prefixes``."""
    where = " or ".join(f"starts_with(indicator_code, '{p}')" for p in prefixes)
    return con.execute(
        "select indicator_code, period, region_code, numerator, denominator, value "
        f"from floor_values where {where}"
    ).df()
