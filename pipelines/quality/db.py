"""Small DuckDB helpers shared by the checks: what exists, the reference regions."""

from __future__ import annotations

import duckdb

from pipelines import reference


def relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database()",
            [schema, name],
        ).fetchall()[0][0]
    )


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database() "
            "ORDER BY ordinal_position",
            [schema, name],
        ).fetchall()
    ]


def load_reference_regions(con: duckdb.DuckDBPyConnection) -> None:
    """The vendored hierarchy as temp table ``ref_regions`` (the checks' one source of truth)."""
    import pandas as pd

    frame = pd.DataFrame(
        [
            (r.code, r.level, r.parent_code or None, r.district_code or None)
            for r in reference.regions()
        ],
        columns=["region_code", "region_level", "parent_code", "district_code"],
        dtype="string",
    )
    con.register("ref_regions_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE ref_regions AS SELECT * FROM ref_regions_frame")
    con.unregister("ref_regions_frame")


def loaded_periods(con: duckdb.DuckDBPyConnection, table: str) -> list:
    """Periods of ``raw.<table>`` that hold rows now."""
    if not relation_exists(con, "raw", table):
        return []
    return [
        r[0] for r in con.execute(f"SELECT DISTINCT period FROM raw.{table} ORDER BY 1").fetchall()
    ]
