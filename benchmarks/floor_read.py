"""The floor's read step: the simplest read of the landing files into typed DuckDB tables.

GB18030 is transcoded by a plain streaming decode, CSV is read by DuckDB's
``read_csv`` as text, xlsx by python-calamine; columns are mapped by the
contract's headers and aliases and cast with a few SQL macros. Region codes
and ID numbers are trusted: a row without a 12-digit community code is
dropped, nothing is validated, resolved, pseudonymised or logged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from benchmarks.landing import (
    FULLWIDTH,
    HALFWIDTH,
    LandingFile,
    csv_encoding,
    csv_head_lines,
    header_index,
    header_map,
    landing_files,
    normalise_header,
    transcode_to_utf8,
    xlsx_columns,
)
from pipelines.contract.tables import TABLES, Table

# Text → value, the same rules as the pandas baseline (benchmarks/pandas_baseline.py).
# ``t`` cleans a cell once (translate only where a full-width form occurs: translate is
# slow, the check is not); the others take cleaned text.
MACROS = f"""
create or replace macro t(s) as nullif(trim(
    case when regexp_matches(s, '[{FULLWIDTH}]') then translate(s, '{FULLWIDTH}', '{HALFWIDTH}')
         else s end), '');
create or replace macro num(x) as try_cast(replace(replace(x, ',', ''), '元', '') as double);
create or replace macro dt(x) as case
    when regexp_full_match(x, '\\d{{5}}(\\.0+)?')
        then date '1899-12-30' + cast(cast(x as double) as integer)
    when regexp_full_match(x, '\\d{{8}}') then cast(try_strptime(x, '%Y%m%d') as date)
    else cast(try_strptime(regexp_replace(
        replace(replace(replace(x, '年', '-'), '月', '-'), '日', ''), '[/.]', '-', 'g'),
        '%Y-%m-%d') as date)
    end;
create or replace macro yes(x) as coalesce(x in ('是', 'Y', 'y', '1', '有'), false);
create or replace macro code12(x) as case when regexp_full_match(x, '\\d{{12}}') then x end;
"""

CAST_BY_KIND = {
    "code12": "code12({c})",
    "text": "{c}",
    "enum": "{c}",
    "int": "num({c})",
    "number": "num({c})",
    "amount": "num({c})",
    "date": "dt({c})",
    "bool": "yes({c})",
    "id_number": "upper({c})",
}


def kept_columns(table: Table) -> list[str]:
    """Columns the floor keeps: all but names and addresses (the ID is its person key)."""
    return [c.name for c in table.columns if c.kind in CAST_BY_KIND]


def _create_text_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES.values():
        cols = ", ".join(f"{c} varchar" for c in kept_columns(table))
        con.execute(
            f"create or replace table txt_{table.name} "
            f"(period varchar, source_file varchar, row_idx bigint, {cols})"
        )


def _read_csv(con: duckdb.DuckDBPyConnection, f: LandingFile, tmp: Path) -> bool:
    encoding = csv_encoding(f.path)
    path = f.path
    if encoding == "gb18030":
        path = tmp / f"{abs(hash(f.path))}.csv"
        transcode_to_utf8(f.path, path, encoding)
        encoding = "utf-8-sig"
    head = csv_head_lines(path, encoding)
    idx = header_index(head, f.table)
    if idx is None:
        return False
    names = header_map(f.table)
    kept = set(kept_columns(f.table))
    selected: dict[str, int] = {}
    for pos, header in enumerate(head[idx]):
        name = names.get(normalise_header(header))
        if name in kept and name not in selected:
            selected[name] = pos
    columns = ", ".join(f"'c{i}': 'varchar'" for i in range(len(head[idx])))
    select = ", ".join(f"c{pos} as {name}" for name, pos in selected.items())
    con.execute(
        f"insert into txt_{f.table.name} by name "
        f"select ? as period, ? as source_file, row_number() over () as row_idx, {select} "
        f"from read_csv(?, skip={idx + 1}, header=false, columns={{{columns}}}, delim=',', "
        "quote='\"', escape='\"', null_padding=true, strict_mode=false, ignore_errors=true)",
        [f.period, str(f.path), str(path)],
    )
    return True


def _read_xlsx(con: duckdb.DuckDBPyConnection, f: LandingFile) -> bool:
    read = xlsx_columns(f.path, f.table)
    if read is None:
        return False
    columns, _ = read
    kept = set(kept_columns(f.table))
    data = {k: v for k, v in columns.items() if k in kept}
    n = len(next(iter(data.values()), []))
    batch = pa.table(
        {
            "period": [f.period] * n,
            "source_file": [str(f.path)] * n,
            "row_idx": list(range(1, n + 1)),
            **{k: pa.array(v, pa.string()) for k, v in data.items()},
        }
    )
    con.register("xlsx_batch", batch)
    con.execute(f"insert into txt_{f.table.name} by name select * from xlsx_batch")
    con.unregister("xlsx_batch")
    return True


def _typed_select(table: Table) -> str:
    """Typed columns from ``txt_<table>``: every cell cleaned once, then cast by kind."""
    exprs = []
    for name in kept_columns(table):
        expr = CAST_BY_KIND[table.column(name).kind].format(c=name)
        if table.name == "service_center" and name == "region_code":
            expr = f"rpad({name}, 12, '0')"
        exprs.append(f"{expr} as {name}")
    cleaned = ", ".join(f"t({name}) as {name}" for name in kept_columns(table))
    return (
        f"select cast(period as date) as period, source_file, row_idx, {', '.join(exprs)} "
        f"from (select period, source_file, row_idx, {cleaned} from txt_{table.name})"
    )


def _keep_filter(table: Table) -> str:
    if "community_code" in kept_columns(table):
        return "where community_code is not null"
    if table.name == "service_center":
        return "where regexp_full_match(region_code, '\\d{12}')"
    return ""


def read_landing(con: duckdb.DuckDBPyConnection, landing: Path) -> tuple[dict[str, int], int]:
    """Load every recognised landing file into typed tables named after the contract's
    tables; return the row count of each, and how many files had no header row found
    (not read)."""
    con.execute(MACROS)
    _create_text_tables(con)
    skipped = 0
    with tempfile.TemporaryDirectory(prefix="floor-") as tmp:
        for f in landing_files(landing):
            read = _read_csv(con, f, Path(tmp)) if f.fmt == "csv" else _read_xlsx(con, f)
            skipped += not read
    counts = {}
    for table in TABLES.values():
        con.execute(
            f"create or replace table {table.name} as select * from "
            f"({_typed_select(table)}) {_keep_filter(table)}"
        )
        con.execute(f"drop table txt_{table.name}")
        counts[table.name] = con.execute(f"select count(*) from {table.name}").fetchall()[0][0]
    return counts, skipped
