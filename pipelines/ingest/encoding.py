"""Detect a CSV's encoding (UTF-8, UTF-8 with BOM, GB18030) and hand DuckDB a UTF-8 file
together with where its empty lines are.

DuckDB reads UTF-8 only and skips empty lines. A UTF-8 file is read in place, a
GB18030 one is transcoded (strictly: a byte that is not GB18030 rejects the file),
and the empty lines are found in the original bytes (``\\n`` is never part of a
GB18030 character), so the reader can give every row the number an editor shows
and count each empty line as a blank row. Only when the lines do not add up
(a quoted cell spanning lines) is the file rewritten with each empty line kept as
``,`` (``rewrite_keeping_empty_lines``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import AnyStr

from pipelines.ingest.errors import FileRejected

CHUNK = 1 << 22
HEAD = 1 << 16  # bytes the encoding is told from; DuckDB validates the rest of a UTF-8 file
UNDECODABLE = "文件编码无法识别（应为 UTF-8 或 GB18030/GBK 编码的 CSV），文件未加载"


@dataclass
class CsvText:
    path: Path  # UTF-8: the delivered file itself or a transcoded copy
    encoding: str  # as delivered: utf-8, utf-8-sig or gb18030
    lines: int = 0
    empty_lines: list[int] = field(default_factory=list)  # 1-based, as an editor numbers them


def _decodes_head(head: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """'utf-8', 'utf-8-sig' or 'gb18030', told from the file's start (Chinese headers
    settle it). A UTF-8 guess is confirmed by DuckDB reading the whole file, a GB18030
    one by the strict transcoding."""
    with open(path, "rb") as f:
        head = f.read(HEAD)
    if _decodes_head(head, "utf-8"):
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if _decodes_head(head, "gb18030"):
        return "gb18030"
    raise FileRejected(UNDECODABLE)


def _whole_lines(chunks: Iterable[AnyStr], newline: AnyStr) -> Iterator[AnyStr]:
    """The chunks regrouped so that each piece ends at a line end (the last: the rest)."""
    carry = newline[:0]
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind(newline) + 1
        yield text[:cut]
        carry = text[cut:]
    yield carry


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        yield from iter(lambda: f.read(CHUNK), b"")


_BEFORE_EMPTY_LINE = re.compile(rb"\n(?=\r?\n)")  # a line end followed by an empty line


def count_lines(path: Path) -> tuple[int, list[int]]:
    """(number of lines, 1-based numbers of the empty lines), in one streaming pass of
    byte searches (no decoding)."""
    lines, empty, last = 0, [], b""
    for text in _whole_lines(_chunks(path), b"\n"):
        if text.startswith((b"\n", b"\r\n")):  # pieces start at a line start
            empty.append(lines + 1)
        seen = 0  # ``lines`` counts the line ends up to offset ``seen`` of ``text``
        for m in _BEFORE_EMPTY_LINE.finditer(text):
            lines += text.count(b"\n", seen, m.end())
            seen = m.end()
            empty.append(lines + 1)
        lines += text.count(b"\n", seen)
        last = text[-1:] or last
    return lines + (last not in (b"", b"\n")), empty


def _decoded(chunks: Iterable[bytes], encoding: str) -> Iterator[str]:
    """Strict incremental decoding: a character split across chunks is joined, a
    truncated one at the end raises."""
    dec = codecs.getincrementaldecoder(encoding)()
    for chunk in chunks:
        yield dec.decode(chunk)
    yield dec.decode(b"", final=True)


def _write_utf8(out: Path, pieces: Iterable[bytes]) -> None:
    try:
        with open(out, "wb") as dst:
            for piece in pieces:
                dst.write(piece)
    except UnicodeDecodeError:
        out.unlink(missing_ok=True)
        raise FileRejected(UNDECODABLE) from None


def csv_text(path: Path, work_dir: Path) -> CsvText:
    """The file as DuckDB can read it, and its lines. A transcoded copy holds personal
    data in clear: the caller deletes ``work_dir``."""
    encoding = detect_encoding(path)
    text = CsvText(path, encoding, *count_lines(path))
    return text if encoding.startswith("utf-8") else as_gb18030(text, work_dir)


def as_gb18030(text: CsvText, work_dir: Path) -> CsvText:
    """``text`` (the delivered file) read as GB18030: a strictly transcoded UTF-8 copy.
    Its lines are the same, counted in the original bytes (no GB18030 character
    contains ``\n``)."""
    out = work_dir / "utf8.csv"
    _write_utf8(out, (s.encode("utf-8") for s in _decoded(_chunks(text.path), "gb18030")))
    return CsvText(out, "gb18030", text.lines, text.empty_lines)


def keep_empty_lines(text: AnyStr) -> AnyStr:
    """Each empty line of ``text`` (which starts at a line start) becomes ``,``.

    Two passes of ``replace`` (10× faster than a regex): in a run of empty lines the
    first pass marks every other one, the second the rest."""
    lf, crlf, mark = ("\n", "\r\n", ",") if isinstance(text, str) else (b"\n", b"\r\n", b",")
    for _ in range(2):
        text = text.replace(lf + lf, lf + mark + lf).replace(lf + crlf, lf + mark + crlf)
    return mark + text if text.startswith((lf, crlf)) else text


def rewrite_keeping_empty_lines(path: Path, work_dir: Path, encoding: str) -> CsvText:
    """A UTF-8 copy with every empty line written as ``,`` (a blank row DuckDB keeps):
    for files whose records span lines, where empty lines cannot be told from lines
    inside a quoted cell."""
    out = work_dir / "rows.csv"
    if encoding.startswith("utf-8"):
        pieces = map(keep_empty_lines, _whole_lines(_chunks(path), b"\n"))
    else:
        text = _whole_lines(_decoded(_chunks(path), encoding), "\n")
        pieces = (keep_empty_lines(t).encode("utf-8") for t in text)
    _write_utf8(out, pieces)
    return CsvText(out, encoding)
