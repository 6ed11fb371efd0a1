"""Tiny hand-made files through the loader into a real DuckDB file: counts, row numbers,
reasons, typed values, and state equals landing. Expected values worked out by hand."""

import datetime as dt
import hashlib
import hmac
import json
import os

import duckdb
import pytest
import xlsxwriter

from pipelines.contract.tables import TABLES
from pipelines.ingest import files
from pipelines.ingest.ids import check_char
from pipelines.ingest.load import load_month, unreconciled
from pipelines.settings import Settings

KEY = b"unit-test-key-0123456789abcdef!!"


def idn(first17: str) -> str:
    return first17 + check_char(first17)


GOOD = idn("37010219800101123")  # born 1980-01-01, sequence 123: male
OTHER = idn("37010219900215002")  # born 1990-02-15, sequence 002: female
HEADER = "失业登记号,姓名,身份证号,区县名称,街道（镇）,社区,失业登记日期,登记状态,是否参加培训,备注"
ROSTER = [
    "2025年1月历下区失业登记花名册",  # 1
    "填报单位：历下区人社局",  # 2
    HEADER,  # 3
    f"SY001,张三,{GOOD},历下区,文东街道,山大路社区,2025/1/5,失业,是,",  # 4 loaded
    f"ＳＹ００２ ,李四,{OTHER.lower()},历下区,,山大路社区居委会,20250105,失业,Y,x",  # 5 loaded
    f"SY002,李四,{OTHER.lower()},历下区,,山大路社区居委会,20250105,失业,Y,x",  # 6 duplicate
    "",  # 7 blank
    f"SY003,王五,{GOOD[:-1]}0,历下区,,山大路社区,2025年1月5日,失业,1,",  # 8 id_check_char
    "SY004,赵六,3.70102E+17,历下区,,山大路社区,2025.1.5,失业,1,",  # 9 id_excel_number
    f"SY005,孙七,{GOOD},历下区,,幸福里社区,2025.1.5,失业,1,",  # 10 region_unknown
    f"SY006,周八,{GOOD},历下区,,山大路社区,2025.13.5,失业,1,",  # 11 bad_date
    f"SY007,吴九,{GOOD},历下区,,山大路社区,2025-01-05,在岗,1,",  # 12 bad_enum
    f",郑十,{GOOD},历下区,,山大路社区,2025-01-05,失业,1,",  # 13 required_missing
    "合计,8,,,,,,,,",  # 14
    "注：本表由系统导出",  # 15
]
REL = "human_resources/2025-01/失业登记_历下区_2025-01.csv"


def write(path, lines, encoding="gb18030", mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    if mtime:
        os.utime(path, (mtime, mtime))


@pytest.fixture
def env(tmp_path):
    settings = Settings(data_dir=tmp_path)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))

    def load(table="unemployment_roster", month="2025-01"):
        scanned = files.scan(settings.landing_dir)
        return load_month(con, settings, [TABLES[table]], month, scanned, KEY)[table]

    yield settings, con, load
    con.close()


def test_roster_counts_rows_reasons_and_values(env):
    settings, con, load = env
    write(settings.landing_dir / REL, ROSTER)
    [r] = load()
    assert (r.status, r.rows_read, r.loaded, r.quarantined, r.duplicates, r.non_data_rows) == (
        "loaded",
        12,
        2,
        6,
        1,
        3,
    )
    assert r.unknown_columns == ["备注"]
    q = con.execute("SELECT source_row, reason_code FROM raw.quarantine ORDER BY 1").fetchall()
    assert q == [
        (8, "id_check_char"),
        (9, "id_excel_number"),
        (10, "region_unknown"),
        (11, "bad_date"),
        (12, "bad_enum"),
        (13, "required_missing"),
    ]
    rows = con.execute(
        "SELECT source_row, registration_id, community_code, registration_date, in_training,"
        " birth_year, age_at_month_end, sex, id_region_prefix, delivery_district_code, period"
        " FROM raw.unemployment_roster ORDER BY source_row"
    ).fetchall()
    assert rows == [
        (
            4,
            "SY001",
            "370102007006",
            dt.date(2025, 1, 5),
            True,
            1980,
            45,
            "男",
            "370102",
            "370102000000",
            dt.date(2025, 1, 1),
        ),
        (
            5,
            "SY002",
            "370102007006",
            dt.date(2025, 1, 5),
            True,
            1990,
            34,
            "女",
            "370102",
            "370102000000",
            dt.date(2025, 1, 1),
        ),
    ]
    keys = con.execute("SELECT person_key FROM raw.unemployment_roster ORDER BY source_row")
    assert [k for (k,) in keys.fetchall()] == [
        hmac.new(KEY, pid.encode(), hashlib.sha256).hexdigest() for pid in (GOOD, OTHER)
    ]  # the lowercase x of row 5 was normalised before hashing
    # no clear ID or name anywhere: the quarantine keeps non-personal columns only
    data = json.loads(con.execute("SELECT row_data FROM raw.quarantine LIMIT 1").fetchall()[0][0])
    assert "姓名" not in data and "身份证号" not in data and data["失业登记号"] == "SY003"
    log = con.execute("SELECT status, is_current, rows_read FROM raw.load_log").fetchall()
    assert log == [("loaded", True, 12)]


def test_state_equals_landing(env):
    settings, con, load = env
    path = settings.landing_dir / REL
    write(path, ROSTER, mtime=1_736_000_000)
    load()
    # unchanged: nothing happens, nothing is logged
    [r] = load()
    assert r.status == "unchanged"
    assert con.execute("SELECT count(*) FROM raw.load_log").fetchall()[0][0] == 1
    # re-delivery: the file's rows are replaced, not added to
    write(path, ROSTER[:5] + ROSTER[13:], mtime=1_736_100_000)
    [r] = load()
    assert (r.status, r.loaded, r.error_message) == ("loaded", 2, None)
    assert con.execute("SELECT count(*) FROM raw.unemployment_roster").fetchall()[0][0] == 2
    assert con.execute("SELECT count(*) FROM raw.quarantine").fetchall()[0][0] == 0
    # an unreadable new version: logged, the last good rows stay current
    path.write_bytes(b"")
    [r] = load()
    assert r.status == "rejected" and "为空" in r.error_message
    assert con.execute("SELECT count(*) FROM raw.unemployment_roster").fetchall()[0][0] == 2
    current = con.execute("SELECT status FROM raw.load_log WHERE is_current").fetchall()
    assert current == [("loaded",)]
    # removal: the rows go when the month is next loaded
    path.unlink()
    [r] = load()
    assert r.status == "removed"
    assert con.execute("SELECT count(*) FROM raw.unemployment_roster").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM raw.load_log WHERE is_current").fetchall()[0][0] == 0


def test_xlsx_numeric_cells(env):
    settings, con, load = env
    path = settings.landing_dir / "civil_affairs/2025-01/低保家庭成员花名册_历下区_2025-01.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["2025年1月低保家庭成员"])
    ws.write_row(2, 0, ["保障户编号", "姓名", "身份证号码", "与户主关系", "是否残疾"])
    ws.write_row(3, 0, ["LX001", "张三", GOOD, "本人", "否"])  # row 4 loaded
    ws.write_row(4, 0, ["LX001", "李四", float(OTHER[:17] + "0"), "配偶", 1])  # row 5 excel number
    ws.write_row(5, 0, ["LX002", "王五", GOOD[:6] + GOOD[8:17], "本人", True])  # row 6: 15 digits
    wb.close()
    [r] = load("dibao_member")
    assert (r.rows_read, r.loaded, r.quarantined, r.duplicates, r.non_data_rows) == (3, 2, 1, 0, 0)
    assert con.execute("SELECT source_row, reason_code FROM raw.quarantine").fetchall() == [
        (5, "id_excel_number")
    ]
    keys = con.execute(
        "SELECT source_row, person_key, disabled FROM raw.dibao_member ORDER BY 1"
    ).fetchall()
    # the 15-digit number of the same person converts to the same 18-digit number and key
    assert keys[0][1] == keys[1][1] and keys[0][2] is False and keys[1][2] is True
    assert [k[0] for k in keys] == [4, 6]


def test_profile_code_must_exist(env):
    settings, con, load = env
    path = settings.landing_dir / "civil_affairs/2025-01/社区基础信息_2025-01.csv"
    write(
        path,
        [
            "社区代码,社区名称,户数,常住人口,居委会成员数,办公服务用房面积",
            '370102007006,山大路社区,1200,3500,7,"1,200.5"',
            "370102007999,不存在社区,10,20,3,300",
            "37010200700,短代码社区,10,20,3,300",
        ],
        encoding="utf-8",
    )
    [r] = load("community_profile")
    assert (r.loaded, r.quarantined) == (1, 2)
    assert con.execute(
        "SELECT source_row, reason_code FROM raw.quarantine ORDER BY 1"
    ).fetchall() == [(3, "region_unknown"), (4, "bad_code")]
    assert con.execute("SELECT office_area_m2 FROM raw.community_profile").fetchall() == [(1200.5,)]


def test_unreconciled_names_files_whose_counts_do_not_add_up(env):
    settings, con, load = env
    write(settings.landing_dir / REL, ROSTER)
    load()
    table = TABLES["unemployment_roster"]
    assert unreconciled(con, table, "2025-01") == []
    con.execute("DELETE FROM raw.unemployment_roster WHERE source_row = 4")  # a row lost
    assert unreconciled(con, table, "2025-01") == [REL]
