"""Month-over-month outliers per community on the main counts (issue 5, part 2).

For each measure and month, every community with a value this month and last month
gets the change r = ln((x_t + 1) / (x_{t-1} + 1)) (symmetric, defined at zero). Across
the city's communities, the robust z-score is z = 0.6745 · (r − median) / MAD
(Iglewicz & Hoaglin); where MAD is 0 the mean absolute deviation is used instead,
z = (r − median) / (1.253314 · MeanAD). A community is flagged when |z| > 3.5 and the
count moved by at least ``MIN_ABS_CHANGE`` (tiny communities swing by a few units).
Roster counts are taken only in districts that delivered the table both months; a
community with no rows there counts 0.
"""

from __future__ import annotations

import duckdb

from pipelines.quality.db import relation_exists
from pipelines.quality.results import CheckResult, with_details

Z_THRESHOLD = 3.5
MIN_ABS_CHANGE = 10

# (table, measure label, SQL giving community_code, period, value) — roster counts
# count each key once per month.
_ROSTER = {
    "dibao_household": (
        "在保低保户数",
        "count(DISTINCT household_id) FILTER (WHERE status = '在保')",
    ),
    "unemployment_roster": (
        "失业登记人数",
        "count(DISTINCT registration_id) FILTER (WHERE status = '失业')",
    ),
    "health_contract": ("家庭医生签约数", "count(DISTINCT contract_id)"),
    "floating_population": (
        "流动人口登记数",
        "count(DISTINCT registration_id) FILTER (WHERE cancel_date IS NULL)",
    ),
}
_PROFILE = {"households": "户数", "resident_population": "常住人口"}


def _measures(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    out = []
    if relation_exists(con, "raw", "community_profile"):
        for col, label in _PROFILE.items():
            out.append(
                (
                    "community_profile",
                    label,
                    f"SELECT community_code, period, arg_max({col}, arrived_at) AS value "
                    f"FROM raw.community_profile GROUP BY ALL",
                )
            )
    for table, (label, agg) in _ROSTER.items():
        if not relation_exists(con, "raw", table):
            continue
        out.append(
            (
                table,
                label,
                f"""
                SELECT r.region_code AS community_code, d.period, coalesce(x.value, 0) AS value
                FROM dq.deliveries d
                JOIN ref_regions r
                    ON r.district_code = d.district_code AND r.region_level = 'community'
                LEFT JOIN (
                    SELECT community_code, period, {agg} AS value
                    FROM raw.{table} GROUP BY ALL
                ) x ON x.community_code = r.region_code AND x.period = d.period
                WHERE d.table_name = '{table}' AND d.status <> 'missing'
                """,
            )
        )
    return out


def outlier_results(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    out: list[CheckResult] = []
    for table, label, values_sql in _measures(con):
        rows = con.execute(
            f"""
            WITH x AS ({values_sql}),
            pairs AS (
                SELECT cur.community_code, cur.period, prev.value AS prev_value,
                    cur.value AS cur_value,
                    ln((cur.value + 1) / (prev.value + 1)) AS r
                FROM x cur JOIN x prev ON prev.community_code = cur.community_code
                    AND prev.period = (cur.period - INTERVAL 1 MONTH)::DATE
                WHERE cur.value IS NOT NULL AND prev.value IS NOT NULL
                    AND cur.value >= 0 AND prev.value >= 0
            ), med AS (SELECT period, median(r) AS med FROM pairs GROUP BY period),
            dev AS (SELECT p.*, m.med, abs(p.r - m.med) AS ad FROM pairs p JOIN med m USING (period)),
            spread AS (SELECT period, median(ad) AS mad, avg(ad) AS mean_ad FROM dev GROUP BY period),
            z AS (
                SELECT d.*, CASE
                    WHEN s.mad > 0 THEN 0.6745 * (d.r - d.med) / s.mad
                    WHEN s.mean_ad > 0 THEN (d.r - d.med) / (1.253314 * s.mean_ad)
                    ELSE 0 END AS z
                FROM dev d JOIN spread s USING (period)
            )
            SELECT period, community_code, prev_value, cur_value, z,
                abs(z) > {Z_THRESHOLD} AND abs(cur_value - prev_value) >= {MIN_ABS_CHANGE} AS flagged
            FROM z ORDER BY period, community_code
            """
        ).fetchall()
        for period in sorted({r[0] for r in rows}):
            details = [
                (code, f"{label} {prev:g} → {cur:g}（z = {z:.1f}）", 1)
                for p, code, prev, cur, z, flagged in rows
                if p == period and flagged
            ]
            out += with_details(
                "mom_outlier",
                table,
                period,
                details,
                f"{label}：|稳健Z分数| ≤ {Z_THRESHOLD} 或变化 < {MIN_ABS_CHANGE}",
                "社区",
            )
    return out
