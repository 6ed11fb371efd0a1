"""Read-only access to the published serving file (docs/interfaces.md, "Serving file").

The dashboard reads ``$JCW_DATA_DIR/serving/current`` and nothing else. Results are
cached with ``st.cache_data`` keyed on the resolved version file (path and mtime),
so a new publication is picked up at the next rerun and never mixed with the old
one. DuckDB connections are opened read-only, one per thread and version, and never
shared across threads (Streamlit runs each session in its own thread).
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from pipelines.settings import get_settings

CITY_CODE = "370100000000"
LEVELS = ("city", "district", "street", "community")
LEVEL_NAMES = {"city": "市", "district": "区县", "street": "街道", "community": "社区"}

_local = threading.local()


def serving_file() -> Path | None:
    """The version file ``serving/current`` points to, or None before the first publication."""
    try:
        path = get_settings().serving_current.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return None
    return path if path.is_file() else None


def version() -> str | None:
    """Cache key of the current version: its resolved path and modification time."""
    path = serving_file()
    return f"{path}|{path.stat().st_mtime_ns}" if path else None


def _connection(ver: str) -> duckdb.DuckDBPyConnection:
    conns: dict = getattr(_local, "conns", None) or {}
    con = conns.get(ver)
    if con is None:
        for old in conns.values():  # a new version replaced the old one
            old.close()
        con = duckdb.connect(ver.split("|")[0], read_only=True)
        conns = {ver: con}
        _local.conns = conns
    return con


@st.cache_data(show_spinner=False, max_entries=2048)
def query(ver: str, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query on one version; cached per (version, sql, params)."""
    return _connection(ver).execute(sql, list(params)).df()


def q(sql: str, params: tuple = ()) -> pd.DataFrame:
    ver = version()
    if ver is None:
        return pd.DataFrame()
    return query(ver, sql, params)


def has_table(schema: str, table: str) -> bool:
    df = q(
        "select count(*) as n from information_schema.tables where table_schema = ? "
        "and table_name = ?",
        (schema, table),
    )
    return bool(len(df)) and int(df.n.iloc[0]) > 0


def columns(schema: str, table: str) -> set[str]:
    df = q(
        "select column_name from information_schema.columns where table_schema = ? "
        "and table_name = ?",
        (schema, table),
    )
    return set(df.column_name) if len(df) else set()


# --- reference tables -------------------------------------------------------


_CATALOG_COLUMNS = {  # column → expression when present (a missing one reads as empty)
    "code": "code",
    "name_zh": "name_zh",
    "name_en": "coalesce(name_en, '')",
    "domain": "coalesce(domain, '')",
    "numerator": "coalesce(numerator, '')",
    "denominator": "coalesce(denominator, '')",
    "factor": "try_cast(factor as double)",
    "unit": "coalesce(unit, '')",
    "time_aggregation": "coalesce(time_aggregation, '')",
    "applies_to": "coalesce(applies_to, 'all')",
    "levels": "coalesce(levels, 'all')",
    "target_op": "coalesce(target_op, '')",
    "target_value": "try_cast(target_value as double)",
    "target_source": "coalesce(target_source, '')",
}
_CATALOG_DEFAULTS = {
    "factor": "1.0",
    "target_value": "null::double",
    "applies_to": "'all'",
    "levels": "'all'",
}


def catalog() -> pd.DataFrame:
    """The indicator catalog, one row per indicator, in catalog order."""
    present = columns("analytics", "indicators")
    select = ", ".join(
        f"{expr if col in present else _CATALOG_DEFAULTS.get(col, chr(39) * 2)} as {col}"
        for col, expr in _CATALOG_COLUMNS.items()
    )
    return q(f"select {select} from analytics.indicators order by rowid")


@lru_cache(maxsize=4)
def _catalog_by_code(ver: str) -> dict[str, dict]:
    return {r["code"]: r for r in catalog().to_dict("records")}


def indicator(code: str) -> dict:
    """One catalog row as a dict (shared: do not modify)."""
    return _catalog_by_code(version())[code]


def regions() -> pd.DataFrame:
    return q(
        "select region_code, region_name, region_level, coalesce(parent_code, '') as parent_code, "
        "coalesce(district_code, '') as district_code, coalesce(street_code, '') as street_code, "
        "coalesce(community_type, '') as community_type, "
        "coalesce(street_type, '') as street_type from analytics.regions order by region_code"
    )


# Lookups derived from the regions table, built once per version and shared (read-only):
# rebuilding a 6,000-entry dict on every rerun costs more than a whole page's queries.
class Hierarchy(NamedTuple):
    names: dict[str, str]
    parents: dict[str, str]
    levels: dict[str, str]
    children: dict[str, list[str]]


@lru_cache(maxsize=4)
def _hierarchy(ver: str) -> Hierarchy:
    r = regions()
    parents = dict(zip(r.region_code, r.parent_code, strict=True))
    kids: dict[str, list[str]] = {}
    for code, parent in parents.items():
        kids.setdefault(parent, []).append(code)
    return Hierarchy(
        dict(zip(r.region_code, r.region_name, strict=True)),
        parents,
        dict(zip(r.region_code, r.region_level, strict=True)),
        kids,
    )


def region_names() -> dict[str, str]:
    """Region code → name (shared: do not modify)."""
    return _hierarchy(version()).names


def level_of(region_code: str) -> str:
    return _hierarchy(version()).levels[region_code]


def children(region_code: str) -> list[str]:
    """Codes of the region's children, in code order."""
    return list(_hierarchy(version()).children.get(region_code, []))


def at_level(level: str) -> list[str]:
    """Codes of every region at ``level``, in code order."""
    return [c for c, lv in _hierarchy(version()).levels.items() if lv == level]


def ancestors(region_code: str) -> list[str]:
    """Codes from the city down to ``region_code`` (inclusive)."""
    parents = _hierarchy(version()).parents
    chain = [region_code]
    while parents.get(chain[0]):
        chain.insert(0, parents[chain[0]])
    return chain


def periods() -> list[str]:
    """Loaded months as ``YYYY-MM``, oldest first."""
    df = q(
        "select distinct strftime(period, '%Y-%m') as p from analytics.indicator_values order by p"
    )
    return list(df.p) if len(df) else []


def shift(period: str, months: int) -> str:
    y, m = int(period[:4]), int(period[5:7])
    total = y * 12 + (m - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


# --- indicator values -------------------------------------------------------

_VALUE_COLUMNS = (
    "indicator_code, strftime(period, '%Y-%m') as period, region_code, region_level, "
    "numerator, denominator, value, target_met, coverage"
)


def values(
    codes: tuple[str, ...],
    periods_: tuple[str, ...] | None = None,
    region_codes: tuple[str, ...] | None = None,
    level: str | None = None,
) -> pd.DataFrame:
    """Rows of ``analytics.indicator_values`` for these indicators, filtered as asked."""
    where, params = ["indicator_code in (select unnest(?::varchar[]))"], [list(codes)]
    if periods_ is not None:
        where.append("period in (select cast(unnest(?::varchar[]) || '-01' as date))")
        params.append(list(periods_))
    if region_codes is not None:
        where.append("region_code in (select unnest(?::varchar[]))")
        params.append(list(region_codes))
    if level is not None:
        where.append("region_level = ?")
        params.append(level)
    sql = (
        f"select {_VALUE_COLUMNS} from analytics.indicator_values where "
        + " and ".join(where)
        + " order by indicator_code, period, region_code"
    )
    return q(sql, tuple(params))


# --- publication and last run ------------------------------------------------


def publication() -> dict:
    """The current version's publication record (version, published_at, run_id, periods)."""
    if not has_table("dq", "publication"):
        return {}
    df = q(
        "select version, cast(published_at as varchar) as published_at, run_id, "
        "cast(periods as varchar) as periods from dq.publication "
        "order by published_at desc limit 1"
    )
    return df.iloc[0].to_dict() if len(df) else {}


def last_run() -> dict | None:
    """``serving/last_run.json``, or None when absent or unreadable."""
    path = get_settings().last_run_json
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stale_reason() -> dict | None:
    """The last run when it failed after the current version was published, else None."""
    run = last_run()
    if not run or run.get("outcome") not in ("blocked", "failed"):
        return None
    published = str(publication().get("published_at") or "")[:19].replace("T", " ")
    finished = str(run.get("finished_at") or "")[:19].replace("T", " ")  # both UTC
    if published and finished and finished <= published:
        return None
    return run
