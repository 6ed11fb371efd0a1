"""Bad files, re-delivery and removal through real Dagster runs on a small landing.

Each bad file gets a clear Chinese message in raw.load_log and in the run's summary,
and the good file beside them still loads."""

import contextlib
import io
import zipfile

import duckdb
import pytest

from pipelines import cli
from pipelines.settings import Settings
from tests.conftest import run_pipeline_isolated
from tests.integration.ingest.deliveries import ROSTER_HEADER, put, roster

pytestmark = pytest.mark.slow


GOOD = "human_resources/2025-01/失业登记_历下区_2025-01.csv"
BAD = {
    "not_xlsx": "civil_affairs/2025-01/低保家庭_历下区_2025-01.xlsx",
    "corrupt_xlsx": "civil_affairs/2025-01/低保家庭_市中区_2025-01.xlsx",
    "empty": "human_resources/2025-01/失业登记_槐荫区_2025-01.csv",
    "header_only": "human_resources/2025-01/失业登记_天桥区_2025-01.csv",
    "missing_columns": "human_resources/2025-01/失业登记_历城区_2025-01.csv",
    "unrecognized": "human_resources/2025-01/工作简报_2025-01.csv",
    "bad_month": "human_resources/2025年1月/失业登记_长清区_2025-01.csv",
}


def _zip_without_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


def _log(settings):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(
            "SELECT source_file, status, error_message, is_current, loaded FROM raw.load_log "
            "ORDER BY finished_at"
        ).fetchall()
    finally:
        con.close()


def _rows(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(
            "SELECT registration_id, source_row FROM raw.unemployment_roster ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bad_files")
    landing = data_dir / "landing"
    settings = Settings(data_dir=data_dir)
    put(landing, GOOD, roster("A", 3), mtime=1_738_000_000)
    put(landing, BAD["not_xlsx"], "保障户编号,户主身份证号\n".encode())
    put(landing, BAD["corrupt_xlsx"], _zip_without_workbook())
    put(landing, BAD["empty"], b"")
    put(landing, BAD["header_only"], ("2025年1月失业登记\n" + ROSTER_HEADER + "\n").encode("utf-8"))
    put(
        landing,
        BAD["missing_columns"],
        "失业登记号,姓名,失业登记日期\nB1,某人,2025-01-05\n".encode(),
    )
    put(landing, BAD["unrecognized"], b"a,b\n1,2\n")
    put(landing, BAD["bad_month"], roster("C", 1))
    out = {}
    out["first"] = run_pipeline_isolated(settings)
    out["first_log"] = _log(settings)
    out["first_rows"] = _rows(settings)
    # the same name, new content: replaces exactly the old rows
    put(landing, GOOD, roster("D", 2, start=10), mtime=1_738_100_000)
    out["second"] = run_pipeline_isolated(settings)
    out["second_rows"] = _rows(settings)
    # a new version that cannot be read: the last good rows stay
    put(landing, GOOD, b"", mtime=1_738_200_000)
    out["third"] = run_pipeline_isolated(settings)
    out["third_rows"] = _rows(settings)
    # removed from landing: its rows go
    (landing / GOOD).unlink()
    out["fourth"] = run_pipeline_isolated(settings)
    out["fourth_rows"] = _rows(settings)
    out["fourth_log"] = _log(settings)
    # the command line, with nothing new left: exit 0 and say so
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(printed):
        mp.delenv("JCW_PII_KEY_FILE", raising=False)
        mp.setenv("JCW_DATA_DIR", str(data_dir))
        out["cli_exit"] = cli.main(["run"])
    out["cli_output"] = printed.getvalue()
    return out


def _message(scenario, kind: str) -> tuple[str, str]:
    [(status, message)] = [(s, m) for f, s, m, *_ in scenario["first_log"] if f == BAD[kind]]
    assert message in scenario["first"].summary()
    return status, message


def test_good_file_loads_beside_bad_ones(scenario):
    assert scenario["first_rows"] == [("A000", 2), ("A001", 3), ("A002", 4)]
    assert scenario["first"].exit_code == 0


def test_non_xlsx_file_named_xlsx(scenario):
    assert _message(scenario, "not_xlsx") == (
        "rejected",
        "文件不是有效的 Excel（.xlsx）文件，可能已损坏或实为其他格式",
    )


def test_corrupt_xlsx(scenario):
    status, message = _message(scenario, "corrupt_xlsx")
    assert status == "rejected" and message.startswith("Excel 文件已损坏，无法读取")


def test_empty_file(scenario):
    assert _message(scenario, "empty") == ("rejected", "文件为空（0 字节）")


def test_header_only_file(scenario):
    assert _message(scenario, "header_only") == ("rejected", "文件只有表头，没有数据行")


def test_missing_required_columns_are_named(scenario):
    status, message = _message(scenario, "missing_columns")
    assert status == "rejected"
    assert message.startswith("缺少必填列：身份证号、登记状态")


def test_unrecognized_file_name(scenario):
    status, message = _message(scenario, "unrecognized")
    assert status == "unrecognized" and "没有可识别的报表名称" in message


def test_month_folder_not_yyyy_mm(scenario):
    status, message = _message(scenario, "bad_month")
    assert status == "unrecognized" and "“2025年1月”不是 YYYY-MM" in message


def test_redelivery_replaces_rows(scenario):
    assert scenario["second_rows"] == [("D000", 2), ("D001", 3)]
    [f] = scenario["second"].files
    assert (f.source_file, f.status, f.loaded) == (GOOD, "loaded", 2)


def test_unreadable_new_version_keeps_last_good_rows(scenario):
    assert scenario["third_rows"] == scenario["second_rows"]
    [f] = scenario["third"].files
    assert f.status == "rejected" and f.error_message == "文件为空（0 字节）"
    assert scenario["third"].exit_code == 1  # nothing new could be read
    assert "没有可读取的新数据" in scenario["third"].summary()


def test_removal_removes_rows(scenario):
    assert scenario["fourth_rows"] == []
    [f] = scenario["fourth"].files
    assert f.status == "removed"
    current = [row for row in scenario["fourth_log"] if row[3]]
    assert current == []


def test_jcw_run_with_nothing_new(scenario):
    assert scenario["cli_exit"] == 0
    assert "landing 中没有新的或变化的文件，数据已是最新。" in scenario["cli_output"]
