"""A small hand-made warehouse with the schemas of docs/interfaces.md (raw.*, load log,
quarantine, analytics.*), so the quality and publishing tests do not depend on ingestion
or dbt. What it holds, for 2025-01:

- 社区基础信息 (community_profile): one file per district except 长清区 (missing);
  天桥区's arrives 2025-02-11 08:00 (late), 槐荫区's 2025-02-10 23:59 (on time); each file
  has 2 data rows (the district's first two communities) and 1 non-data row.
- 低保家庭 (dibao_household): one city-wide file (no district in its name), on time,
  households H1 (2 persons) and H2 (1 person) in 历下区's first community.
- 低保成员 (dibao_member): files for 历下区 (H1's two members) and 市中区 (H2's member).
- analytics: a catalog of three indicators (a count, a percentage at every level, a
  percentage at street/district/city), values for every region, parents = sums.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import reference
from pipelines.contract.tables import TABLES, raw_columns
from pipelines.settings import Settings

PERIOD = date(2025, 1, 1)
DISTRICTS = [r.code for r in reference.at_level("district")]
MISSING_DISTRICT = "370113000000"  # 长清区
LATE_DISTRICT = "370105000000"  # 天桥区
BOUNDARY_DISTRICT = "370104000000"  # 槐荫区, 2025-02-10 23:59
LIXIA, SHIZHONG = "370102000000", "370103000000"

LOAD_LOG_DDL = """
    load_id VARCHAR, source_file VARCHAR, department VARCHAR, table_name VARCHAR,
    period DATE, district_code VARCHAR, file_sha256 VARCHAR, arrived_at TIMESTAMP,
    rows_read INTEGER, non_data_rows INTEGER, duplicates INTEGER, loaded INTEGER,
    quarantined INTEGER, unknown_columns VARCHAR, status VARCHAR, error_message VARCHAR,
    started_at TIMESTAMP, finished_at TIMESTAMP, is_current BOOLEAN"""
QUARANTINE_DDL = """
    load_id VARCHAR, table_name VARCHAR, source_file VARCHAR, period DATE,
    source_row INTEGER, reason_code VARCHAR, reason VARCHAR, row_data VARCHAR"""

CATALOG = [
    # code, unit, levels
    ("T_COUNT", "人", "all"),
    ("T_PCT", "%", "all"),
    ("T_STREET_PCT", "%", "street,district,city"),
]


def communities_of(district: str) -> list[str]:
    return [
        r.code
        for r in reference.regions()
        if r.level == "community" and r.district_code == district
    ]


def insert(con, table: str, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows)
    con.register("rows_frame", frame)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM rows_frame")
    con.unregister("rows_frame")


def add_file(
    con,
    table: str,
    district: str | None,
    arrived: datetime,
    rows: list[dict],
    non_data: int = 1,
    name: str | None = None,
) -> str:
    """Load one file: its rows into raw.<table> with lineage, and a reconciled log row."""
    t = TABLES[table]
    label = reference.by_code()[district].name if district else "全市"
    source_file = name or f"{t.department}/2025-01/{t.label}_{label}_2025-01.xlsx"
    load_id = f"L{con.execute('SELECT count(*) FROM raw.load_log').fetchall()[0][0] + 1:03d}"
    full = [
        {
            **r,
            "period": PERIOD,
            "source_file": source_file,
            "file_sha256": "0" * 64,
            "arrived_at": arrived,
            "source_row": i + 4,
            "load_id": load_id,
            "delivery_district_code": district,
        }
        for i, r in enumerate(rows)
    ]
    insert(con, f"raw.{table}", full)
    insert(
        con,
        "raw.load_log",
        [
            {
                "load_id": load_id,
                "source_file": source_file,
                "department": t.department,
                "table_name": table,
                "period": PERIOD,
                "district_code": district,
                "arrived_at": arrived,
                "rows_read": len(rows) + non_data,
                "non_data_rows": non_data,
                "duplicates": 0,
                "loaded": len(rows),
                "quarantined": 0,
                "status": "loaded",
                "is_current": True,
            }
        ],
    )
    return load_id


def build_raw(con) -> None:
    con.execute("CREATE SCHEMA raw")
    for table in ("community_profile", "dibao_household", "dibao_member"):
        cols = ", ".join(f"{c} {t}" for c, t in raw_columns(TABLES[table]))
        con.execute(f"CREATE TABLE raw.{table} ({cols})")
    con.execute(f"CREATE TABLE raw.load_log ({LOAD_LOG_DDL})")
    con.execute(f"CREATE TABLE raw.quarantine ({QUARANTINE_DDL})")
    for district in DISTRICTS:
        if district == MISSING_DISTRICT:
            continue
        arrived = {
            LATE_DISTRICT: datetime(2025, 2, 11, 8, 0),
            BOUNDARY_DISTRICT: datetime(2025, 2, 10, 23, 59),
        }.get(district, datetime(2025, 2, 5, 9, 0))
        rows = [
            {
                "community_code": code,
                "community_name": f"社区{code[-3:]}",
                "households": 2000,
                "resident_population": 6000,
                "committee_members": 7,
                "office_area_m2": 400.0,
            }
            for code in communities_of(district)[:2]
        ]
        add_file(con, "community_profile", district, arrived, rows)
    first = communities_of(LIXIA)[0]
    household = {
        "category": "城市低保",
        "monthly_benefit_yuan": 900.0,
        "approval_date": date(2024, 6, 1),
        "status": "在保",
        "community_code": first,
        "person_key": "k-head",
        "sex": "女",
        "age_at_month_end": 45,
    }
    add_file(
        con,
        "dibao_household",
        None,
        datetime(2025, 2, 6, 10, 0),
        [
            {**household, "household_id": "H1", "persons": 2},
            {**household, "household_id": "H2", "persons": 1, "monthly_benefit_yuan": 500.0},
        ],
    )
    member = {"relation_to_head": "本人", "sex": "男", "age_at_month_end": 30}
    add_file(
        con,
        "dibao_member",
        LIXIA,
        datetime(2025, 2, 7, 10, 0),
        [
            {**member, "household_id": "H1", "person_key": "k1"},
            {**member, "household_id": "H1", "person_key": "k2"},
        ],
    )
    add_file(
        con,
        "dibao_member",
        SHIZHONG,
        datetime(2025, 2, 7, 10, 0),
        [{**member, "household_id": "H2", "person_key": "k3"}],
    )


def build_analytics(con) -> None:
    con.execute("CREATE SCHEMA analytics")
    con.execute(
        "CREATE TABLE analytics.indicators (code VARCHAR, name_zh VARCHAR, unit VARCHAR, "
        "levels VARCHAR)"
    )
    insert(
        con,
        "analytics.indicators",
        [{"code": c, "name_zh": c, "unit": u, "levels": lv} for c, u, lv in CATALOG],
    )
    con.execute(
        "CREATE TABLE analytics.regions (region_code VARCHAR, region_name VARCHAR, "
        "region_level VARCHAR, parent_code VARCHAR, district_code VARCHAR, street_code VARCHAR, "
        "community_type VARCHAR, street_type VARCHAR)"
    )
    insert(
        con,
        "analytics.regions",
        [
            {
                "region_code": r.code,
                "region_name": r.name,
                "region_level": r.level,
                "parent_code": r.parent_code or None,
                "district_code": r.district_code or None,
                "street_code": r.street_code or None,
                "community_type": r.community_type or None,
                "street_type": r.street_type or None,
            }
            for r in reference.regions()
        ],
    )
    # Leaf values from the code, rolled up by summing: street = its communities, …
    con.execute(
        """
        CREATE TABLE analytics.indicator_values AS
        WITH leaf AS (
            SELECT 'T_COUNT' AS code, region_code, street_code, district_code,
                (hash(region_code) % 7)::DOUBLE AS n, NULL::DOUBLE AS d
            FROM analytics.regions WHERE region_level = 'community'
            UNION ALL
            SELECT 'T_PCT', region_code, street_code, district_code,
                (hash(region_code) % 5)::DOUBLE, 10.0
            FROM analytics.regions WHERE region_level = 'community'
        ), street_leaf AS (
            SELECT 'T_STREET_PCT' AS code, region_code, region_code AS street_code,
                district_code, (hash(region_code) % 2)::DOUBLE AS n, 1.0 AS d
            FROM analytics.regions WHERE region_level = 'street'
        ), rows AS (
            SELECT code, region_code, 'community' AS region_level, n, d FROM leaf
            UNION ALL SELECT code, street_code, 'street', sum(n), sum(d) FROM leaf GROUP BY ALL
            UNION ALL SELECT code, district_code, 'district', sum(n), sum(d) FROM leaf GROUP BY ALL
            UNION ALL SELECT code, '370100000000', 'city', sum(n), sum(d) FROM leaf GROUP BY ALL
            UNION ALL SELECT code, region_code, 'street', n, d FROM street_leaf
            UNION ALL SELECT code, district_code, 'district', sum(n), sum(d)
                FROM street_leaf GROUP BY ALL
            UNION ALL SELECT code, '370100000000', 'city', sum(n), sum(d)
                FROM street_leaf GROUP BY ALL
        )
        SELECT code AS indicator_code, DATE '2025-01-01' AS period, region_code, region_level,
            n AS numerator, d AS denominator,
            CASE WHEN d IS NULL THEN n WHEN d > 0 THEN n / d * 100 END AS value,
            NULL::BOOLEAN AS target_met, 1.0::DOUBLE AS coverage
        FROM rows
        """
    )
    con.execute(
        "CREATE TABLE analytics.community_standards (community_code VARCHAR, period DATE, "
        "standard_code VARCHAR, required_min DOUBLE, required_max DOUBLE, actual DOUBLE, "
        "gap DOUBLE, unit VARCHAR, met BOOLEAN)"
    )


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wh_template") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        build_raw(con)
        build_analytics(con)
    return path


@pytest.fixture
def settings(tmp_path, warehouse_template, monkeypatch) -> Settings:
    """A data directory holding a fresh copy of the hand-made warehouse."""
    monkeypatch.setenv("JCW_DATA_DIR", str(tmp_path))
    s = Settings(data_dir=tmp_path)
    s.warehouse_dir.mkdir(parents=True)
    shutil.copy(warehouse_template, s.warehouse_path)
    return s


@pytest.fixture
def wh(settings):
    """Run SQL against the test warehouse (closing the connection each time)."""

    def run(sql: str, params=None):
        with duckdb.connect(str(settings.warehouse_path)) as con:
            return con.execute(sql, params or []).fetchall()

    return run


@pytest.fixture
def fx():
    """This module: its constants and builders, for tests (importlib mode cannot import it)."""
    import sys

    return sys.modules[__name__]
