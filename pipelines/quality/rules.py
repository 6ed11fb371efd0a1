"""Warning checks over delivered data that need joins or aggregates: computed in DuckDB
(DHIS2-style validation rules), reported through the same results table."""

from __future__ import annotations

import duckdb

from pipelines.contract.tables import TABLES
from pipelines.quality.db import relation_exists
from pipelines.quality.results import CheckResult, with_details
from pipelines.reference import CITY_CODE

# A district's file with fewer valid ID numbers than this share of its data rows is flagged.
VALID_ID_SHARE_MIN = 0.95


def _per_period(
    con: duckdb.DuckDBPyConnection,
    check_name: str,
    table_name: str,
    sql: str,
    expected: str,
    what: str,
) -> list[CheckResult]:
    """Run ``sql`` returning (period, failing, total) and make one result per period."""
    return [
        CheckResult(
            check_name,
            table_name,
            period,
            passed=failing == 0,
            observed=f"{total} 个{what}中 {failing} 个不符合",
            expected=expected,
            failing_rows=failing,
        )
        for period, failing, total in con.execute(sql).fetchall()
    ]


def _seen_more_than_once(
    con, check_name: str, table: str, key: str, other: str, expected: str, what: str
) -> list[CheckResult]:
    """Per month: how many ``key`` values come with more than one distinct ``other``
    (min ≠ max: plain aggregates, which DuckDB can spill, unlike a grouped DISTINCT)."""
    return _per_period(
        con,
        check_name,
        table,
        f"""
        WITH k AS (
            SELECT period, {key}, min({other}) <> max({other}) AS several
            FROM raw.{table} WHERE ({key}) IS NOT NULL GROUP BY ALL
        )
        SELECT period, count(*) FILTER (WHERE several), count(*) FROM k GROUP BY period ORDER BY 1
        """,
        expected,
        what,
    )


def _have(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    return all(relation_exists(con, "raw", t) for t in tables)


def valid_id_share(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Per current file of a table with ID numbers: share of data rows whose ID was valid."""
    if not _have(con, "load_log", "quarantine"):
        return []
    out = []
    for table in (t for t in TABLES.values() if t.id_column):
        rows = con.execute(
            """
            WITH ids AS (
                SELECT load_id, count(*) AS bad FROM raw.quarantine
                WHERE reason_code LIKE 'id\\_%' ESCAPE '\\' GROUP BY load_id
            )
            SELECT f.period, f.source_file, f.district_code,
                coalesce(ids.bad, 0) AS bad, f.loaded + f.quarantined AS data_rows
            FROM raw.load_log f LEFT JOIN ids USING (load_id)
            WHERE f.table_name = ? AND f.status = 'loaded' AND f.is_current
            ORDER BY f.period, f.source_file
            """,
            [table.name],
        ).fetchall()
        by_period: dict = {}
        for period, source_file, district, bad, data_rows in rows:
            details = by_period.setdefault(period, [])
            share = 1 - bad / data_rows if data_rows else 1.0
            if share < VALID_ID_SHARE_MIN:
                details.append(
                    (
                        district or CITY_CODE,
                        f"{source_file}：有效身份证号占比 {share:.1%}（{bad}/{data_rows} 行无效）",
                        bad,
                    )
                )
        for period, details in by_period.items():
            out += with_details(
                "valid_id_share",
                table.name,
                period,
                details,
                f"每个文件 ≥ {VALID_ID_SHARE_MIN:.0%}",
                "文件",
            )
    return out


def dibao_rules(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    out: list[CheckResult] = []
    if _have(con, "dibao_household", "dibao_member"):
        out += _per_period(
            con,
            "persons_equal_members",
            "dibao_household",
            """
            WITH m AS (
                SELECT period, household_id, count(DISTINCT person_key) AS n
                FROM raw.dibao_member GROUP BY ALL
            ), h AS (
                SELECT period, household_id, arg_max(persons, arrived_at) AS persons
                FROM raw.dibao_household GROUP BY ALL
            )
            SELECT h.period, count(*) FILTER (WHERE h.persons IS DISTINCT FROM m.n), count(*)
            FROM h JOIN m USING (period, household_id) GROUP BY h.period ORDER BY 1
            """,
            "保障人数 = 该户成员行数",
            "有成员名单的家庭",
        )
        out += _per_period(
            con,
            "member_household_loaded",
            "dibao_member",
            """
            SELECT m.period,
                count(*) FILTER (WHERE h.household_id IS NULL), count(*)
            FROM raw.dibao_member m
            LEFT JOIN (SELECT DISTINCT period, household_id FROM raw.dibao_household) h
                USING (period, household_id)
            GROUP BY m.period ORDER BY 1
            """,
            "每个成员的保障户编号在当月低保家庭中",
            "成员行",
        )
    if _have(con, "dibao_member"):
        out += _seen_more_than_once(
            con,
            "single_dibao_household",
            "dibao_member",
            "person_key",
            "household_id",
            "每人每月只在一个低保家庭",
            "人",
        )
    return out


def category_4050(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    if not _have(con, "unemployment_roster"):
        return []
    return _per_period(
        con,
        "category_4050_consistent",
        "unemployment_roster",
        """
        SELECT period,
            count(*) FILTER (WHERE NOT coalesce(
                (sex = '女' AND age_at_month_end >= 40) OR (sex = '男' AND age_at_month_end >= 50),
                false)),
            count(*)
        FROM raw.unemployment_roster
        WHERE difficulty_categories LIKE '%4050%'
        GROUP BY period ORDER BY 1
        """,
        "4050人员：女性40岁及以上、男性50岁及以上（按身份证号）",
        "4050人员",
    )


def keys_unique_across_files(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """The same record in two files of one month is loaded from both and counted once
    (extracts.md); reported here."""
    out = []
    for table in TABLES.values():
        if not table.key or not _have(con, table.name):
            continue
        # personal key columns live in raw.* as their pseudonym
        key = ", ".join("person_key" if table.column(c).personal else c for c in table.key)
        out += _seen_more_than_once(
            con,
            "key_unique_across_files",
            table.name,
            key,
            "source_file",
            "每条记录只出现在一个文件中",
            "记录",
        )
    return out


def cross_table(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    out: list[CheckResult] = []
    if _have(con, "health_facility"):
        # A facility's community must exist: in the hierarchy, and in that month's
        # 社区基础信息 where its district delivered one.
        profile = (
            "SELECT DISTINCT period, community_code, left(community_code, 6) AS d6 "
            "FROM raw.community_profile"
            if _have(con, "community_profile")
            else "SELECT NULL::DATE AS period, NULL AS community_code, NULL AS d6 WHERE false"
        )
        out += _per_period(
            con,
            "facility_community_exists",
            "health_facility",
            f"""
            WITH p AS ({profile}),
            covered AS (SELECT DISTINCT period, d6 FROM p)
            SELECT f.period,
                count(*) FILTER (WHERE r.region_code IS NULL
                    OR (c.d6 IS NOT NULL AND p.community_code IS NULL)),
                count(*)
            FROM raw.health_facility f
            LEFT JOIN ref_regions r
                ON r.region_code = f.community_code AND r.region_level = 'community'
            LEFT JOIN covered c ON c.period = f.period AND c.d6 = left(f.community_code, 6)
            LEFT JOIN p ON p.period = f.period AND p.community_code = f.community_code
            GROUP BY f.period ORDER BY 1
            """,
            "机构所在社区在区划中，且在当月社区基础信息中",
            "机构",
        )
    if _have(con, "dibao_household", "community_profile"):
        rows = con.execute(
            """
            WITH h AS (
                SELECT period, household_id, arg_max(community_code, arrived_at) AS community_code,
                    arg_max(persons, arrived_at) AS persons,
                    arg_max(status, arrived_at) AS status
                FROM raw.dibao_household GROUP BY ALL
            ), d AS (
                SELECT period, community_code, sum(persons) AS persons
                FROM h WHERE status = '在保' GROUP BY ALL
            ), c AS (
                SELECT period, community_code,
                    arg_max(resident_population, arrived_at) AS residents
                FROM raw.community_profile GROUP BY ALL
            )
            SELECT d.period, d.community_code, d.persons, c.residents
            FROM d JOIN c USING (period, community_code)
            ORDER BY d.period, d.community_code
            """
        ).fetchall()
        periods = sorted({r[0] for r in rows})
        for period in periods:
            details = [
                (code, f"低保人数 {persons} > 常住人口 {residents}", 1)
                for p, code, persons, residents in rows
                if p == period and residents is not None and persons > residents
            ]
            out += with_details(
                "dibao_persons_within_residents",
                "dibao_household",
                period,
                details,
                "社区低保人数 ≤ 常住人口",
                "社区",
            )
    return out


def all_rules(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    return (
        valid_id_share(con)
        + dibao_rules(con)
        + category_4050(con)
        + keys_unique_across_files(con)
        + cross_table(con)
    )
