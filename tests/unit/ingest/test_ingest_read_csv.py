"""CSV rows get the line numbers an editor shows, empty lines included, whichever way
the file is read (in place, transcoded, or rewritten when a quoted cell spans lines).
Line numbers are counted by hand from the lists below."""

import duckdb
import pytest

from pipelines.contract.tables import TABLES
from pipelines.ingest.errors import FileRejected
from pipelines.ingest.read import read_csv

from .test_ingest_load import HEADER

ROSTER = TABLES["unemployment_roster"]
LINES = [
    "2025年1月历下区失业登记花名册",  # 1
    "",  # 2 (above the header: not a row)
    HEADER,  # 3
    "SY001,张三",  # 4
    "",  # 5 blank row
    "",  # 6 blank row
    "SY002,李四",  # 7
    "SY003,王五",  # 8
    "",  # 9 blank row
    "合计,3",  # 10
]


def _rows(raw) -> dict[int, tuple]:
    """source_row → the first two cells."""
    t = raw.cells.to_pydict()
    return {n: (t["c0"][i], t["c1"][i]) for i, n in enumerate(t["source_row"])}


EXPECTED = {
    4: ("SY001", "张三"),
    5: (None, None),
    6: (None, None),
    7: ("SY002", "李四"),
    8: ("SY003", "王五"),
    9: (None, None),
    10: ("合计", "3"),
}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_rows_are_numbered_as_an_editor_shows_them(tmp_path, newline, encoding):
    p = tmp_path / "f.csv"
    p.write_bytes((newline.join(LINES) + newline).encode(encoding))
    raw = read_csv(p, ROSTER, duckdb.connect(), tmp_path)
    assert raw.header_row == 3
    assert _rows(raw) == EXPECTED
    assert raw.encoding == encoding


def test_a_cell_spanning_lines_is_read_whole_and_blank_rows_still_count(tmp_path):
    lines = LINES[:7] + ['SY002,"李四\n（曾用名）"'] + LINES[7:]  # record on lines 7-8
    p = tmp_path / "f.csv"
    p.write_bytes("\n".join(lines).encode("utf-8"))
    raw = read_csv(p, ROSTER, duckdb.connect(), tmp_path)
    rows = _rows(raw)
    assert ("SY002", "李四\n（曾用名）") in rows.values()
    assert sum(v == (None, None) for v in rows.values()) == 3  # the three empty lines
    assert len(rows) == 8  # 4 records, 3 blank rows, the total line


def test_utf8_start_with_gb18030_later_is_rejected_with_a_reason(tmp_path, monkeypatch):
    from pipelines.ingest import encoding

    monkeypatch.setattr(encoding, "HEAD", 64)  # only the title is looked at
    p = tmp_path / "f.csv"
    p.write_bytes("\n".join(LINES[:4]).encode("utf-8") + "\nSY002,李四\n".encode("gb18030"))
    with pytest.raises(FileRejected):  # a Chinese reason, not DuckDB's error quoting the row
        read_csv(p, ROSTER, duckdb.connect(), tmp_path)


@pytest.mark.parametrize("body", [HEADER + "\n\n\n", HEADER + "\r\n\r\n", "\n" + HEADER + "\n\n"])
def test_a_header_followed_only_by_empty_lines_is_header_only(tmp_path, body):
    p = tmp_path / "f.csv"
    p.write_bytes(body.encode("utf-8"))
    with pytest.raises(FileRejected, match="只有表头"):
        read_csv(p, ROSTER, duckdb.connect(), tmp_path)
