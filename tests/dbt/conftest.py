"""One tiny hand-made raw warehouse, built once and run through the real dbt project
(via Dagster's dbt assets) once per session; the tests then only read the result.

Regions (real codes from data/reference/regions.csv):

- C1 370105003004 天桥东 and C2 370105003005 义和: the two 居委会 of street
  S 370105003000 天桥东街街道, district A 370105000000 天桥区 (277 communities, 15 街道);
- V  370105017201 马店村: a 村委会 of 天桥区 (居委会-only indicators are NULL there) in
  street SV 370105017000 大桥街道, which has only 村委会;
- B1 370126400498 商河经济开发区虚拟社区: code 4xx = 类似居委会, counted as 居委会, in the
  镇-type functional area 370126400000 of district B 370126000000 商河县 (its only 街道
  is 370126001000 许商街道).

Months 2025-01 (month end 01-31) and 2025-02 (month end 02-28). Every table is a
city-wide delivery except: in 2025-01 unemployment_roster also has a 天桥区 file
arriving later (its row for R1 wins); in 2025-02 dibao_household was delivered for
天桥区 only (商河县's file was removed), and unemployment_roster's only file was
rejected, so that table is missing for the whole month. A service-centre list of
2024-12 does not make 2024-12 a loaded month.

ID numbers are made here and turned into person_key / age / sex with ingestion's own
SQL (pipelines.ingest.ids), as ingestion would; the clear numbers never reach the
warehouse. Ages are at month end; the comments give the birth dates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.contract.tables import TABLES, raw_columns
from pipelines.ingest import ids

PROJECT = Path(__file__).resolve().parents[2]
DBT_DIR = PROJECT / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
C1, C2, V, B1 = "370105003004", "370105003005", "370105017201", "370126400498"
S, SV = "370105003000", "370105017000"
A, B = "370105000000", "370126000000"
B_TOWN, B_STREET = "370126400000", "370126001000"
CITY = "370100000000"
COMMUNITIES_IN_A = 277
COMMUNITIES_IN_CITY = 5758

TEST_KEY = b"jcw-dbt-test-key-0123456789abcdef"

# importlib mode cannot import a conftest: the test modules import this name instead
sys.modules.setdefault("jcw_dbt_fixture", sys.modules[__name__])


def id18(region6: str, birth: str, seq: int) -> str:
    """A valid 18-digit number; an odd sequence is 男, an even one 女."""
    first17 = f"{region6}{birth}{seq:03d}"
    return first17 + ids.check_char(first17)


# name → ID number (birth date → age at 2025-01-31)
PEOPLE = {
    "M1": id18("370105", "19850131", 2),  # 女, 40 exactly on month end (4050 group)
    "M2": id18("370105", "20090131", 11),  # 16 exactly
    "M3": id18("370105", "19540505", 13),  # 70
    "M4": id18("370105", "19650201", 15),  # 59 (60 only on 02-01)
    "M5": id18("370105", "19600131", 17),  # 65 exactly
    "M6": id18("370105", "19940601", 19),  # 30
    "M7": id18("370105", "19650131", 21),  # 60 exactly: outside 16-59
    "M8": id18("370105", "20090201", 23),  # 15 (16 only on 02-01): outside 16-59
    "M9": id18("370105", "19790707", 25),  # 45
    # first-generation 15-digit number: 370126 591231 027 → born 1959-12-31, 65 exactly
    "M10": "370126591231027",
    "M10_18": id18("370126", "19591231", 27),  # the same person, as the clinic wrote it
    "M11": id18("370105", "19750303", 29),  # 50
    "P1": id18("370105", "19721010", 31),  # 52
    "P2": id18("370105", "19880808", 33),
    "P3": id18("370105", "19900909", 35),
    "P4": id18("370126", "19800101", 37),
    "P5": id18("370105", "19820202", 39),
    "P6": id18("370105", "19600201", 41),  # 64 (65 only on 02-01)
    "P7": id18("370105", "19741111", 43),
    "P9": id18("370105", "19580505", 45),  # 66
    "P10": id18("370105", "19700101", 47),
    "F1": id18("410102", "20100131", 52),  # 女, 15 exactly
    "F2": id18("410102", "19750201", 54),  # 女, 49 (50 only on 02-01)
    "F3": id18("410102", "19750131", 56),  # 女, 50 exactly: outside 15-49
    "F4": id18("410102", "19941212", 57),  # 男
    "F5": id18("410102", "20100201", 58),  # 女, 14
    "F6": id18("410102", "19841010", 59),  # 男
}

# load_id → (table, period, district_code or None = city-wide, arrived_at, status, is_current)
FILES = {
    "L00": ("service_center", date(2024, 12, 1), None, "2025-01-03 10:00", "loaded", True),
    "L01": ("community_profile", JAN, None, "2025-02-03 10:00", "loaded", True),
    "L02": ("service_center", JAN, None, "2025-02-03 10:00", "loaded", True),
    "L03": ("district_wage", JAN, None, "2025-02-03 10:00", "loaded", True),
    "L04": ("dibao_household", JAN, None, "2025-02-04 10:00", "loaded", True),
    "L05": ("dibao_member", JAN, None, "2025-02-04 10:00", "loaded", True),
    "L06": ("unemployment_roster", JAN, None, "2025-02-05 10:00", "loaded", True),
    "L07": ("unemployment_roster", JAN, A, "2025-02-08 10:00", "loaded", True),
    "L08": ("health_contract", JAN, None, "2025-02-05 10:00", "loaded", True),
    "L09": ("health_facility", JAN, None, "2025-02-05 10:00", "loaded", True),
    "L10": ("floating_population", JAN, None, "2025-02-06 10:00", "loaded", True),
    "L11": ("community_profile", FEB, None, "2025-03-03 10:00", "loaded", True),
    "L12": ("service_center", FEB, None, "2025-03-03 10:00", "loaded", True),
    "L13": ("district_wage", FEB, None, "2025-03-03 10:00", "loaded", True),
    "L14": ("dibao_household", FEB, A, "2025-03-04 10:00", "loaded", True),
    "L15": ("dibao_member", FEB, None, "2025-03-04 10:00", "loaded", True),
    "L16": ("health_contract", FEB, None, "2025-03-05 10:00", "loaded", True),
    "L17": ("health_facility", FEB, None, "2025-03-05 10:00", "loaded", True),
    "L18": ("floating_population", FEB, None, "2025-03-06 10:00", "loaded", True),
    # not coverage: a rejected file and a removed older version
    "L19": ("unemployment_roster", FEB, None, "2025-03-05 10:00", "rejected", True),
    "L20": ("dibao_household", FEB, B, "2025-03-04 09:00", "removed", False),
}


def _profile(code, **kw):
    base = dict(community_code=code, community_name=code, households=0, resident_population=0)
    return base | kw


PROFILE = [
    # C1: 3000 户; staffing needs max(5, ceil(3000/300)) = 10 → 9 is 1 short
    _profile(
        C1,
        is_old_city=False,
        households=3000,
        resident_population=8000,
        population_65_plus=1000,
        committee_members=9,
        community_workers=20,
        office_area_m2=450,
        has_service_station=True,
        police_officers=1,
        funds_city_yuan=15000,
        funds_district_yuan=15000,
        member_allowance_yuan=3000,
        members_pension_insured=9,
    ),
    # C2: 1200 户 (300 below the scale), old city (150 m² needed), blanks read as 0/否
    _profile(
        C2,
        is_old_city=True,
        households=1200,
        resident_population=3000,
        population_65_plus=400,
        committee_members=5,
        community_workers=6,
        office_area_m2=120,
        has_service_station=None,
        police_officers=0,
        funds_city_yuan=6000,
        funds_district_yuan=None,
        member_allowance_yuan=2500,
        members_pension_insured=4,
    ),
    # V: a 村委会 — counted by ORG_COMMUNITIES, not by the 居委会-only indicators
    _profile(
        V,
        households=500,
        resident_population=1500,
        population_65_plus=300,
        committee_members=3,
        community_workers=2,
        office_area_m2=100,
        has_service_station=False,
        police_officers=0,
        funds_city_yuan=0,
        funds_district_yuan=0,
        member_allowance_yuan=1000,
        members_pension_insured=1,
    ),
    # B1: 5000 户 (500 above the scale); ceil(5000/300) = 17 members needed
    _profile(
        B1,
        is_old_city=False,
        households=5000,
        resident_population=12000,
        population_65_plus=1500,
        committee_members=17,
        community_workers=30,
        office_area_m2=400,
        has_service_station=True,
        police_officers=2,
        funds_city_yuan=27000,
        funds_district_yuan=33000,
        member_allowance_yuan=4000,
        members_pension_insured=17,
    ),
]


def _center(level, code, area):
    return dict(level=level, region_code=code, floor_area_m2=area)


SERVICE_CENTERS = {
    "L00": [_center("街道", "370105003", 800)],
    "L02": [
        _center("街道", "370105003", 1200),  # S: one of its two centres is large enough
        _center("街道", "370105003", 500),
        _center("区县", "370105", 2800),  # 天桥区: below 3000
        _center("区县", "370126", 3500),  # 商河县
        _center("街道", "370126400", 1500),  # a 镇-type area: not counted
    ],
    "L12": [
        _center("街道", "370105003000", 900),  # S now too small
        _center("区县", "370105000000", 3000),  # exactly 3000: meets
        _center("区县", "370126", 3500),
    ],
}

WAGES = {
    "L03": [
        dict(district_code="370105", year=2024, avg_wage_yuan=40000),
        dict(district_code="370105", year=2023, avg_wage_yuan=38000),
        dict(district_name="商河县", year=2023, avg_wage_yuan=45000),  # 2024 not out yet
    ],
    "L13": [dict(district_name="商河县", year=2024, avg_wage_yuan=50000)],
}


def _hh(hid, code, head, status, persons, benefit, approval, review=None, exit_date=None):
    return dict(
        household_id=hid,
        community_code=code,
        head_id_number=PEOPLE[head],
        category="城市低保",
        persons=persons,
        monthly_benefit_yuan=benefit,
        approval_date=approval,
        last_review_date=review,
        status=status,
        exit_date=exit_date,
    )


HOUSEHOLDS_JAN = [
    # latest of (approval, review) must be after 2024-01-31
    _hh("H1", C1, "M1", "在保", 3, 1500, "2024-01-31", review="2024-06-30"),  # timely
    _hh("H2", C1, "M4", "在保", 2, 800, "2023-05-10", review="2024-01-31"),  # not: equal
    _hh("H3", C1, "M6", "停保", 1, 500, "2022-01-01", exit_date="2025-01-31"),  # exit on month end
    _hh("H4", C2, "M9", "在保", 4, 2000, "2025-01-15"),  # new in the month, timely
    _hh("H7", C2, "P7", "停保", 1, 300, "2020-01-01", exit_date="2024-12-20"),  # left earlier
    _hh("H5", V, "M11", "在保", 2, 600, "2024-02-01"),  # timely
    _hh("H6", B1, "M10", "在保", 1, 700, "2024-12-31"),  # head's number has 15 digits
]
HOUSEHOLDS_FEB = [
    _hh("H1", C1, "M1", "在保", 3, 1500, "2024-01-31", review="2024-06-30"),
    _hh("H2", C1, "M4", "在保", 2, 800, "2023-05-10", review="2025-02-10"),  # reviewed now
    _hh("H4", C2, "M9", "在保", 4, 2000, "2025-01-15"),
    _hh("H5", V, "M11", "在保", 2, 600, "2024-02-01"),
]
HOUSEHOLDS_REMOVED = [_hh("H6", B1, "M10", "在保", 1, 700, "2024-12-31")]


def _member(hid, person, able):
    return dict(household_id=hid, id_number=PEOPLE[person], able_to_work=able)


MEMBERS = [
    _member("H1", "M1", True),
    _member("H1", "M2", True),
    _member("H1", "M3", False),
    _member("H2", "M4", True),
    _member("H2", "M5", False),
    _member("H3", "M6", True),
    _member("H4", "M7", True),
    _member("H4", "M8", True),
    _member("H4", "M9", True),
    _member("H5", "M11", True),
    _member("H6", "M10", False),
]


def _reg(rid, person, code, status, categories=None, reemp=None, mode=None, training=None):
    return dict(
        registration_id=rid,
        id_number=PEOPLE[person],
        community_code=code,
        registration_date="2024-06-01",
        difficulty_categories=categories,
        status=status,
        reemployment_date=reemp,
        reemployment_mode=mode,
        in_training=training,
    )


ROSTER_CITY = [
    # R1 again in 天桥区's later file, where it is 失业: that row wins
    _reg("R1", "M1", C1, "已就业", "4050人员", reemp="2025-01-10", mode="单位就业"),
    # 2024-11-01 → 2025-01-31 is 91 days: more than 90
    _reg("R2", "M4", C1, "已就业", "低保家庭成员", reemp="2024-11-01", mode="单位就业"),
    # 2024-11-02 → 2025-01-31 is 90 days: not more than 90
    _reg("R3", "M9", C2, "已就业", None, reemp="2024-11-02", mode="灵活就业"),
    _reg("R4", "P1", C2, "失业", "4050人员、长期失业人员", training=True),
    _reg("R5", "P2", C2, "已就业", "残疾人", reemp="2025-01-31", mode="公益性岗位"),
    _reg("R6", "P3", V, "注销", "无"),
    _reg("R7", "P4", B1, "失业", None, training=False),
    _reg("R8", "P5", C1, "失业", "零就业家庭成员", training=False),
]
ROSTER_A = [_reg("R1", "M1", C1, "失业", "4050人员")]


def _contract(cid, person, code, signed, expiry, groups, managed):
    return dict(
        contract_id=cid,
        id_number=PEOPLE[person],
        community_code=code,
        contract_date=signed,
        expiry_date=expiry,
        key_groups=groups,
        is_managed=managed,
    )


CONTRACTS_JAN = [
    _contract("K1", "M3", C1, "2024-03-01", "2025-01-31", "65岁及以上老年人、高血压患者", True),
    _contract("K2", "M10_18", B1, "2024-06-01", None, "65岁及以上老年人、糖尿病患者", True),
    _contract("K3", "P6", C1, "2024-01-01", None, "高血压患者", True),  # 64: not elderly
    _contract("K4", "P7", C2, "2025-02-01", None, "糖尿病患者", False),  # not yet signed
    _contract("K5", "F1", C2, "2024-05-01", "2026-04-30", "一般人群", False),
    _contract("K6", "P9", C2, "2024-09-01", None, "高血压患者、糖尿病患者", False),
    _contract("K7", "P10", C1, "2024-02-01", "2025-01-30", "糖尿病患者", True),  # expired
]
CONTRACTS_FEB = [c for c in CONTRACTS_JAN if c["contract_id"] in ("K2", "K4", "K5", "K6")]

FACILITIES = [
    dict(
        facility_code="F-1",
        facility_name="x",
        facility_type="社区卫生服务站",
        community_code=C1,
        general_practitioners=3,
    ),
    dict(
        facility_code="F-2",
        facility_name="y",
        facility_type="社区卫生服务中心",
        community_code=C1,
        general_practitioners=2,
    ),
    dict(
        facility_code="F-3",
        facility_name="z",
        facility_type="村卫生室",
        community_code=B1,
        general_practitioners=None,
    ),
]


def _fp(
    rid,
    person,
    code,
    registered,
    cancel=None,
    permit=False,
    until=None,
    children=0,
    school=0,
    fp=None,
):
    return dict(
        registration_id=rid,
        id_number=PEOPLE[person],
        community_code=code,
        registration_date=registered,
        cancel_date=cancel,
        has_permit=permit,
        permit_valid_until=until,
        accompanying_children=children,
        children_in_school=school,
        receives_fp_service=fp,
    )


FLOATING = [
    _fp(
        "FP1",
        "F1",
        C2,
        "2024-06-01",
        permit=True,
        until="2025-01-31",
        children=2,
        school=1,
        fp=True,
    ),
    _fp("FP2", "F2", C2, "2025-01-31", fp=False),  # registered on month end: new in the month
    _fp("FP3", "F3", C2, "2024-01-01", permit=True, until="2025-01-30", fp=True),
    _fp("FP4", "F4", C2, "2023-01-01", cancel="2025-01-31"),  # cancelled on month end
    _fp("FP5", "F5", C1, "2024-12-01", cancel="2025-02-15", permit=True, children=3, school=3),
    _fp("FP6", "F6", V, "2024-02-02", permit=True, until="2026-01-01"),
]

ROWS = {
    "L00": SERVICE_CENTERS["L00"],
    "L01": PROFILE,
    "L02": SERVICE_CENTERS["L02"],
    "L03": WAGES["L03"],
    "L04": HOUSEHOLDS_JAN,
    "L05": MEMBERS,
    "L06": ROSTER_CITY,
    "L07": ROSTER_A,
    "L08": CONTRACTS_JAN,
    "L09": FACILITIES,
    "L10": FLOATING,
    "L11": PROFILE,
    "L12": SERVICE_CENTERS["L12"],
    "L13": WAGES["L13"],
    "L14": HOUSEHOLDS_FEB,
    "L15": MEMBERS,
    "L16": CONTRACTS_FEB,
    "L17": FACILITIES,
    "L18": FLOATING,
    "L19": [],
    "L20": [],  # removed: its rows are gone from raw.*
}

LOAD_LOG_COLUMNS = [
    ("load_id", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("department", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("period", "DATE"),
    ("district_code", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("arrived_at", "TIMESTAMP"),
    ("rows_read", "INTEGER"),
    ("non_data_rows", "INTEGER"),
    ("duplicates", "INTEGER"),
    ("loaded", "INTEGER"),
    ("quarantined", "INTEGER"),
    ("unknown_columns", "VARCHAR"),
    ("status", "VARCHAR"),
    ("error_message", "VARCHAR"),
    ("started_at", "TIMESTAMP"),
    ("finished_at", "TIMESTAMP"),
    ("is_current", "BOOLEAN"),
]


def _month_end(period: date) -> date:
    nxt = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _person_columns(con, id_number: str, period: date) -> dict:
    """person_key, birth_year, age, sex, prefix exactly as ingestion's SQL derives them."""
    sql = f"""
        select {ids.hmac_sql("n")}, year({ids.birth("n")}),
               {ids.age_from_birth(ids.birth("n"), "d")}, {ids.sex("n")}, left(n, 6)
        from (select {ids.id18("c", "f", ids.check_char_of17("f"))} as n, d
              from (select c, {ids.first17("c")} as f, d
                    from (select {ids.clean("$id")} as c, cast($d as date) as d)))
    """
    params = ids.hmac_params(TEST_KEY) | {"id": id_number, "d": _month_end(period)}
    key, birth_year, age, sex, prefix = con.execute(sql, params).fetchone()
    return dict(
        person_key=key,
        birth_year=birth_year,
        age_at_month_end=age,
        sex=sex,
        id_region_prefix=prefix,
    )


def build_raw_warehouse(path: Path) -> None:
    """raw.<table> with raw_columns(table) and raw.load_log, filled from FILES/ROWS."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    for table in TABLES.values():
        cols = ", ".join(f"{n} {t}" for n, t in raw_columns(table))
        con.execute(f"create table raw.{table.name} ({cols})")
    cols = ", ".join(f"{n} {t}" for n, t in LOAD_LOG_COLUMNS)
    con.execute(f"create table raw.load_log ({cols})")
    for load_id, (table_name, period, district, arrived, status, current) in FILES.items():
        table = TABLES[table_name]
        source_file = f"{table.department}/{period:%Y-%m}/{table.label}_{load_id}.csv"
        rows = ROWS[load_id]
        con.execute(
            "insert into raw.load_log (load_id, source_file, department, table_name, period,"
            " district_code, arrived_at, rows_read, non_data_rows, duplicates, loaded,"
            " quarantined, status, is_current) values (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?, ?)",
            [
                load_id,
                source_file,
                table.department,
                table_name,
                period,
                district,
                arrived,
                len(rows),
                len(rows),
                status,
                current,
            ],
        )
        columns = [n for n, _ in raw_columns(table)]
        for i, row in enumerate(rows, start=2):
            values = dict(row)
            if table.id_column:
                values |= _person_columns(con, values.pop(table.id_column), period)
            values |= dict(
                period=period,
                source_file=source_file,
                arrived_at=arrived,
                source_row=i,
                load_id=load_id,
                delivery_district_code=district,
            )
            unknown = set(values) - set(columns)
            assert not unknown, f"{table_name}: not in raw_columns: {unknown}"
            names = list(values)
            con.execute(
                f"insert into raw.{table_name} ({', '.join(names)})"
                f" values ({', '.join('?' for _ in names)})",
                [values[n] for n in names],
            )
    con.close()


@pytest.fixture(scope="session")
def dbt_warehouse(tmp_path_factory) -> dict:
    """The fixture warehouse after `jcw run`'s dbt step: one `dbt build` through Dagster."""
    import dagster as dg

    from pipelines.runner import PipelineContext, RunOutcome
    from pipelines.settings import Settings

    data_dir = tmp_path_factory.mktemp("dbt_data")
    warehouse = data_dir / "warehouse" / "warehouse.duckdb"
    build_raw_warehouse(warehouse)
    old = {k: os.environ.get(k) for k in ("JCW_DATA_DIR", "JCW_WAREHOUSE_PATH")}
    os.environ["JCW_DATA_DIR"] = str(data_dir)
    os.environ.pop("JCW_WAREHOUSE_PATH", None)
    try:
        from pipelines.assets import dbt

        with dg.DagsterInstance.ephemeral() as instance:
            ctx = PipelineContext(Settings(data_dir), instance, dbt.defs, RunOutcome(months=[]))
            started = time.perf_counter()
            step = dbt.dbt_step(ctx)
            seconds = time.perf_counter() - started
            checks = [
                e.asset_check_evaluation
                for e in instance.all_logs(step.run_id)
                if e.asset_check_evaluation is not None
            ]
            # nothing changed since: the next run's step does not rebuild
            again = dbt.dbt_step(ctx)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {
        "data_dir": data_dir,
        "warehouse": warehouse,
        "step": step,
        "again": again,
        "seconds": seconds,
        "checks": checks,
    }


@pytest.fixture(scope="session")
def wh(dbt_warehouse):
    """A read-only connection to the built fixture warehouse."""
    assert dbt_warehouse["step"].ok, dbt_warehouse["step"].message
    con = duckdb.connect(str(dbt_warehouse["warehouse"]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def iv(wh):
    """iv(code, period, region) → the indicator_values row as a dict (or None)."""

    def get(code: str, period: date, region: str) -> dict | None:
        cur = wh.execute(
            "select * from analytics.indicator_values"
            " where indicator_code = ? and period = ? and region_code = ?",
            [code, period, region],
        )
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))

    return get


def run_dbt(args: list[str], data_dir: Path, target: Path) -> subprocess.CompletedProcess:
    """Run dbt on data_dir's warehouse, reusing the project's parse (saves ~10 s a call)."""
    target.mkdir(parents=True, exist_ok=True)
    parsed = DBT_DIR / "target" / "partial_parse.msgpack"
    if parsed.exists():
        shutil.copy(parsed, target / parsed.name)
    env = {**os.environ, "JCW_DATA_DIR": str(data_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.pop("JCW_WAREHOUSE_PATH", None)
    return subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
