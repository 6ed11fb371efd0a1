"""Find the header row below title lines and map every header spelling to its column."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.contract.tables import Table

HEADER_SEARCH_ROWS = 10
_SPACES = re.compile(r"\s+")


def norm_value(value: str) -> str:
    """A cell as the contract compares it: NFKC (full-width → ASCII), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def norm_header(value: str) -> str:
    """Header spelling without inner spaces or required-markers (``* 户主 身份证号``)."""
    return _SPACES.sub("", norm_value(value)).lstrip("*")


def alias_map(table: Table) -> dict[str, str]:
    """Normalised header spelling → canonical column name."""
    return {norm_header(h): c.name for c in table.columns for h in c.headers}


@dataclass(frozen=True)
class HeaderMatch:
    index: int  # 0-based row index of the header among the rows examined
    columns: list[str | None]  # canonical name per position, None for unknown columns
    unknown: list[str]  # headers the contract does not know


def map_headers(table: Table, cells: list[str]) -> tuple[list[str | None], list[str]]:
    aliases = alias_map(table)
    columns: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        name = aliases.get(norm_header(cell))
        if name is not None and name in columns:
            name = None  # a second spelling of a column already present: kept out
        columns.append(name)
        if name is None and norm_header(cell):
            unknown.append(norm_value(cell))
    return columns, unknown


def missing_required(table: Table, columns: list[str | None]) -> list[str]:
    """Chinese headers of the required columns absent from ``columns``."""
    present = set(columns)
    missing = [table.column(n).header for n in table.required if n not in present]
    if table.one_of and not present.intersection(table.one_of):
        missing.append("或".join(table.column(n).header for n in table.one_of))
    return missing


def find_header(table: Table, rows: list[list[str]]) -> HeaderMatch | None:
    """The first of the first rows that holds every required column."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns, unknown = map_headers(table, cells)
        if any(columns) and not missing_required(table, columns):
            return HeaderMatch(i, columns, unknown)
    return None


def best_missing(table: Table, rows: list[list[str]]) -> list[str]:
    """The required columns missing from the row that looks most like a header."""
    best: list[str] | None = None
    best_hits = -1
    for cells in rows[:HEADER_SEARCH_ROWS]:
        columns, _ = map_headers(table, cells)
        hits = sum(1 for c in columns if c)
        if hits > best_hits:
            best, best_hits = missing_required(table, columns), hits
    return best or missing_required(table, [])
