"""Encoding detection and the UTF-8 copy DuckDB reads (row numbers must survive)."""

import pytest

from pipelines.ingest.encoding import detect_encoding, utf8_copy
from pipelines.ingest.errors import FileRejected

TEXT = "标题\n\n保障户编号,户主姓名\nLX001,张三\n"


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
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    assert detect_encoding(p)[0] == expected


def test_undecodable_file_is_rejected_in_chinese(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"\xff\xfe\xff\x00garbage")
    with pytest.raises(FileRejected, match="编码无法识别"):
        detect_encoding(p)


def test_plain_utf8_without_empty_lines_is_read_in_place(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"a,b\n1,2\n")
    assert utf8_copy(p, tmp_path) == (p, "utf-8")


def test_gb18030_copy_keeps_every_line_including_empty_ones(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes("标题\r\n\r\n户主,金额\r\n张三,5\r\n\r\n合计,5".encode("gb18030"))
    out, enc = utf8_copy(p, tmp_path)
    assert enc == "gb18030"
    lines = out.read_bytes().decode("utf-8").split("\r\n")
    assert lines == ["标题", ",", "户主,金额", "张三,5", ",", "合计,5"]


def test_undecodable_copy_is_rejected_and_leaves_no_partial_copy(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes("户主,金额\n".encode("gb18030") + b"\xff\xfe\xff\n")
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(FileRejected, match="编码无法识别"):
        utf8_copy(p, work)
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_runs_of_empty_lines_each_become_a_blank_row(tmp_path, newline, encoding):
    rows = ["", "标题", "", "", "", "户主,金额", "张三,5", "", "", "", "", "合计,5"]
    p = tmp_path / "f.csv"
    p.write_bytes(newline.join(rows).encode(encoding))
    out, _ = utf8_copy(p, tmp_path)
    assert out.read_bytes().decode("utf-8").split(newline) == [r or "," for r in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_empty_lines_at_a_chunk_boundary_are_kept(tmp_path, monkeypatch, encoding):
    from pipelines.ingest import encoding as enc

    monkeypatch.setattr(enc, "CHUNK", 7)  # chunks end inside, and right after, lines
    rows = ["户主,金额", "", "张三,5", "", "", "李四,6", "", "合计,11"]
    p = tmp_path / "f.csv"
    p.write_bytes("\n".join(rows).encode(encoding))
    out, _ = utf8_copy(p, tmp_path)
    assert out.read_bytes().decode("utf-8").split("\n") == [r or "," for r in rows]


def test_a_character_cut_off_at_the_end_is_rejected(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes("户主,金额\n\n张三,5\n李".encode("gb18030")[:-1])  # 李 loses its last byte
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(FileRejected, match="编码无法识别"):
        utf8_copy(p, work)
    assert list(work.iterdir()) == []
