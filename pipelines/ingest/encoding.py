"""Detect a CSV's encoding (UTF-8, UTF-8 with BOM, GB18030) and hand DuckDB a UTF-8 file.

DuckDB reads UTF-8 only and skips empty lines, which would shift the row numbers
staff see in their editor; so a GB18030 file, or any file with empty lines, is
rewritten chunk by chunk (never whole in memory) with each empty line kept as
``,`` — still a blank row, still counted.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import AnyStr

from pipelines.ingest.errors import FileRejected

CHUNK = 1 << 22


def _decodes(path: Path, encoding: str) -> tuple[bool, bool]:
    """(decodes strictly, has an empty line)."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    empty = False
    prev = b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError:
                return False, empty
            if not empty:
                joined = prev + chunk
                empty = b"\n\n" in joined or b"\n\r\n" in joined
                prev = chunk[-2:]
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, empty
    return True, empty


def detect_encoding(path: Path) -> tuple[str, bool]:
    """The file's encoding ('utf-8', 'utf-8-sig' or 'gb18030') and whether it has empty lines."""
    with open(path, "rb") as f:
        head = f.read(3)
    ok, empty = _decodes(path, "utf-8")
    if ok:
        return ("utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"), empty
    ok, empty = _decodes(path, "gb18030")
    if ok:
        return "gb18030", empty
    raise FileRejected(UNDECODABLE)


UNDECODABLE = "文件编码无法识别（应为 UTF-8 或 GB18030/GBK 编码的 CSV），文件未加载"


def keep_empty_lines(text: AnyStr) -> AnyStr:
    """Each empty line of ``text`` (which starts at a line start) becomes ``,``.

    Two passes of ``replace`` (10× faster than a regex): in a run of empty lines the
    first pass marks every other one, the second the rest."""
    lf, crlf, mark = ("\n", "\r\n", ",") if isinstance(text, str) else (b"\n", b"\r\n", b",")
    for _ in range(2):
        text = text.replace(lf + lf, lf + mark + lf).replace(lf + crlf, lf + mark + crlf)
    return mark + text if text.startswith((lf, crlf)) else text


def _whole_lines(chunks: Iterable[AnyStr], newline: AnyStr) -> Iterator[AnyStr]:
    """The chunks regrouped so that each piece ends at a line end (the last: the rest)."""
    carry = newline[:0]
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind(newline) + 1
        yield text[:cut]
        carry = text[cut:]
    yield carry


def _decoded(chunks: Iterable[bytes], encoding: str) -> Iterator[str]:
    """Strict incremental decoding: a character split across chunks is joined, a
    truncated one at the end raises."""
    dec = codecs.getincrementaldecoder(encoding)()
    for chunk in chunks:
        yield dec.decode(chunk)
    yield dec.decode(b"", final=True)


def _rewrite(path: Path, out: Path, encoding: str) -> None:
    """Keep empty lines as ``,`` and write UTF-8, one streaming pass in whole lines. UTF-8
    stays bytes (already validated); GB18030 is decoded strictly on the way."""
    try:
        with open(path, "rb") as src, open(out, "wb") as dst:
            chunks = iter(lambda: src.read(CHUNK), b"")
            if encoding.startswith("utf-8"):
                for text in _whole_lines(chunks, b"\n"):
                    dst.write(keep_empty_lines(text))
            else:
                for text in _whole_lines(_decoded(chunks, encoding), "\n"):
                    dst.write(keep_empty_lines(text).encode("utf-8"))
    except UnicodeDecodeError:
        out.unlink(missing_ok=True)
        raise FileRejected(UNDECODABLE) from None


def utf8_copy(path: Path, work_dir: Path) -> tuple[Path, str]:
    """A UTF-8 file DuckDB can read with every line in place, and the detected encoding.

    Returns the original path when no rewrite is needed. A rewritten copy holds
    personal data in clear: the caller deletes ``work_dir``.
    """
    with open(path, "rb") as f:
        head = f.read(3)
    ok, has_empty = _decodes(path, "utf-8")
    encoding = ("utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8") if ok else "gb18030"
    if ok and not has_empty:
        return path, encoding
    out = work_dir / "utf8.csv"
    _rewrite(path, out, encoding)  # GB18030 is validated while transcoding: one pass
    return out, encoding
