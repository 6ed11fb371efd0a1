"""Every date, amount, number and yes/no form of extracts.md, parsed in DuckDB."""

from datetime import date

import duckdb
import pytest

from pipelines.ingest import sqlexpr as sx


def evaluate(expr_of, value):
    con = duckdb.connect()
    return con.execute(f"SELECT {expr_of('v')} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchall()[
        0
    ][0]


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-05",
        "2025/3/5",
        "2025.3.5",
        "20250305",
        "2025年3月5日",
        "2025-03-05 00:00:00",
        "45721",
    ],
)
def test_date_forms(text):
    assert evaluate(sx.date, text) == date(2025, 3, 5)  # Excel serial 45721 = 2025-03-05


def test_excel_serial_of_new_year():
    assert evaluate(sx.date, "45658") == date(2025, 1, 1)
    assert evaluate(sx.date, "45658.0") == date(2025, 1, 1)


@pytest.mark.parametrize("text", ["2025-13-05", "2025/2/30", "三月五日", "2025", "5/3/2025"])
def test_bad_dates(text):
    assert evaluate(sx.date, text) is None
    assert evaluate(lambda v: sx.bad(v, sx.date(v)), text) is True


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.50", 1234.5),
        ("1234.5元", 1234.5),
        ("1234.5", 1234.5),
        ("400", 400.0),
        ("120平方米", 120.0),
        ("-3", -3.0),
    ],
)
def test_amount_forms(text, value):
    assert evaluate(sx.number, text) == value


def test_bad_numbers_and_integers():
    assert evaluate(sx.number, "十二") is None
    assert evaluate(sx.integer, "3") == 3
    assert evaluate(sx.integer, "3.0") == 3
    assert evaluate(sx.integer, "3.5") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("N", False),
        ("y", True),
        ("1", True),
        ("0", False),
        ("有", True),
        ("无", False),
        ("也许", None),
    ],
)
def test_yes_no_forms(text, value):
    assert evaluate(sx.boolean, text) is value


def test_enum_none_and_unknown_values():
    values = ("城市低保", "农村低保")
    assert evaluate(sx.enum, "无") is None
    assert evaluate(lambda v: sx.enum_bad(v, values), "无") is False
    assert evaluate(lambda v: sx.enum_bad(v, values), "城市低保") is False
    assert evaluate(lambda v: sx.enum_bad(v, values), "城镇低保") is True


def test_codes():
    assert evaluate(sx.code12_bad, "370102001002") is False
    assert evaluate(sx.code12_bad, "37010200100") is True
    assert evaluate(sx.admin_code, "370102") == "370102000000"
    assert evaluate(sx.admin_code, "370102001") == "370102001000"
    assert evaluate(sx.admin_code, "3701020") is None
