"""Encoding detection, the UTF-8 text DuckDB reads, and the empty lines it would skip
(row numbers must survive). Expected line numbers are counted by hand from the lists."""

import pytest

from pipelines.ingest.encoding import (
    count_lines,
    csv_text,
    detect_encoding,
    rewrite_keeping_empty_lines,
)
from pipelines.ingest.errors import FileRejected

TEXT = "标题\n\n保障户编号,户主姓名\nLX001,张三\n"


def _file(tmp_path, data: bytes):
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        ("户主,㐀\n".encode("gb18030"), "gb18030"),  # outside GBK: GB18030 only
    ],
)
def test_detects_encoding(tmp_path, data, expected):
    assert detect_encoding(_file(tmp_path, data)) == expected


def test_undecodable_file_is_rejected_in_chinese(tmp_path):
    with pytest.raises(FileRejected, match="编码无法识别"):
        detect_encoding(_file(tmp_path, b"\xff\xfe\xff\x00garbage"))


def test_utf8_is_read_in_place_with_its_empty_lines_counted(tmp_path):
    p = _file(tmp_path, TEXT.encode("utf-8"))
    text = csv_text(p, tmp_path)
    assert (text.path, text.encoding, text.lines, text.empty_lines) == (p, "utf-8", 4, [2])
    assert list(tmp_path.iterdir()) == [p]  # no copy


def test_gb18030_is_transcoded_line_for_line(tmp_path):
    lines = ["标题", "", "户主,金额", "张三,5", "", "合计,5"]
    p = _file(tmp_path, "\r\n".join(lines).encode("gb18030"))
    text = csv_text(p, tmp_path)
    assert text.encoding == "gb18030"
    assert text.path.read_bytes().decode("utf-8").split("\r\n") == lines
    assert (text.lines, text.empty_lines) == (6, [2, 5])


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("final_newline", [False, True])
def test_runs_of_empty_lines_are_each_counted(tmp_path, newline, encoding, final_newline):
    rows = ["", "标题", "", "", "", "户主,金额", "张三,5", "", "", "", "", "合计,5"]
    data = newline.join(rows) + (newline if final_newline else "")
    p = _file(tmp_path, data.encode(encoding))
    assert count_lines(p) == (12, [1, 3, 4, 5, 8, 9, 10, 11])


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_empty_lines_at_a_chunk_boundary_are_counted(tmp_path, monkeypatch, encoding):
    from pipelines.ingest import encoding as enc

    monkeypatch.setattr(enc, "CHUNK", 7)  # chunks end inside, and right after, lines
    rows = ["户主,金额", "", "张三,5", "", "", "李四,6", "", "合计,11", "", ""]
    p = _file(tmp_path, "\n".join(rows).encode(encoding))  # ends "合计,11\n\n": line 9 empty
    assert count_lines(p) == (9, [2, 4, 5, 7, 9])
    assert csv_text(p, tmp_path).path.read_bytes().decode("utf-8") == "\n".join(rows)


def test_undecodable_copy_is_rejected_and_leaves_no_partial_copy(tmp_path):
    p = _file(tmp_path, "户主,金额\n".encode("gb18030") + b"\xff\xfe\xff\n")
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(FileRejected, match="编码无法识别"):
        csv_text(p, work)
    assert list(work.iterdir()) == []


def test_a_character_cut_off_at_the_end_is_rejected(tmp_path):
    p = _file(tmp_path, "户主,金额\n\n张三,5\n李".encode("gb18030")[:-1])  # 李 loses a byte
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(FileRejected, match="编码无法识别"):
        csv_text(p, work)
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_the_rewrite_writes_each_empty_line_as_a_blank_row(tmp_path, newline, encoding):
    rows = ["", "标题", "", "", "户主,金额", "张三,5", "", "", "", "合计,5"]
    p = _file(tmp_path, newline.join(rows).encode(encoding))
    out = rewrite_keeping_empty_lines(p, tmp_path, encoding).path
    assert out.read_bytes().decode("utf-8").split(newline) == [r or "," for r in rows]
