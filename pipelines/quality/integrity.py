"""Blocking checks: the warehouse's own integrity (architecture.md, "What blocks publishing").

Aggregates over every row, so they run in DuckDB and report through ``CheckResult``.
"""

from __future__ import annotations

import csv

import duckdb

from pipelines.contract.tables import TABLES, raw_columns
from pipelines.quality.db import columns_of, relation_exists
from pipelines.quality.results import CheckResult
from pipelines.settings import CATALOG_CSV, DBT_PROJECT_DIR

# Relative tolerance for parent = sum of children (sums of DOUBLEs).
SUM_TOLERANCE = 1e-6


def raw_columns_present(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    out = []
    for table in TABLES.values():
        if not relation_exists(con, "raw", table.name):
            continue
        have = set(columns_of(con, "raw", table.name))
        missing = [c for c, _ in raw_columns(table) if c not in have]
        out.append(
            CheckResult(
                "raw_columns_present",
                table.name,
                None,
                passed=not missing,
                observed=("缺少列：" + "、".join(missing)) if missing else "列齐全",
                expected="raw_columns(table) 的全部列",
                failing_rows=len(missing),
            )
        )
    return out


def files_reconcile(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Every current file: rows read = loaded + quarantined + duplicates + non-data, and the
    loaded / quarantined counts match the rows actually in raw.<table> / raw.quarantine."""
    if not relation_exists(con, "raw", "load_log"):
        return []
    out = []
    for table in TABLES.values():
        in_raw = (
            f"SELECT load_id, count(*) AS n FROM raw.{table.name} GROUP BY load_id"
            if relation_exists(con, "raw", table.name)
            else "SELECT NULL::VARCHAR AS load_id, 0 AS n WHERE false"
        )
        in_quarantine = (
            "SELECT load_id, count(*) AS n FROM raw.quarantine GROUP BY load_id"
            if relation_exists(con, "raw", "quarantine")
            else "SELECT NULL::VARCHAR AS load_id, 0 AS n WHERE false"
        )
        rows = con.execute(
            f"""
            WITH f AS (
                SELECT * FROM raw.load_log
                WHERE table_name = ? AND status = 'loaded' AND is_current
            ), r AS ({in_raw}), q AS ({in_quarantine}),
            judged AS (
                SELECT f.period, f.source_file,
                    coalesce(f.rows_read, -1) = coalesce(f.non_data_rows, 0)
                        + coalesce(f.duplicates, 0) + coalesce(f.loaded, 0)
                        + coalesce(f.quarantined, 0)
                    AND coalesce(f.loaded, 0) = coalesce(r.n, 0)
                    AND coalesce(f.quarantined, 0) = coalesce(q.n, 0) AS ok
                FROM f LEFT JOIN r USING (load_id) LEFT JOIN q USING (load_id)
            )
            SELECT period, count(*), count(*) FILTER (WHERE NOT ok),
                list(source_file ORDER BY source_file) FILTER (WHERE NOT ok)
            FROM judged GROUP BY period ORDER BY period
            """,
            [table.name],
        ).fetchall()
        for period, files, bad, bad_files in rows:
            out.append(
                CheckResult(
                    "file_reconciles",
                    table.name,
                    period,
                    passed=bad == 0,
                    observed=(
                        f"{files} 个文件中 {bad} 个不平：" + "、".join(bad_files[:5])
                        if bad
                        else f"{files} 个文件全部可核对"
                    ),
                    expected="读入行 = 载入 + 隔离 + 重复 + 非数据行，且与入库行数一致",
                    failing_rows=bad,
                )
            )
    return out


def load_catalog(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The indicator catalog: analytics.indicators if dbt built it, else the seed CSV."""
    if relation_exists(con, "analytics", "indicators"):
        cols = columns_of(con, "analytics", "indicators")
        code = "indicator_code" if "indicator_code" in cols else "code"
        rows = con.execute(f"SELECT {code}, levels, unit FROM analytics.indicators").fetchall()
        return [{"code": c, "levels": lv, "unit": u} for c, lv, u in rows]
    if CATALOG_CSV.exists():
        with open(CATALOG_CSV, encoding="utf-8") as f:
            return [dict(r) for r in csv.DictReader(f)]
    return []


def unbounded_percentages() -> set[str]:
    """% indicators whose denominator comes from another source (dbt var
    ``percent_not_bounded``): delivered data may push them past 100, a finding about the
    data (warning), not about the warehouse."""
    import yaml

    config = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return set((config.get("vars") or {}).get("percent_not_bounded") or [])


def register_catalog(con: duckdb.DuckDBPyConnection, catalog: list[dict]) -> None:
    """Temp table ``ref_catalog``: indicator × level it exists at, unit, and whether a
    percentage must lie in [0, 100] (``bounded``)."""
    unbounded = unbounded_percentages()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ref_catalog "
        "(code VARCHAR, level VARCHAR, unit VARCHAR, bounded BOOLEAN)"
    )
    rows = []
    for ind in catalog:
        levels = (ind["levels"] or "all").replace("\n", ",")
        names = (
            ["city", "district", "street", "community"]
            if levels.strip() == "all"
            else [lv.strip() for lv in levels.split(",") if lv.strip()]
        )
        bounded = ind["code"] not in unbounded
        rows.extend((ind["code"], lv, ind["unit"], bounded) for lv in names)
    if rows:
        con.executemany("INSERT INTO ref_catalog VALUES (?, ?, ?, ?)", rows)


def indicator_integrity(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Indicator rows unique, complete (every indicator × region at its levels × month),
    codes known, and parents equal to the sums of their children. Needs the temp tables
    ``ref_regions`` and ``ref_catalog``."""
    if not relation_exists(con, "analytics", "indicator_values"):
        return [
            CheckResult(
                "indicator_values_present",
                "indicator_values",
                None,
                passed=False,
                observed="analytics.indicator_values 不存在",
                expected="dbt 已生成指标结果",
                failing_rows=1,
            )
        ]
    v = "analytics.indicator_values"
    out: list[CheckResult] = []
    periods = [r[0] for r in con.execute(f"SELECT DISTINCT period FROM {v} ORDER BY 1").fetchall()]
    if not periods:
        out.append(
            CheckResult(
                "indicator_values_present",
                "indicator_values",
                None,
                passed=False,
                observed="指标结果为空",
                expected="每个已载入月份都有指标结果",
                failing_rows=1,
            )
        )
    dup = dict(
        con.execute(
            f"SELECT period, count(*) - count(DISTINCT (indicator_code, region_code)) "
            f"FROM {v} GROUP BY period"
        ).fetchall()
    )
    missing = dict(
        con.execute(
            f"""
            WITH expected AS (
                SELECT c.code, p.period, r.region_code
                FROM ref_catalog c JOIN ref_regions r ON r.region_level = c.level,
                    (SELECT DISTINCT period FROM {v}) p
            )
            SELECT e.period, count(*) FROM expected e
            ANTI JOIN {v} x ON x.indicator_code = e.code AND x.period = e.period
                AND x.region_code = e.region_code
            GROUP BY e.period
            """
        ).fetchall()
    )
    unknown = dict(
        con.execute(
            f"SELECT period, count(*) FROM {v} ANTI JOIN ref_catalog c "
            f"ON c.code = {v}.indicator_code AND c.level = {v}.region_level GROUP BY period"
        ).fetchall()
    )
    sums = {
        p: (bad, examples)
        for p, bad, examples in con.execute(
            f"""
            WITH x AS (
                SELECT x.indicator_code, x.period, x.region_code, x.numerator, x.denominator,
                    r.parent_code
                FROM {v} x JOIN ref_regions r USING (region_code)
            ), children AS (
                SELECT indicator_code, period, parent_code AS region_code,
                    sum(numerator) AS n, sum(denominator) AS d
                FROM x WHERE parent_code IS NOT NULL GROUP BY ALL
            ), judged AS (
                SELECT p.period, p.indicator_code, p.region_code,
                    abs(coalesce(p.numerator, 0) - coalesce(c.n, 0))
                        > {SUM_TOLERANCE} * greatest(1, abs(coalesce(c.n, 0)))
                    OR abs(coalesce(p.denominator, 0) - coalesce(c.d, 0))
                        > {SUM_TOLERANCE} * greatest(1, abs(coalesce(c.d, 0))) AS bad
                FROM x p JOIN children c USING (indicator_code, period, region_code)
            )
            SELECT period, count(*) FILTER (WHERE bad),
                list(indicator_code || '@' || region_code ORDER BY indicator_code, region_code)
                    FILTER (WHERE bad)
            FROM judged GROUP BY period
            """
        ).fetchall()
    }
    for p in periods:
        bad_sums, examples = sums.get(p, (0, None))
        for check, failing, observed, expected in (
            ("indicator_rows_unique", dup.get(p, 0), f"重复行 {dup.get(p, 0)}", "0"),
            (
                "indicator_rows_complete",
                missing.get(p, 0),
                f"缺少 {missing.get(p, 0)} 行",
                "指标目录 × 所在层级的全部区划",
            ),
            (
                "indicator_codes_known",
                unknown.get(p, 0),
                f"{unknown.get(p, 0)} 行的指标或层级不在目录中",
                "0",
            ),
            (
                "parent_equals_children_sum",
                bad_sums,
                f"{bad_sums} 个上级区划不等于下级之和，如 " + "、".join((examples or [])[:5])
                if bad_sums
                else "全部相等",
                "上级分子、分母 = 下级之和",
            ),
        ):
            out.append(
                CheckResult(
                    check,
                    "indicator_values",
                    p,
                    passed=failing == 0,
                    observed=observed,
                    expected=expected,
                    failing_rows=failing,
                )
            )
    return out
