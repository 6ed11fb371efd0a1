"""The floor and the pandas baseline on a hand-made landing: values worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
import xlsxwriter

from benchmarks import floor, pandas_baseline
from pipelines.reference import CITY_CODE, at_level

PERIOD = "2025-03-01"


def _two_communities():
    comms = at_level("community")
    a = comms[0]
    b = next(c for c in comms[1:] if c.street_code == a.street_code)
    return a, b


def _write_csv(path, rows, encoding):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    a, b = _two_communities()
    root = tmp_path_factory.mktemp("floor") / "landing"
    # community_profile: UTF-8 with BOM, a title line, aliases, a full-width number, totals row
    _write_csv(
        root / "civil_affairs/2025-03/社区基础信息_2025-03.csv",
        [
            ["2025年3月社区基础信息"],
            ["社区编码", "社区名称", "户数", "常住人口数", "居委会成员数", "办公服务用房面积"],
            [a.code, a.name, "2000", "5000", "7", "400"],
            [b.code, b.name, "1000", "３０００", "4", "200"],
            ["合计", "", "3000", "8000", "", ""],
        ],
        "utf-8-sig",
    )
    # dibao_household: GB18030, two title lines, every date and amount form, a row without a
    # code (dropped by the floor), an exact duplicate (counted once), totals and a note
    header = ["保障户编号", "户主姓名", "户主身份证号", "社区代码", "保障类别", "保障人数"]
    header += ["月保障金额", "审批日期", "保障状态", "停保日期"]
    h1 = ["H1", "张一", "370102195001010011", a.code, "城市低保", "3", "1,200.00"]
    h1 += ["2024-05-01", "在保", ""]
    _write_csv(
        root / "civil_affairs/2025-03/低保家庭_2025-03.csv",
        [
            ["2025年3月城市低保家庭花名册"],
            ["填报单位：民政局    填报日期：2025年4月3日"],
            header,
            h1,
            ["H2", "李二", "370102196001010011", a.code, "城市低保", "２", "800元", "2025/3/5"]
            + ["在保", ""],
            ["H3", "王三", "370102197001010011", b.code, "农村低保", "4", "1000"]
            + ["2023年1月1日", "停保", "2025.3.20"],
            ["H4", "赵四", "370102198001010011", "", "城市低保", "5", "900", "20250101"]
            + ["在保", ""],
            h1,
            ["合计", "", "", "", "", "14", "3900", "", "", ""],
            ["注：本表由民政局填报"],
        ],
        "gb18030",
    )
    # floating_population: xlsx, the community code as a number, a date as an Excel serial
    path = root / "public_security/2025-03/流动人口_历下区_2025-03.xlsx"
    path.parent.mkdir(parents=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["2025年3月流动人口登记"])
    ws.write_row(
        1,
        0,
        ["登记编号", "身份证号", "现居住社区代码", "登记日期", "注销日期", "居住证编号"]
        + ["居住证有效期至", "是否接受计生服务"],
    )
    serial = (dt.date(2025, 3, 10) - dt.date(1899, 12, 30)).days
    ws.write_row(2, 0, ["F1", "37010219900615002X", int(a.code), serial, "", "JZ1", "2026-01-01"])
    ws.write(2, 7, "是")
    ws.write_row(3, 0, ["F2", "370102198501010011", int(a.code), "2024-01-01", "2025-03-31"])
    ws.write_row(4, 0, ["F3", "370102197001010040", int(b.code), "2024-02-02", "", "JZ3"])
    ws.write_row(4, 6, ["2025-03-31", "否"])
    wb.close()
    # dibao_member (xlsx): H1's head (75 at month end) and an able member of 35; H2's head,
    # 65 exactly on 2025-01-01 … born 1960-01-01
    path = root / "civil_affairs/2025-03/低保家庭成员_2025-03.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["保障户编号", "姓名", "公民身份号码", "是否有劳动能力"])
    ws.write_row(1, 0, ["H1", "张一", "370102195001010011", "否"])
    ws.write_row(2, 0, ["H1", "张小", "370102199001010011", "是"])
    ws.write_row(3, 0, ["H2", "李二", "370102196001010011", "否"])
    wb.close()
    # health_contract (CSV): C1 expires on month end (valid), C2 starts after it, C3 open
    _write_csv(
        root / "health/2025-03/家庭医生签约_2025-03.csv",
        [
            ["签约编号", "身份证号", "社区代码", "签约日期", "到期日期", "重点人群类别"]
            + ["是否规范管理"],
            ["C1", "370102195001010011", a.code, "2024-01-01", "2025-03-31"]
            + ["高血压患者、65岁及以上老年人", "是"],
            ["C2", "370102196001010011", a.code, "2025-04-01", "", "糖尿病患者", "是"],
            ["C3", "37010219900615002X", a.code, "2025-03-01", "", "一般人群", "否"],
        ],
        "utf-8",
    )
    # unemployment_roster (CSV): the able dibao member registered; someone re-employed in
    # a public-welfare job in the month
    _write_csv(
        root / "human_resources/2025-03/失业登记_2025-03.csv",
        [
            ["失业登记号", "身份证号", "社区代码", "失业登记日期", "就业困难人员类别"]
            + ["登记状态", "再就业日期", "再就业方式"],
            ["U1", "370102199001010011", a.code, "2024-06-01", "低保家庭成员", "失业", "", ""],
            ["U2", "370102197001010011", b.code, "2024-06-01", "4050人员", "已就业"]
            + ["2025-03-15", "公益性岗位"],
        ],
        "utf-8",
    )
    return root, a, b


@pytest.fixture(scope="module")
def results(landing):
    root, a, b = landing
    con, timings = floor.run(root)
    floor_values = floor.values(con, ("",))
    pandas_values, _ = pandas_baseline.run(root)
    con.close()
    return floor_values, pandas_values, timings, a, b


def _value(df, code, region):
    row = df[(df.indicator_code == code) & (df.region_code == region)]
    assert len(row) == 1, (code, region, len(row))
    row = row.iloc[0]
    assert str(row.period)[:10] == PERIOD
    return row


# (code, which region, numerator, denominator, value) — worked out from the rows above
EXPECTED = [
    ("DB_HOUSEHOLDS", "a", 2, None, 2),  # H1 (once), H2; H4 has no code
    ("DB_HOUSEHOLDS", "b", 0, None, 0),  # H3 left
    ("DB_HOUSEHOLDS", "street", 2, None, 2),
    ("DB_PERSONS", "city", 5, None, 5),  # 3 + ２
    ("DB_RATE", "a", 5, 5000, 1.0),
    ("DB_RATE", "b", 0, 3000, 0.0),  # ３０００ read as 3000
    ("DB_RATE", "city", 5, 8000, 0.625),
    ("DB_AVG_BENEFIT", "a", 2000, 5, 400.0),  # 1,200.00 + 800元
    ("DB_AVG_BENEFIT", "b", 0, 0, None),  # denominator 0 → NULL
    ("DB_REVIEW_TIMELY", "a", 2, 2, 100.0),  # approvals 2024-05-01 and 2025-03-05
    ("DB_NEW_HOUSEHOLDS", "a", 1, None, 1),  # 2025/3/5
    ("DB_EXITED_HOUSEHOLDS", "city", 1, None, 1),  # 停保 on 2025.3.20
    ("FL_REGISTERED", "a", 1, None, 1),  # F2 cancelled on month end
    ("FL_REGISTERED", "city", 2, None, 2),
    ("FL_NEW", "a", 1, None, 1),  # F1 registered on serial 2025-03-10
    ("FL_SHARE", "city", 2, 8000, 0.025),
    ("FL_PERMIT_RATE", "city", 2, 2, 100.0),  # F3's permit valid until month end
    ("FL_FP_SERVICE_RATE", "a", 1, 1, 100.0),  # F1 woman aged 34
    ("FL_FP_SERVICE_RATE", "b", 0, 0, None),  # F3 is 55
]


@pytest.mark.parametrize("engine", ["floor", "pandas"])
@pytest.mark.parametrize(("code", "where", "num", "den", "value"), EXPECTED)
def test_hand_worked_values(results, engine, code, where, num, den, value):
    floor_values, pandas_values, _, a, b = results
    region = {"a": a.code, "b": b.code, "street": a.street_code, "city": CITY_CODE}[where]
    row = _value(floor_values if engine == "floor" else pandas_values, code, region)
    assert row.numerator == pytest.approx(num)
    if den is None:
        assert pd.isna(row.denominator)
    else:
        assert row.denominator == pytest.approx(den)
    if value is None:
        assert pd.isna(row.value)
    else:
        assert row.value == pytest.approx(value)


# The other domains, computed by the floor only.
FLOOR_ONLY = [
    ("ORG_COMMUNITIES", "city", 2, None, 2),
    ("ORG_STAFF_OK", "b", 0, 1, 0.0),  # 4 < max(5, ceil(1000/300))
    ("ORG_STAFF_OK", "street", 1, 2, 50.0),  # A: 7 >= ceil(2000/300) = 7
    ("ORG_OFFICE_OK", "city", 1, 2, 50.0),  # not old city: 400 m² needed
    ("ORG_SCALE_OK", "a", 1, 1, 100.0),
    ("ORG_HH_PER_COMMUNITY", "street", 3000, 2, 1500.0),
    ("HL_CONTRACT_RATE", "a", 2, 5000, 0.04),  # C1 (expires on month end) and C3
    ("HL_HYPERTENSION_MGMT", "a", 1, 1, 100.0),
    ("HL_DIABETES_MGMT", "a", 0, 0, None),  # C2 not yet valid
    ("X_DIBAO_ELDERLY_CONTRACT_RATE", "a", 1, 2, 50.0),  # 75 (C1) and 65 (C2 not valid)
    ("X_FLOATING_CONTRACT_RATE", "city", 1, 2, 50.0),  # F1 (C3) of F1, F3
    ("X_DIBAO_ABLE_EMPLOYMENT", "a", 1, 1, 100.0),  # the member of 35, registered (U1)
    ("X_DIBAO_EMPLOYED_IN_PROTECTION", "city", 0, None, 0),
    ("EMP_REGISTERED", "city", 1, None, 1),
    ("EMP_PUBLIC_WELFARE_JOBS", "b", 1, None, 1),
    ("EMP_DIFFICULT_ASSISTED_RATE", "city", 1, 2, 50.0),  # U2 re-employed, U1 not trained
    ("EMP_4050", "city", 0, None, 0),  # the 4050 person is re-employed, not 失业
]


@pytest.mark.parametrize(("code", "where", "num", "den", "value"), FLOOR_ONLY)
def test_floor_other_domains(results, code, where, num, den, value):
    test_hand_worked_values(results, "floor", code, where, num, den, value)


def test_floor_drops_rows_without_a_code_and_reads_every_table(results):
    _, _, timings, _, _ = results
    rows = timings["rows_by_table"]
    # 5 data rows minus H4 (no code); the duplicate H1 is still a row until the key dedup
    assert rows["dibao_household"] == 4
    assert rows["community_profile"] == 2  # the totals row has no code
    assert rows["floating_population"] == 3
    assert timings["indicators"] == 45
    assert timings["files_without_header"] == 0


def test_pandas_agrees_with_floor(results):
    floor_values, pandas_values, _, _, _ = results
    check = pandas_baseline.compare(pandas_values, floor_values)
    assert check["compared_rows"] == 5936 * 13
    assert check["mismatched_rows"] == 0, check["examples"]
