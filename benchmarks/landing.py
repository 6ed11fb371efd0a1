"""What the floor and the pandas baseline share: finding the landing files and
their header rows, and reading xlsx cells as text.

Deliberately naive (the benchmark's "floor"): the table comes from the file
name, the header row is the first row holding one of the table's first
required header or its aliases, the encoding is UTF-8 unless the first bytes
fail to decode, and nothing is validated.
"""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from pipelines.contract.tables import Table, table_for_filename

# Full-width forms and spaces the contract says occur in values; both engines
# translate exactly these before casting so their results agree.
FULLWIDTH = "０１２３４５６７８９．，－／：ｘＸ　"
HALFWIDTH = "0123456789.,-/:xX "
HEADER_SCAN_ROWS = 10  # title lines are at most 3; generous margin


@dataclass(frozen=True)
class LandingFile:
    path: Path
    table: Table
    period: str  # YYYY-MM-01
    fmt: str  # csv / xlsx


def landing_files(landing: Path) -> list[LandingFile]:
    """Every recognised file under landing/<department>/<YYYY-MM>/, sorted by path."""
    files = []
    for path in sorted(landing.glob("*/*/*")):
        table = table_for_filename(path.name)
        suffix = path.suffix.lower().lstrip(".")
        if table is None or suffix not in ("csv", "xlsx"):
            continue
        files.append(LandingFile(path, table, f"{path.parent.name}-01", suffix))
    return files


def normalise_header(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def header_map(table: Table) -> dict[str, str]:
    """Normalised Chinese header or alias → canonical column name."""
    return {normalise_header(h): c.name for c in table.columns for h in c.headers}


def _anchor_headers(table: Table) -> set[str]:
    first = next(c for c in table.columns if c.required or c.name in table.one_of)
    return {normalise_header(h) for h in first.headers}


def header_index(rows: list[list[str]], table: Table) -> int | None:
    """0-based index of the header row among the first rows, or None."""
    anchors = _anchor_headers(table)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(normalise_header(v) in anchors for v in row):
            return i
    return None


def csv_encoding(path: Path) -> str:
    """utf-8-sig for UTF-8 (with or without BOM), else gb18030."""
    head = path.open("rb").read(1 << 16)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def transcode_to_utf8(src: Path, dst: Path, encoding: str, chunk: int = 1 << 22) -> None:
    """Plain streaming decode → UTF-8 file (DuckDB reads only UTF-8)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while block := fin.read(chunk):
            fout.write(decoder.decode(block))
        fout.write(decoder.decode(b"", final=True))


def csv_head_lines(path: Path, encoding: str) -> list[list[str]]:
    """The first lines split on commas: enough to find the header row."""
    import csv

    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        return [row for _, row in zip(range(HEADER_SCAN_ROWS), reader, strict=False)]


def cell_text(value: object) -> str | None:
    """An xlsx cell as the text a department meant: integral floats without
    '.0' (12-digit codes stored as numbers), dates as ISO strings."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _texts(values: tuple) -> list[str | None]:
    # most cells are already non-empty text: skip the call for them (millions of cells)
    return [v if type(v) is str and v else cell_text(v) for v in values]


def xlsx_columns(path: Path, table: Table) -> tuple[dict[str, list[str | None]], int] | None:
    """Canonical column → text values below the header row, and the header's 1-based row.
    The sheet named after one of the table's keywords, else the first."""
    wb = CalamineWorkbook.from_path(str(path))
    names = wb.sheet_names
    sheet_name = next(
        (n for n in names if any(kw in normalise_header(n) for kw in table.keywords)), names[0]
    )
    rows = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    head = [[cell_text(v) or "" for v in r] for r in rows[:HEADER_SCAN_ROWS]]
    idx = header_index(head, table)
    if idx is None:
        return None
    canonical = header_map(table)
    positions: dict[str, int] = {}
    for pos, header in enumerate(head[idx]):
        name = canonical.get(normalise_header(header))
        if name is not None and name not in positions:
            positions[name] = pos
    body = rows[idx + 1 :]
    width = max((len(r) for r in body), default=0)
    by_position = list(zip(*(r + [None] * (width - len(r)) for r in body), strict=True))
    n = len(body)
    return {
        name: _texts(by_position[pos]) if pos < width else [None] * n
        for name, pos in positions.items()
    }, idx + 1
