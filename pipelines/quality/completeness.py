"""Completeness and timeliness per reporting unit, as DHIS2 does them (issue 5, part 2).

One row per monthly table × month × district in ``dq.deliveries``. A file whose name
carries a district covers that district; a city-wide file (``district_code`` NULL)
covers all 13. Only current, loaded file versions count as delivered. A delivery is on
time when the first file covering the district arrived before the 11th of the
following month (i.e. by the 10th), judged on ``arrived_at``.
"""

from __future__ import annotations

import duckdb

from pipelines.contract.tables import TABLES
from pipelines.quality.db import relation_exists
from pipelines.quality.results import DQ_DDL, CheckResult, with_details

DEADLINE_DAY = 10  # of the month after the reporting month

MONTHLY_TABLES = [t for t in TABLES.values() if t.monthly]


def build_deliveries(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build dq.deliveries for every month in which any monthly table was loaded."""
    con.execute("CREATE SCHEMA IF NOT EXISTS dq")
    con.execute(f"CREATE OR REPLACE TABLE dq.deliveries ({DQ_DDL['deliveries']})")
    if not relation_exists(con, "raw", "load_log"):
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE monthly_tables (table_name VARCHAR, department VARCHAR)"
    )
    con.executemany(
        "INSERT INTO monthly_tables VALUES (?, ?)", [(t.name, t.department) for t in MONTHLY_TABLES]
    )
    con.execute(
        f"""
        INSERT INTO dq.deliveries
        WITH files AS (
            SELECT table_name, period, district_code, arrived_at FROM raw.load_log
            WHERE status = 'loaded' AND is_current
                AND table_name IN (SELECT table_name FROM monthly_tables)
        ), periods AS (SELECT DISTINCT period FROM files),
        grid AS (
            SELECT t.department, t.table_name, p.period, d.region_code AS district_code
            FROM monthly_tables t, periods p, ref_regions d WHERE d.region_level = 'district'
        ), covered AS (
            SELECT g.department, g.table_name, g.period, g.district_code,
                count(f.arrived_at)::INTEGER AS received_files,
                min(f.arrived_at) AS first_arrival
            FROM grid g LEFT JOIN files f
                ON f.table_name = g.table_name AND f.period = g.period
                AND (f.district_code = g.district_code OR f.district_code IS NULL)
            GROUP BY ALL
        )
        SELECT department, table_name, period, district_code, received_files,
            CASE WHEN received_files > 0 THEN first_arrival
                < (period + INTERVAL 1 MONTH + INTERVAL {DEADLINE_DAY} DAY) END AS on_time,
            CASE WHEN received_files = 0 THEN 'missing'
                WHEN first_arrival < (period + INTERVAL 1 MONTH + INTERVAL {DEADLINE_DAY} DAY)
                    THEN 'complete'
                ELSE 'late' END AS status
        FROM covered
        """
    )


def delivery_results(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Per table-month: which districts are missing, which were late (warnings)."""
    rows = con.execute(
        "SELECT table_name, period, district_code, status FROM dq.deliveries "
        "ORDER BY table_name, period, district_code"
    ).fetchall()
    keys = sorted({(t, p) for t, p, _, _ in rows})
    out: list[CheckResult] = []
    for table_name, period in keys:
        these = [(d, s) for t, p, d, s in rows if (t, p) == (table_name, period)]
        label = TABLES[table_name].label
        out += with_details(
            "delivery_complete",
            table_name,
            period,
            [(d, f"{label} 未报送", 1) for d, s in these if s == "missing"],
            "13 个区县均已报送",
            "区县",
        )
        out += with_details(
            "delivery_on_time",
            table_name,
            period,
            [(d, f"{label} 晚于次月{DEADLINE_DAY}日报送", 1) for d, s in these if s == "late"],
            f"次月{DEADLINE_DAY}日前报送",
            "区县",
        )
    return out


def community_profile_results(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """社区基础信息: communities of the hierarchy, in districts that delivered, with no row."""
    if not relation_exists(con, "raw", "community_profile"):
        return []
    rows = con.execute(
        """
        WITH covered AS (
            SELECT period, district_code FROM dq.deliveries
            WHERE table_name = 'community_profile' AND status <> 'missing'
        ), expected AS (
            SELECT c.period, r.district_code, r.region_code
            FROM covered c JOIN ref_regions r
                ON r.district_code = c.district_code AND r.region_level = 'community'
        )
        SELECT e.period, e.district_code,
            count(*) FILTER (WHERE p.community_code IS NULL) AS missing, count(*) AS total
        FROM expected e LEFT JOIN (
            SELECT DISTINCT period, community_code FROM raw.community_profile
        ) p ON p.period = e.period AND p.community_code = e.region_code
        GROUP BY ALL ORDER BY 1, 2
        """
    ).fetchall()
    out: list[CheckResult] = []
    for period in sorted({r[0] for r in rows}):
        details = [
            (district, f"{missing}/{total} 个社区无数据", missing)
            for p, district, missing, total in rows
            if p == period and missing
        ]
        out += with_details(
            "community_profile_complete",
            "community_profile",
            period,
            details,
            "区划内每个社区一行",
            "区县",
        )
    return out
