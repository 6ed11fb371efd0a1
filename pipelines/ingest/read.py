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
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.contract.tables import Table
from pipelines.ingest.encoding import utf8_copy
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


def read_csv(path: Path, table: Table, con: duckdb.DuckDBPyConnection, work_dir: Path) -> RawFile:
    if path.stat().st_size == 0:
        raise FileRejected("文件为空（0 字节）")
    utf8, encoding = utf8_copy(path, work_dir)
    with open(utf8, encoding="utf-8-sig", newline="") as f:
        head_text = f.read(1 << 16)
    head_lines = [line.rstrip("\r") for line in head_text.split("\n")[:HEADER_SEARCH_ROWS]]
    head_rows = list(csv.reader(io.StringIO("\n".join(head_lines))))
    match = _header_or_reject(table, head_rows)
    width = max(len(r) for r in head_rows)
    cols = {f"c{i}": "VARCHAR" for i in range(width)}
    skip = match.index + 1
    try:
        rel = con.sql(
            "SELECT ordinality::BIGINT + ? AS source_row, * EXCLUDE (ordinality) FROM read_csv(?, "
            "header=false, auto_detect=false, delim=',', quote='\"', escape='\"', "
            "null_padding=true, strict_mode=false, skip=?, columns=?) WITH ORDINALITY",
            params=[skip, str(utf8), skip, cols],
        )
        cells = rel.to_arrow_table()
    except duckdb.Error as e:
        # DuckDB's message quotes the offending line (personal data): keep only its kind
        raise FileRejected(f"CSV 文件格式错误，无法解析（{type(e).__name__}）") from None
    _reject_if_no_rows(cells)
    columns = match.columns + [None] * (width - len(match.columns))
    return RawFile(skip, columns, match.unknown, cells, encoding)


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
