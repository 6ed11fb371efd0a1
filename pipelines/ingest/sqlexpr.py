"""SQL expressions that parse the contract's value forms (extracts.md) in DuckDB.

Each function takes a SQL expression holding normalised text (NFKC, trimmed,
NULL when empty) and returns an expression; the ``*_bad`` forms are true when a
non-empty value does not parse. Everything runs vectorised in DuckDB.
"""

from __future__ import annotations


def q(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


_OTHER_DATE_FORMS = "['%Y.%m.%d', '%Y%m%d', '%Y.%m.%d %H:%M:%S']"
_SERIAL = r"^\d{5}(\.\d+)?$"


def date(v: str) -> str:
    """2025-03-05, 2025/3/5 (DuckDB's own cast, fast), 2025年3月5日 (rewritten to 2025-3-5
    and cast: whole districts write it, and try_strptime is 4× slower), 2025.3.5,
    20250305, an Excel serial → DATE."""
    cn = f"replace(replace(replace({v}, '年', '-'), '月', '-'), '日', '')"
    return (
        f"coalesce(TRY_CAST({v} AS DATE), "
        f"CASE WHEN {v} LIKE '%年%月%日' THEN TRY_CAST({cn} AS DATE) END, "
        f"try_strptime({v}, {_OTHER_DATE_FORMS})::DATE, "
        f"CASE WHEN regexp_matches({v}, {q(_SERIAL)}) "
        f"THEN DATE '1899-12-30' + floor(TRY_CAST({v} AS DOUBLE))::INT END)"
    )


_UNITS = r"(元/年|元/月|元|平方米|m2|人|户|次|名|个)$"


def number(v: str) -> str:
    """1,234.50 / 1234.5元 / 120平方米 / plain numbers → DOUBLE (plain ones by a cast,
    without the regexes)."""
    return (
        f"coalesce(TRY_CAST({v} AS DOUBLE), TRY_CAST(regexp_replace(regexp_replace({v}, "
        f"{q(_UNITS)}, ''), '[,¥\\s]', '', 'g') AS DOUBLE))"
    )


def integer(v: str) -> str:
    n = number(v)
    return f"CASE WHEN {n} = floor({n}) AND abs({n}) < 9e15 THEN {n}::BIGINT END"


TRUE_FORMS = ("是", "Y", "YES", "1", "有", "TRUE", "T", "√")
FALSE_FORMS = ("否", "N", "NO", "0", "无", "FALSE", "F", "×")


def boolean(v: str) -> str:
    t = ", ".join(q(x) for x in TRUE_FORMS)
    f = ", ".join(q(x) for x in FALSE_FORMS)
    return f"CASE WHEN upper({v}) IN ({t}) THEN true WHEN upper({v}) IN ({f}) THEN false END"


def enum(v: str) -> str:
    """``无`` means none."""
    return f"CASE WHEN {v} = '无' THEN NULL ELSE {v} END"


def enum_bad(v: str, values: tuple[str, ...]) -> str:
    allowed = ", ".join(q(x) for x in values)
    return f"({v} IS NOT NULL AND {v} <> '无' AND {v} NOT IN ({allowed}))"


def bad(v: str, parsed: str) -> str:
    return f"({v} IS NOT NULL AND ({parsed}) IS NULL)"


def code12(v: str) -> str:
    """Inner spaces dropped (NFKC already made every space ASCII; replace beats a regex)."""
    return f"replace({v}, ' ', '')"


def code12_bad(v: str) -> str:
    return f"({v} IS NOT NULL AND NOT regexp_matches({code12(v)}, '^\\d{{12}}$'))"


def admin_code(v: str) -> str:
    """6 or 9 digits, or the 12-digit padded form → 12 digits (NULL when malformed)."""
    c = code12(v)
    return (
        f"CASE WHEN regexp_matches({c}, '^(\\d{{6}}|\\d{{9}}|\\d{{12}})$') "
        f"THEN rpad({c}, 12, '0') END"
    )
