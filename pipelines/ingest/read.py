"""Read a delivered file into an Arrow table of text cells with their row numbers.

CSV: encoding detected, transcoded if needed, then read by DuckDB (all_varchar,
``WITH ORDINALITY`` for the line number). xlsx: python-calamine, each cell rendered
as the text the contract expects (see ``cell_text``). No typing happens here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.contract.tables import Table
from pipelines.ingest.encoding import (
    CsvText,
    as_gb18030,
    csv_text,
    rewrite_keeping_empty_lines,
)
from pipelines.ingest.errors import FileRejected
from pipelines.ingest.headers import HEADER_SEARCH_ROWS, best_missing, find_header, norm_header


@dataclass
class RawFile:
    header_row: int  # 1-based row number of the header (as Excel / an editor shows it)
    columns: list[str | None]  # canonical name per cell position, None = unknown column
    unknown_columns: list[str]
    cells: pa.Table  # source_row (int64) + c0..cN (string), rows below the header
    encoding: str | None


def _header_or_reject(table: Table, head_rows: list[list[str]]):
    if not any(any(norm_header(c) for c in r) for r in head_rows):
        raise FileRejected("文件为空，没有表头和数据")
    match = find_header(table, head_rows)
    if match is None:
        missing = "、".join(best_missing(table, head_rows))
        raise FileRejected(f"缺少必填列：{missing}（在前{HEADER_SEARCH_ROWS}行中未找到完整表头）")
    return match


def _reject_if_no_rows(cells: pa.Table) -> None:
    for name in cells.column_names[1:]:
        lengths = pc.utf8_length(pc.utf8_trim_whitespace(cells.column(name)))
        if (pc.max(lengths).as_py() or 0) > 0:
            return
    raise FileRejected("文件只有表头，没有数据行")


def _blank_rows(cells: pa.Table, rows: list[int]) -> pa.Table:
    """Empty lines as rows with every cell NULL (DuckDB skipped them; they are counted)."""
    numbers = pa.array(rows, pa.int64())
    return pa.table(
        [numbers] + [pa.nulls(len(rows), f.type) for f in cells.schema][1:],
        schema=cells.schema,
    )


def _numbered(cells: pa.Table, skip: int, empty: list[int]) -> pa.Table:
    """Rows numbered as an editor shows them: the k-th record below the header is on
    line skip + k + (empty lines before it); then the empty lines as blank rows."""
    if not empty:
        return cells
    # the j-th empty line (1-based) has e_j - skip - j records above it
    above = np.array(empty, np.int64) - skip - np.arange(1, len(empty) + 1)
    k = cells.column("source_row").to_numpy() - skip
    lines = pa.array(skip + k + np.searchsorted(above, k, side="left"), pa.int64())
    cells = cells.set_column(0, "source_row", lines)
    return pa.concat_tables([cells, _blank_rows(cells, empty)])


class _NotUtf8(Exception):
    """DuckDB met a byte sequence that is not UTF-8 past the part the encoding was told from."""


def _duckdb_cells(con: duckdb.DuckDBPyConnection, path: Path, skip: int, cols: dict) -> pa.Table:
    """Every record below line ``skip`` as text, numbered from ``skip + 1``. A quoted cell
    spanning lines (Excel's Alt+Enter) needs DuckDB's serial reader: tried second."""
    for parallel in (True, False):
        try:
            return con.sql(
                "SELECT ordinality::BIGINT + ? AS source_row, * EXCLUDE (ordinality) "
                "FROM read_csv(?, header=false, auto_detect=false, delim=',', quote='\"', "
                "escape='\"', null_padding=true, strict_mode=false, skip=?, columns=?, "
                "parallel=?) WITH ORDINALITY",
                params=[skip, str(path), skip, cols, parallel],
            ).to_arrow_table()
        except duckdb.Error as e:
            # the explanation, without the "Original Line" DuckDB quotes (a row's data)
            message = "\n".join(
                line for line in str(e).splitlines() if not line.startswith("Original Line")
            )
            if "Invalid unicode" in message:
                raise _NotUtf8 from None
            if parallel and "parallel=false" in message:
                continue
            # DuckDB's message quotes the offending line (personal data): keep only its kind
            raise FileRejected(f"CSV 文件格式错误，无法解析（{type(e).__name__}）") from None
    raise AssertionError("unreachable")


def _read_text(text: CsvText, table: Table, con: duckdb.DuckDBPyConnection) -> RawFile | None:
    """The file's cells, or None when its lines do not add up (a quoted cell spanning
    lines): the caller then reads a copy with the empty lines written out."""
    try:
        with open(text.path, encoding="utf-8-sig", newline="") as f:
            head_text = f.read(1 << 16)
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    head_lines = [line.rstrip("\r") for line in head_text.split("\n")[:HEADER_SEARCH_ROWS]]
    head_rows = list(csv.reader(io.StringIO("\n".join(head_lines))))
    match = _header_or_reject(table, head_rows)
    width = max(len(r) for r in head_rows)
    cols = {f"c{i}": "VARCHAR" for i in range(width)}
    skip = match.index + 1  # physical lines, empty ones included (as DuckDB's skip counts)
    cells = _duckdb_cells(con, text.path, skip, cols)
    empty = [n for n in text.empty_lines if n > skip]
    if text.lines and text.lines != skip + cells.num_rows + len(empty):
        return None
    cells = _numbered(cells, skip, empty)
    _reject_if_no_rows(cells)
    columns = match.columns + [None] * (width - len(match.columns))
    return RawFile(skip, columns, match.unknown, cells, text.encoding)


def read_csv(path: Path, table: Table, con: duckdb.DuckDBPyConnection, work_dir: Path) -> RawFile:
    if path.stat().st_size == 0:
        raise FileRejected("文件为空（0 字节）")
    text = csv_text(path, work_dir)
    try:
        raw = _read_text(text, table, con)
    except _NotUtf8:  # UTF-8 at the start only: read as GB18030, as a whole-file check would
        text = as_gb18030(text, work_dir)  # a UTF-8 guess: text.path is the delivered file
        raw = _read_text(text, table, con)
    if raw is None:
        raw = _read_text(rewrite_keeping_empty_lines(path, work_dir, text.encoding), table, con)
    assert raw is not None  # a rewritten copy has no line count to disagree with
    return raw


def cell_text(value, id_column: bool = False) -> str:
    """An xlsx cell as the text a CSV would carry.

    A number in an ID column is rendered in Python's float form (``3.7e+17`` or
    ``…123.0``), which ingestion quarantines as id_excel_number: digits are lost.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if id_column:
            return repr(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return repr(float(value)) if id_column else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta | time):
        return str(value)
    return str(value)


def _sheet(wb, table: Table):
    for name in wb.sheet_names:
        if any(kw in norm_header(name) for kw in table.keywords):
            return wb.get_sheet_by_name(name)
    return wb.get_sheet_by_index(0)


def read_xlsx(path: Path, table: Table) -> RawFile:
    import python_calamine as calamine

    if path.stat().st_size == 0:
        raise FileRejected("文件为空（0 字节）")
    if not zipfile.is_zipfile(path):
        raise FileRejected("文件不是有效的 Excel（.xlsx）文件，可能已损坏或实为其他格式")
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
        rows = _sheet(wb, table).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises several types for broken workbooks
        raise FileRejected(f"Excel 文件已损坏，无法读取（{type(e).__name__}）") from None
    head_rows = [[cell_text(v) for v in r] for r in rows[:HEADER_SEARCH_ROWS]]
    match = _header_or_reject(table, head_rows)
    width = max((len(r) for r in rows), default=0)
    id_positions = {
        i for i, name in enumerate(match.columns) if name and table.column(name).kind == "id_number"
    }
    body = rows[match.index + 1 :]
    columns: dict[str, pa.Array] = {
        "source_row": pa.array(range(match.index + 2, match.index + 2 + len(body)), pa.int64())
    }
    # calamine pads every row to the sheet's width: transpose at C speed, convert per column
    by_column = list(zip(*body, strict=True)) if body else [() for _ in range(width)]
    for i, values in enumerate(by_column):
        if set(map(type, values)) <= {str}:  # a text column: no per-cell work
            columns[f"c{i}"] = pa.array(values, pa.string())
        else:
            is_id = i in id_positions
            columns[f"c{i}"] = pa.array([cell_text(v, is_id) for v in values], pa.string())
    cells = pa.table(columns)
    _reject_if_no_rows(cells)
    names = match.columns + [None] * (width - len(match.columns))
    return RawFile(match.index + 1, names, match.unknown, cells, None)


def read_file(path: Path, table: Table, con: duckdb.DuckDBPyConnection, work_dir: Path) -> RawFile:
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path, table)
    return read_csv(path, table, con, work_dir)
