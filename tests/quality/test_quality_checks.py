"""Quality checks on the hand-made warehouse (see conftest.py): expected values are worked
out by hand from what the fixture holds."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import duckdb

from pipelines.contract.tables import TABLES, raw_columns
from pipelines.publish import audit_and_publish, current_version
from pipelines.quality.run import blocking_failures, run_checks

EXPECTATION_CHECKS = {
    "date_not_future",
    "approval_before_month_end",
    "required_not_null",
    "plausible_range",
    "region_in_hierarchy",
}


def _results(settings, sql: str, params=None):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_clean_fixture_has_no_blocking_failure_and_deliveries_are_right(settings, fx):
    results = run_checks(settings, None, "run-clean")
    assert blocking_failures(results) == []

    rows = _results(
        settings,
        "SELECT table_name, district_code, received_files, on_time, status FROM dq.deliveries",
    )
    # 7 monthly tables × 13 districts for the one loaded month
    assert len(rows) == 7 * 13
    by = {(t, d): (n, on_time, s) for t, d, n, on_time, s in rows}
    assert by[("community_profile", fx.MISSING_DISTRICT)] == (0, None, "missing")
    assert by[("community_profile", fx.LATE_DISTRICT)] == (1, False, "late")
    assert by[("community_profile", fx.BOUNDARY_DISTRICT)] == (1, True, "complete")
    assert by[("community_profile", fx.LIXIA)] == (1, True, "complete")
    statuses = [s for (t, _), (_, _, s) in by.items() if t == "community_profile"]
    assert (statuses.count("complete"), statuses.count("late"), statuses.count("missing")) == (
        11,
        1,
        1,
    )
    # the city-wide 低保家庭 file covers all 13 districts
    assert {by[("dibao_household", d)] for d in fx.DISTRICTS} == {(1, True, "complete")}
    member = {d: by[("dibao_member", d)][2] for d in fx.DISTRICTS}
    assert {d for d, s in member.items() if s == "complete"} == {fx.LIXIA, fx.SHIZHONG}
    assert {by[("unemployment_roster", d)][2] for d in fx.DISTRICTS} == {"missing"}

    findings = _results(
        settings,
        "SELECT check_name, region_code, severity FROM dq.check_results "
        "WHERE NOT passed AND table_name = 'community_profile' AND region_code IS NOT NULL",
    )
    assert ("delivery_complete", fx.MISSING_DISTRICT, "warning") in findings
    assert ("delivery_on_time", fx.LATE_DISTRICT, "warning") in findings
    assert ("delivery_on_time", fx.BOUNDARY_DISTRICT, "warning") not in findings
    # 历下区 delivered 2 of its communities: the rest have no row
    missing = _results(
        settings,
        "SELECT failing_rows FROM dq.check_results "
        "WHERE check_name = 'community_profile_complete' AND region_code = ?",
        [fx.LIXIA],
    )
    assert missing == [(len(fx.communities_of(fx.LIXIA)) - 2,)]
    # dq.loads / dq.quarantine exist without row contents
    assert _results(settings, "SELECT count(*) FROM dq.loads") == [(12 + 1 + 2,)]
    cols = [r[0] for r in _results(settings, "DESCRIBE dq.quarantine")]
    assert "row_data" not in cols and "reason" in cols
    assert (settings.gx_docs_dir / "index.html").exists()
    # the data docs open offline: nothing loads from the internet
    pages = list(settings.gx_docs_dir.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]*(src|href)=[\"']https?://", html)
        assert not re.search(r"url\(\s*['\"]?https?://", html)


def test_blocking_failure_is_not_published_and_names_the_check(settings, wh):
    first = audit_and_publish(
        settings, "run-one", run_checks(settings, None, "run-one", build_docs=False)
    )
    assert first.outcome == "published"

    # 历下区's 社区基础信息 file now claims one row more than raw holds
    wh(
        "UPDATE raw.load_log SET loaded = loaded + 1, rows_read = rows_read + 1 "
        "WHERE table_name = 'community_profile' AND source_file LIKE '%历下区%'"
    )
    results = run_checks(settings, None, "run-two", build_docs=False)
    failed = blocking_failures(results)
    assert [(r.check_name, r.table_name, r.failing_rows) for r in failed] == [
        ("file_reconciles", "community_profile", 1)
    ]
    outcome = audit_and_publish(settings, "run-two", results)
    assert outcome.outcome == "blocked" and outcome.exit_code == 1
    assert "文件行数可核对" in outcome.message and "社区基础信息_历下区" in outcome.message
    # the last good version stays current
    assert current_version(settings) == first.version
    last = json.loads(settings.last_run_json.read_text(encoding="utf-8"))
    assert last["outcome"] == "blocked" and last["version"] == first.version
    assert "file_reconciles" in last["blocking_failures"][0]
    with duckdb.connect(str(settings.serving_current), read_only=True) as con:
        assert con.execute("SELECT run_id FROM dq.publication").fetchall() == [("run-one",)]


def test_indicator_integrity_failures_block(settings, wh):
    community = wh(
        "SELECT region_code FROM analytics.regions WHERE region_level = 'community' "
        "ORDER BY region_code LIMIT 1"
    )[0][0]
    street = wh(
        "SELECT region_code FROM analytics.regions WHERE region_level = 'street' "
        "ORDER BY region_code LIMIT 1"
    )[0][0]
    # value 120 % (numerator untouched: only the range check can see it)
    wh(
        "UPDATE analytics.indicator_values SET value = 120 "
        "WHERE indicator_code = 'T_PCT' AND region_code = ?",
        [community],
    )
    # a street one more than its communities: the street and its district no longer add up
    wh(
        "UPDATE analytics.indicator_values SET numerator = numerator + 1 "
        "WHERE indicator_code = 'T_COUNT' AND region_code = ?",
        [street],
    )
    # the city row of T_COUNT twice; the city row of T_STREET_PCT gone
    wh(
        "INSERT INTO analytics.indicator_values SELECT * FROM analytics.indicator_values "
        "WHERE indicator_code = 'T_COUNT' AND region_level = 'city'"
    )
    wh(
        "DELETE FROM analytics.indicator_values "
        "WHERE indicator_code = 'T_STREET_PCT' AND region_level = 'city'"
    )
    # FL_SHARE divides by 常住人口 from another table (dbt var percent_not_bounded): past
    # 100 % it is a finding about the data, a warning
    wh("INSERT INTO analytics.indicators VALUES ('FL_SHARE', '流动人口占比', '%', 'city')")
    wh(
        "INSERT INTO analytics.indicator_values VALUES ('FL_SHARE', DATE '2025-01-01', "
        "'370100000000', 'city', 12, 10, 120, NULL, 1)"
    )
    results = run_checks(settings, None, "r", build_docs=False)
    warned = [r.failing_rows for r in results if r.check_name == "cross_source_percentage_in_range"]
    assert warned == [1] and not any(
        r.passed for r in results if r.check_name == "cross_source_percentage_in_range"
    )
    failed = {r.check_name: r.failing_rows for r in blocking_failures(results)}
    assert failed == {
        "percentage_in_range": 1,
        "parent_equals_children_sum": 2,
        "indicator_rows_unique": 1,
        "indicator_rows_complete": 1,
    }
    outcome = audit_and_publish(settings, "r", results)
    assert outcome.outcome == "blocked" and not settings.serving_current.exists()
    assert "百分比指标取值在0到100之间" in outcome.message


def test_invalid_ids_in_one_district_warn_and_still_publish(settings, wh, fx):
    # 历下区's 低保成员 file: 3 more rows, all quarantined for bad ID numbers
    load_id = wh(
        "SELECT load_id FROM raw.load_log WHERE table_name = 'dibao_member' AND district_code = ?",
        [fx.LIXIA],
    )[0][0]
    wh(
        "UPDATE raw.load_log SET quarantined = 3, rows_read = rows_read + 3 WHERE load_id = ?",
        [load_id],
    )
    for row in (10, 11, 12):
        wh(
            "INSERT INTO raw.quarantine VALUES (?, 'dibao_member', 'f.xlsx', DATE '2025-01-01', "
            "?, 'id_check_char', '身份证号校验位错误', '{}')",
            [load_id, row],
        )
    results = run_checks(settings, None, "run-warn", build_docs=False)
    assert blocking_failures(results) == []
    outcome = audit_and_publish(settings, "run-warn", results)
    assert outcome.outcome == "published" and outcome.exit_code == 0
    with duckdb.connect(str(settings.serving_current), read_only=True) as con:
        rows = con.execute(
            "SELECT region_code, severity, failing_rows FROM dq.check_results "
            "WHERE check_name = 'valid_id_share' AND NOT passed AND region_code IS NOT NULL"
        ).fetchall()
        # 2 loaded + 3 quarantined: 40 % valid, below 95 %; 市中区's file is clean
        assert rows == [(fx.LIXIA, "warning", 3)]
        assert con.execute("SELECT count(*) FROM dq.quarantine").fetchall() == [(3,)]
        # every district's data is still there
        assert con.execute(
            "SELECT count(DISTINCT period) FROM analytics.indicator_values"
        ).fetchall() == [(1,)]


def test_record_rules(settings, wh, fx):
    first = fx.communities_of(fx.LIXIA)[0]
    lineage = "DATE '2025-01-01', 'x.xlsx', '', TIMESTAMP '2025-02-07 10:00', 9, 'LX', NULL"
    # k1 also in H2 (two households; H2 now has 2 members for 1 person); a member of H9,
    # which is not loaded
    for hh, key in (("H2", "k1"), ("H9", "k9")):
        wh(
            "INSERT INTO raw.dibao_member (household_id, person_key, period, source_file, "
            "file_sha256, arrived_at, source_row, load_id, delivery_district_code) "
            f"VALUES (?, ?, {lineage})",
            [hh, key],
        )
    # the community where H1 and H2 live (3 persons) has 2 residents
    wh(
        "UPDATE raw.community_profile SET resident_population = 2 WHERE community_code = ?",
        [first],
    )
    cols = ", ".join(f"{c} {t}" for c, t in raw_columns(TABLES["unemployment_roster"]))
    wh(f"CREATE TABLE raw.unemployment_roster ({cols})")
    for reg, sex, age, cats in (
        ("U1", "女", 39, "4050人员"),  # too young
        ("U2", "男", 50, "4050人员、残疾人"),
        ("U3", "女", 40, "4050人员"),
        ("U4", "男", 49, "残疾人"),  # not 4050: not counted
    ):
        wh(
            "INSERT INTO raw.unemployment_roster (registration_id, sex, age_at_month_end, "
            "difficulty_categories, period) VALUES (?, ?, ?, ?, DATE '2025-01-01')",
            [reg, sex, age, cats],
        )
    results = run_checks(settings, None, "run-rules", build_docs=False)
    got = {
        (r.check_name, r.region_code): (r.passed, r.failing_rows)
        for r in results
        if r.check_name
        in (
            "persons_equal_members",
            "single_dibao_household",
            "member_household_loaded",
            "category_4050_consistent",
            "dibao_persons_within_residents",
        )
    }
    assert got == {
        ("persons_equal_members", None): (False, 1),
        ("single_dibao_household", None): (False, 1),
        ("member_household_loaded", None): (False, 1),
        ("category_4050_consistent", None): (False, 1),
        ("dibao_persons_within_residents", None): (False, 1),
        ("dibao_persons_within_residents", first): (False, 1),
    }
    assert all(
        r.effective_severity == "warning" for r in results if r.check_name in {k for k, _ in got}
    )


def test_month_over_month_outlier(settings, wh, fx):
    # February: the same 24 communities, unchanged except one whose 户数 triples
    jumped = fx.communities_of(fx.LIXIA)[1]
    wh(
        "INSERT INTO raw.community_profile SELECT * REPLACE (DATE '2025-02-01' AS period, "
        "CASE WHEN community_code = ? THEN 6000 ELSE households END AS households) "
        "FROM raw.community_profile",
        [jumped],
    )
    results = run_checks(settings, None, "run-outlier", build_docs=False)
    flagged = [
        (r.table_name, r.period, r.region_code)
        for r in results
        if r.check_name == "mom_outlier" and not r.passed and r.region_code
    ]
    assert flagged == [("community_profile", date(2025, 2, 1), jumped)]


def test_a_check_that_cannot_run_is_a_finding_not_a_crash(settings, wh):
    wh("ALTER TABLE raw.dibao_member DROP COLUMN person_key")
    results = run_checks(settings, None, "run-broken", build_docs=False)
    errors = [
        (r.effective_severity, r.observed.split("：")[0])
        for r in results
        if r.check_name == "check_error"
    ]
    # the 低保 rules need person_key: they could not run (a warning); the schema check
    # itself says the column is missing (blocking)
    assert errors == [("warning", "rules")]
    blocking = blocking_failures(results)
    assert [(r.check_name, r.table_name) for r in blocking] == [
        ("raw_columns_present", "dibao_member")
    ]
    assert "person_key" in blocking[0].observed
    # the checks that could run still ran
    assert any(r.check_name == "delivery_on_time" and not r.passed for r in results)


def test_expectations_find_each_planted_fault(settings, wh, fx):
    """One fault of each kind the GX suites look for, planted in the fixture; each is found
    on exactly its row, and the rows around it pass."""
    later = date.today() + timedelta(days=10)
    wh("UPDATE raw.dibao_household SET approval_date = ? WHERE household_id = 'H2'", [later])
    wh("UPDATE raw.dibao_household SET person_key = NULL WHERE household_id = 'H1'")
    lixia = fx.communities_of(fx.LIXIA)
    wh("UPDATE raw.community_profile SET households = 25000 WHERE community_code = ?", [lixia[0]])
    wh(
        "UPDATE raw.community_profile SET community_code = '370102999999' WHERE community_code = ?",
        [lixia[1]],
    )
    results = run_checks(settings, None, "run-gx", build_docs=False)
    failed = {
        (r.check_name, r.table_name): (r.failing_rows, r.observed)
        for r in results
        if not r.passed and r.check_name in EXPECTATION_CHECKS
    }
    assert {k: n for k, (n, _) in failed.items()} == {
        ("date_not_future", "dibao_household"): 1,
        # the same date is also after the month it was reported for
        ("approval_before_month_end", "dibao_household"): 1,
        ("required_not_null", "dibao_household"): 1,
        ("plausible_range", "community_profile"): 1,
        ("region_in_hierarchy", "community_profile"): 1,
    }
    # 2 households, 12 districts × 2 communities
    assert failed[("date_not_future", "dibao_household")][1].startswith(
        "approval_date（晚于检查当天的天数）：2 行中 1 行不符合，如 10"
    )
    assert failed[("plausible_range", "community_profile")][1].startswith(
        "households：24 行中 1 行不符合，如 25000"
    )
    assert "370102999999" in failed[("region_in_hierarchy", "community_profile")][1]
    assert "person_key" in failed[("required_not_null", "dibao_household")][1]
