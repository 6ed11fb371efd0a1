"""A small serving file with hand-chosen values, for the dashboard tests and development.

Real hierarchy (data/reference/regions.csv), real catalog, 13 months (2024-03 … 2025-03):
the city, its 13 districts, and below them only two 历下区 streets and one 高新区 street
with six communities. Every indicator gets deterministic filler values summed up the
hierarchy; the values the tests check are chosen by hand in ``LEAF_VALUES`` and
``DIRECT_VALUES`` below (the sums are written out in the comments).

商河县 delivered no civil-affairs table for 2025-03: its civil-affairs indicators are
NULL with coverage 0 there, and the city's are partial (coverage 0.95).

Run as a script to build a data directory for ``jcw serve``::

    .venv/bin/python tests/dashboard/serving_fixture.py /tmp/jcw-dash [--stale]
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from pathlib import Path

import duckdb
import pandas as pd

PROJECT = Path(__file__).resolve().parents[2]
REGIONS_CSV = PROJECT / "data" / "reference" / "regions.csv"
_SEED_CATALOG = PROJECT / "dbt_project" / "seeds" / "indicators.csv"
_SPEC_CATALOG = PROJECT.parent / "shared" / "spec" / "indicators.csv"
CATALOG_CSV = _SEED_CATALOG if _SEED_CATALOG.exists() else _SPEC_CATALOG

MONTHS = [f"2024-{m:02d}" for m in range(3, 13)] + ["2025-01", "2025-02", "2025-03"]
LATEST, PREVIOUS, YEAR_AGO = "2025-03", "2025-02", "2024-03"
VERSION = "20250405T101500"
PUBLISHED_AT = "2025-04-05 10:15:00"

CITY = "370100000000"
LIXIA, GAOXIN, SHANGHE, SHIZHONG, LICHENG = (
    "370102000000",
    "370176000000",
    "370126000000",
    "370103000000",
    "370112000000",
)
JIEFANGLU, QIANFOSHAN, SUNCUN = "370102001000", "370102002000", "370176002000"
JIEFANGQIAO, LISHANLU = "370102001002", "370102001003"
FOSHANYUAN, QFS_EAST = "370102002002", "370102002003"
CAIHONGHU, ZHANGJIN = "370176002001", "370176002200"  # 章锦 is a 村委会
STREETS = (JIEFANGLU, QIANFOSHAN, SUNCUN)
COMMUNITIES = (JIEFANGQIAO, LISHANLU, FOSHANYUAN, QFS_EAST, CAIHONGHU, ZHANGJIN)
CITY_COVERAGE_WHEN_SHANGHE_MISSING = 0.95

# DB_PERSONS (人) in 2025-03 at the leaves (communities where the fixture has them,
# else districts). Sums: 解放路街道 200, 千佛山街道 100, 历下区 300, 孙村街道 80,
# 高新区 80, city = 300 + 80 + 2000 + 1500 + 1800 + 2500 + 900 + 2100 + 1200 + 1600
# + 400 + 700 = 15,080 (商河县 not delivered).
LEAF_VALUES: dict[tuple[str, str], dict[str, float]] = {
    ("DB_PERSONS", LATEST): {
        JIEFANGQIAO: 120,
        LISHANLU: 80,
        FOSHANYUAN: 60,
        QFS_EAST: 40,
        CAIHONGHU: 30,
        ZHANGJIN: 50,
        SHIZHONG: 2000,
        "370104000000": 1500,  # 槐荫区
        "370105000000": 1800,  # 天桥区
        LICHENG: 2500,
        "370113000000": 900,  # 长清区
        "370114000000": 2100,  # 章丘区
        "370115000000": 1200,  # 济阳区
        "370116000000": 1600,  # 莱芜区
        "370117000000": 400,  # 钢城区
        "370124000000": 700,  # 平阴县
    },
}

# City values set directly (numerator, denominator, coverage) for the headline tests.
DIRECT_VALUES: dict[tuple[str, str, str], tuple[float, float | None, float]] = {
    ("EMP_REGISTERED", LATEST, CITY): (8420, None, 1.0),
    ("EMP_REGISTERED", PREVIOUS, CITY): (8300, None, 1.0),
    ("EMP_REGISTERED", YEAR_AGO, CITY): (9000, None, 1.0),
    ("HL_CONTRACT_RATE", LATEST, CITY): (3524, 10000, 1.0),  # 35.24 %
    ("HL_CONTRACT_RATE", PREVIOUS, CITY): (3400, 10000, 1.0),  # 34.00 %
    ("HL_CONTRACT_RATE", YEAR_AGO, CITY): (3050, 10000, 1.0),  # 30.50 %
    ("DB_RATE", LATEST, LIXIA): (300, 70000, 1.0),  # 4.2857 ‰
    ("DB_RATE", LATEST, JIEFANGLU): (200, 40000, 1.0),  # 5.00 ‰
    ("DB_RATE", LATEST, QIANFOSHAN): (100, 30000, 1.0),  # 3.3333 ‰
    ("DB_RATE", LATEST, JIEFANGQIAO): (120, 25000, 1.0),  # 4.80 ‰
    ("DB_RATE", LATEST, LISHANLU): (80, 15000, 1.0),  # 5.3333 ‰
    ("DB_RATE", LATEST, FOSHANYUAN): (60, 20000, 1.0),  # 3.00 ‰
    ("DB_RATE", LATEST, QFS_EAST): (40, 10000, 1.0),  # 4.00 ‰
}

# Community standards in 2025-03 (the same in every month): (户数, 成员数, 用房 m²,
# 老城区, 工作经费 元, 年生活补贴 元). District wage 90,000 元.
WAGE = 90000
PROFILES = {
    JIEFANGQIAO: (3200, 9, 280, False, 27700, 96000),  # staff −2, office −120, funds −4,300
    LISHANLU: (2400, 8, 450, False, 24000, 96000),  # all met
    FOSHANYUAN: (5100, 17, 500, False, 51000, 96000),  # scale +600 户
    QFS_EAST: (1800, 4, 150, True, 18000, 84000),  # staff −2, allowance −6,000
    CAIHONGHU: (2000, 7, 420, False, 20000, 96000),  # all met
}


def _profile_indicators() -> dict[tuple[str, str], dict[str, float]]:
    """The 居委会 indicators of the standards, consistent with ``PROFILES`` every month."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    for month in MONTHS:
        for code, (hh, staff, office, old, funds, allowance) in PROFILES.items():
            values = {
                "ORG_HH_PER_COMMUNITY": hh,
                "ORG_SCALE_OK": 100.0 * (1500 <= hh <= 4500),
                "ORG_STAFF_OK": 100.0 * (staff >= max(5, math.ceil(hh / 300))),
                "ORG_OFFICE_OK": 100.0 * (office >= (150 if old else 400)),
                "ORG_FUNDING_OK": 100.0 * (funds >= 10 * hh),
                "ORG_ALLOWANCE_OK": 100.0 * (allowance >= WAGE),
            }
            if code == CAIHONGHU:  # no wage delivered: left to the filler
                del values["ORG_ALLOWANCE_OK"]
            for ind, v in values.items():
                out.setdefault((ind, month), {})[code] = v
    return out


LEAF_VALUES.update(_profile_indicators())

# Monthly tables and their departments (pipelines/contract/tables.py).
MONTHLY_TABLES = {
    "community_profile": "civil_affairs",
    "dibao_household": "civil_affairs",
    "dibao_member": "civil_affairs",
    "unemployment_roster": "human_resources",
    "health_contract": "health",
    "health_facility": "health",
    "floating_population": "public_security",
}


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fixture_regions() -> list[dict]:
    keep = {CITY, *STREETS, *COMMUNITIES}
    return [
        r
        for r in _read_csv(REGIONS_CSV)
        if r["region_code"] in keep or r["region_level"] == "district"
    ]


def catalog() -> list[dict]:
    return _read_csv(CATALOG_CSV)


def uses_civil_affairs(ind: dict) -> bool:
    text = ind["numerator"] + ind["denominator"]
    return ind["domain"] in ("组织建设", "低保") or any(
        k in text for k in ("保障", "常住人口", "65岁及以上人口", "户数")
    )


def _filler_value(ind: dict, k: int, j: int, m: int) -> float:
    """A plausible value for indicator k, leaf j, month m."""
    t = ((k * 37 + j * 17 + m * 5) % 100) / 100
    unit = ind["unit"]
    if ind["code"].endswith("_OK") or ind["code"] in ("ORG_STATION_RATE", "ORG_POLICE_RATE"):
        return 100.0 if t > 0.3 else 0.0
    if unit == "%":
        return round(55 + 45 * t, 1)
    if unit == "‰":
        return round(1 + 7 * t, 2)
    if unit.startswith("元/人"):
        return round(600 + 300 * t, 1)
    if unit.startswith("元"):
        return round(8000 + 6000 * t)
    if unit == "户":
        return round(1500 + 3000 * t)
    if "万人" in unit:
        return round(2 + 25 * t, 1)
    return float(round(20 + 200 * t))


def _target_met(ind: dict, value: float | None) -> bool | None:
    op, target = ind["target_op"], ind["target_value"]
    if not op or value is None:
        return None
    target = float(target)
    if op == ">=":
        return value >= target
    if op == "<=":
        return value <= target
    return abs(value - target) <= 0.1 * abs(target)


def indicator_rows(regions: list[dict], cat: list[dict]) -> list[tuple]:
    by_code = {r["region_code"]: r for r in regions}
    kids: dict[str, list[str]] = {}
    for r in regions:
        kids.setdefault(r["parent_code"], []).append(r["region_code"])
    leaves = [c for c in by_code if c not in kids and by_code[c]["region_level"] != "city"]
    rows = []
    for k, ind in enumerate(cat):
        factor = float(ind["factor"])
        levels = ind["levels"].split(",") if ind["levels"] != "all" else None
        for m, month in enumerate(MONTHS):
            missing = month == LATEST and uses_civil_affairs(ind)
            cells: dict[str, tuple] = {}  # code -> (num, den, coverage)
            override = LEAF_VALUES.get((ind["code"], month), {})
            for j, code in enumerate(leaves):
                reg = by_code[code]
                if missing and reg["district_code"] == SHANGHE:
                    cells[code] = (None, None, 0.0)
                    continue
                if ind["applies_to"] == "居委会" and reg["community_type"] == "村委会":
                    cells[code] = (None, None, 1.0)
                    continue
                v = override.get(code, _filler_value(ind, k, j, m))
                if ind["denominator"]:
                    den = 1000.0 * (1 + j % 4)
                    cells[code] = (v * den / factor, den, 1.0)
                else:
                    cells[code] = (v, None, 1.0)

            def total(code: str, cells=cells, ind=ind) -> tuple:
                if code in cells:
                    return cells[code]
                parts = [total(c) for c in kids[code]]
                covered = [p for p in parts if p[2] > 0]
                num = sum(p[0] for p in covered if p[0] is not None)
                dens = [p[1] for p in covered if p[1] is not None]
                den = sum(dens) if ind["denominator"] else None
                cov = 1.0 if len(covered) == len(parts) else CITY_COVERAGE_WHEN_SHANGHE_MISSING
                cells[code] = (num if covered else None, den if covered else None, cov)
                return cells[code]

            total(CITY)
            for code, (num, den, cov) in cells.items():
                direct = DIRECT_VALUES.get((ind["code"], month, code))
                if direct:
                    num, den, cov = direct
                level = by_code[code]["region_level"]
                if levels and level not in levels:
                    continue
                if num is None or (ind["denominator"] and not den):
                    value = None
                else:
                    value = num / den * factor if ind["denominator"] else num
                rows.append(
                    (
                        ind["code"],
                        f"{month}-01",
                        code,
                        level,
                        num,
                        den,
                        value,
                        _target_met(ind, value),
                        cov,
                    )
                )
    return rows


def standard_rows() -> list[tuple]:
    rows = []
    for month in MONTHS:
        for code, (hh, staff, office, old, funds, allowance) in PROFILES.items():
            need_staff = max(5, math.ceil(hh / 300))
            need_office = 150 if old else 400
            checks = [
                ("scale", 1500, 4500, hh, "户"),
                ("staffing", need_staff, None, staff, "人"),
                ("space", need_office, None, office, "m²"),
                ("funds", 10 * hh, None, funds, "元/年"),
                # 高新区 delivered no wage: 彩虹湖's allowance cannot be judged
                ("allowance", None if code == CAIHONGHU else WAGE, None, allowance, "元/年"),
            ]
            for std, lo, hi, actual, unit in checks:
                if lo is None:
                    rows.append((code, f"{month}-01", std, lo, hi, actual, None, unit, None))
                    continue
                gap = actual - lo if actual < lo else (actual - hi if hi and actual > hi else 0)
                rows.append((code, f"{month}-01", std, lo, hi, actual, gap, unit, gap == 0))
    return rows


def dq_rows(districts: list[str]) -> dict[str, list[tuple]]:
    deliveries, loads, quarantine, checks = [], [], [], []
    n = 0
    for month in MONTHS:
        for table, dept in MONTHLY_TABLES.items():
            for d in districts:
                missing = month == LATEST and dept == "civil_affairs" and d == SHANGHE
                late = month == LATEST and table == "health_contract" and d == LICHENG
                status = "missing" if missing else ("late" if late else "complete")
                deliveries.append(
                    (dept, table, f"{month}-01", d, 0 if missing else 1, not late, status)
                )
                if missing:
                    continue
                n += 1
                special = month == LATEST and table == "dibao_household" and d == LIXIA
                loaded, quarantined = (90, 8) if special else (96, 2)
                source = f"{dept}/{month}/{table}_{d[:6]}_{month}.xlsx"
                load_id = f"L{n:05d}"
                loads.append(
                    (load_id, source, dept, table, f"{month}-01", d, f"sha{n}",
                     f"{month}-28 09:00:00", 100, 1, 1, loaded, quarantined, "", "loaded",
                     None, PUBLISHED_AT, PUBLISHED_AT, True)
                )  # fmt: skip
                reasons = (
                    [("id_check_char", "身份证号校验位错误")] * 5
                    + [("region_unknown", "无法匹配到社区")] * 3
                    if special
                    else [("bad_date", "日期无法识别")] * 2
                )
                for i, (code, reason) in enumerate(reasons):
                    quarantine.append((load_id, table, source, f"{month}-01", 5 + i, code, reason))
            for check, label, severity in (
                ("file_reconciles", "文件行数核对", "blocking"),
                ("delivery_complete", "报送完整性", "warning"),
            ):
                failed = (
                    check == "delivery_complete" and month == LATEST and dept == "civil_affairs"
                )
                checks.append(
                    (check, label, table, f"{month}-01", None, severity, not failed,
                     "12" if failed else "13", "13", 1 if failed else 0, "run-0042", PUBLISHED_AT)
                )  # fmt: skip
                if failed:  # the local finding: which district is missing
                    checks.append(
                        (check, label, table, f"{month}-01", SHANGHE, severity, False, "0", "1",
                         0, "run-0042", PUBLISHED_AT)
                    )  # fmt: skip
        checks.append(
            ("indicator_rows_unique", "指标行唯一", None, f"{month}-01", None, "blocking", True,
             "0", "0", 0, "run-0042", PUBLISHED_AT)
        )  # fmt: skip
    # 历下区's 低保家庭 file of 2025-03: 8 of 98 rows quarantined, valid-ID share 93.9 % < 95 %
    checks.append(
        ("valid_id_share", "身份证号有效率", "dibao_household", f"{LATEST}-01", LIXIA, "warning",
         False, "0.939", ">= 0.95", 5, "run-0042", PUBLISHED_AT)
    )  # fmt: skip
    return {"deliveries": deliveries, "loads": loads, "quarantine": quarantine, "checks": checks}


SCHEMA = """
create schema analytics; create schema dq;
create table analytics.indicators (code varchar, name_zh varchar, name_en varchar,
  domain varchar, numerator varchar, denominator varchar, factor double, unit varchar,
  time_aggregation varchar, applies_to varchar, levels varchar, target_op varchar,
  target_value double, target_source varchar);
create table analytics.regions (region_code varchar, region_name varchar, region_level varchar,
  parent_code varchar, district_code varchar, street_code varchar, community_type varchar,
  street_type varchar);
create table analytics.indicator_values (indicator_code varchar, period date,
  region_code varchar, region_level varchar, numerator double, denominator double,
  value double, target_met boolean, coverage double);
create table analytics.community_standards (community_code varchar, period date,
  standard_code varchar, required_min double, required_max double, actual double,
  gap double, unit varchar, met boolean);
create table dq.deliveries (department varchar, table_name varchar, period date,
  district_code varchar, received_files integer, on_time boolean, status varchar);
create table dq.loads (load_id varchar, source_file varchar, department varchar,
  table_name varchar, period date, district_code varchar, file_sha256 varchar,
  arrived_at timestamp, rows_read integer, non_data_rows integer, duplicates integer,
  loaded integer, quarantined integer, unknown_columns varchar, status varchar,
  error_message varchar, started_at timestamp, finished_at timestamp, is_current boolean);
create table dq.quarantine (load_id varchar, table_name varchar, source_file varchar,
  period date, source_row integer, reason_code varchar, reason varchar);
create table dq.check_results (check_name varchar, check_label varchar, table_name varchar,
  period date, region_code varchar, severity varchar, passed boolean, observed varchar, expected varchar, failing_rows bigint,
  run_id varchar, checked_at timestamp);
create table dq.publication (version varchar, published_at timestamp, run_id varchar,
  periods date[]);
"""


def _none(v: str):
    return v if v != "" else None


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list) -> None:
    """Bulk insert through a DataFrame (executemany is slow); INSERT casts the text dates."""
    frame = pd.DataFrame([list(r) for r in rows], dtype=object)
    con.register("rows_frame", frame)
    con.execute(f"insert into {table} select * from rows_frame")
    con.unregister("rows_frame")


def write_serving_file(path: Path) -> None:
    regions = fixture_regions()
    cat = catalog()
    con = duckdb.connect()
    con.execute(f"attach '{path}' as s (storage_version 'v1.2.0')")
    con.execute("use s")
    con.execute(SCHEMA)
    _insert(con, "analytics.indicators", [
            [r["code"], r["name_zh"], r["name_en"], r["domain"], r["numerator"],
             r["denominator"], float(r["factor"]), r["unit"], r["time_aggregation"],
             r["applies_to"], r["levels"], _none(r["target_op"]),
             float(r["target_value"]) if r["target_value"] else None, _none(r["target_source"])]
            for r in cat
        ],
    )  # fmt: skip
    _insert(con, "analytics.regions", [
            [r["region_code"], r["region_name"], r["region_level"], _none(r["parent_code"]),
             _none(r["district_code"]), _none(r["street_code"]), _none(r["community_type"]),
             _none(r["street_type"])]
            for r in regions
        ],
    )  # fmt: skip
    _insert(con, "analytics.indicator_values", indicator_rows(regions, cat))
    _insert(con, "analytics.community_standards", standard_rows())
    dq = dq_rows([r["region_code"] for r in regions if r["region_level"] == "district"])
    _insert(con, "dq.deliveries", dq["deliveries"])
    _insert(con, "dq.loads", dq["loads"])
    _insert(con, "dq.quarantine", dq["quarantine"])
    _insert(con, "dq.check_results", dq["checks"])
    con.execute(
        "insert into dq.publication values (?, ?, 'run-0042', ?::date[])",
        [VERSION, PUBLISHED_AT, [f"{m}-01" for m in MONTHS]],
    )
    con.execute("use memory")
    con.execute("detach s")
    con.close()


def last_run(stale: bool = False) -> dict:
    if stale:
        return {
            "finished_at": "2025-05-06T09:30:00",
            "outcome": "blocked",
            "version": None,
            "blocking_failures": ["parents_equal_children_sum: 上级汇总不等于下级之和"],
            "rejected_files": ["civil_affairs/2025-04/低保家庭_历下区_2025-04.xlsx"],
            "message": "阻断性检查未通过，未发布新版本",
        }
    return {
        "finished_at": "2025-04-05T10:15:00",
        "outcome": "published",
        "version": VERSION,
        "blocking_failures": [],
        "rejected_files": [],
        "message": "已发布",
    }


def build_data_dir(data_dir: Path, stale: bool = False) -> Path:
    """Write ``serving/<version>.duckdb``, the ``current`` link and ``last_run.json``."""
    serving = Path(data_dir) / "serving"
    serving.mkdir(parents=True, exist_ok=True)
    target = serving / f"{VERSION}.duckdb"
    if not target.exists():
        write_serving_file(target)
    link = serving / "current"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(target.name, link)
    write_last_run(data_dir, last_run(stale))
    return Path(data_dir)


def write_last_run(data_dir: Path, run: dict) -> None:
    path = Path(data_dir) / "serving" / "last_run.json"
    path.write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    out = build_data_dir(Path(sys.argv[1]), stale="--stale" in sys.argv)
    print(f"JCW_DATA_DIR={out.resolve()}")
