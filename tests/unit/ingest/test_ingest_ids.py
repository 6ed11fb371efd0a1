"""ID numbers: normalisation, 15 → 18 digits, validation, derived columns, HMAC."""

import hashlib
import hmac
import os
import stat

import duckdb
import pytest

from pipelines.ingest import ids

MONTH_END = "DATE '2025-01-31'"
# GB 11643's published example: 11010519491231002X (check character X)
EXAMPLE = "11010519491231002X"


def sql(expr, value, **params):
    con = duckdb.connect()
    query = f"SELECT {expr} FROM (SELECT $v::VARCHAR AS v)"
    return con.execute(query, {"v": value, **params}).fetchall()[0][0]


def test_check_character_of_the_standard_example():
    assert ids.check_char(EXAMPLE[:17]) == "X"


def test_clean_folds_lowercase_x_and_spaces():
    assert sql(ids.clean("v"), "110105 19491231 002x") == EXAMPLE


def test_first_17_digits_and_their_check_character():
    assert sql(ids.first17("v"), "110105491231002") == EXAMPLE[:17]  # gains the century
    assert sql(ids.first17("v"), EXAMPLE) == EXAMPLE[:17]
    assert sql(ids.check_char_of17("v"), EXAMPLE[:17]) == "X"


def test_fifteen_digits_become_eighteen():
    # 15-digit 110105491231002 → insert 19 after the region, append the check character
    first = ids.first17("v")
    to18 = ids.id18("v", first, ids.check_char_of17(first))
    assert sql(to18, "110105491231002") == EXAMPLE
    assert sql(to18, EXAMPLE) == EXAMPLE


@pytest.mark.parametrize("text", ["3.70102E+17", "3.701021980010113e+17", "370102198001011.0"])
def test_excel_numbers(text):
    assert sql(ids.excel_number("v"), text) is True


def test_a_plain_id_is_no_excel_number():
    assert sql(ids.excel_number("v"), EXAMPLE) is False


def test_length_chars_birth_and_check():
    assert sql(ids.length_bad("v"), "1101051949123100") is True
    assert sql(ids.length_bad("v"), EXAMPLE) is False
    assert sql(ids.chars_bad("v"), "11010519491231002Y") is True
    assert sql(ids.chars_bad("v"), "1101054912310A2") is True
    assert sql(ids.chars_bad("v"), EXAMPLE) is False
    bad_day = "110105" + "19490230" + "002"
    birth_bad = ids.birth_bad(ids.birth("v"), MONTH_END)
    assert sql(birth_bad, bad_day + ids.check_char(bad_day)) is True
    future = "110105" + "20250201" + "002"
    assert sql(birth_bad, future + ids.check_char(future)) is True
    assert sql(birth_bad, EXAMPLE) is False
    check_bad = ids.check_bad("v", ids.check_char_of17("left(v, 17)"))
    assert sql(check_bad, "110105194912310021") is True
    assert sql(check_bad, EXAMPLE) is False


def test_age_at_month_end_and_sex():
    on_day = "370102" + "19800131" + "001"
    after = "370102" + "19800201" + "002"
    age = ids.age_from_birth(ids.birth("v"), MONTH_END)
    assert sql(age, on_day + ids.check_char(on_day)) == 45
    assert sql(age, after + ids.check_char(after)) == 44
    assert sql(ids.sex("v"), on_day + ids.check_char(on_day)) == "男"  # sequence 001: odd
    assert sql(ids.sex("v"), after + ids.check_char(after)) == "女"


def test_hmac_in_sql_equals_python_hmac():
    key = bytes(range(32))
    expected = hmac.new(key, EXAMPLE.encode(), hashlib.sha256).hexdigest()
    assert sql(ids.hmac_sql("v"), EXAMPLE, **ids.hmac_params(key)) == expected
    long_key = b"k" * 100  # keys longer than a block are hashed first (RFC 2104)
    assert (
        sql(ids.hmac_sql("v"), EXAMPLE, **ids.hmac_params(long_key))
        == hmac.new(long_key, EXAMPLE.encode(), hashlib.sha256).hexdigest()
    )


def test_key_file_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "secrets" / "pii.key"
    key = ids.load_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert ids.load_key(path) == key
