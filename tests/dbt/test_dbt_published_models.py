"""The other published models (community_standards, regions, indicators), the shape of
indicator_values, and the dbt tests as Dagster asset checks — on the fixture of
conftest.py, expected values worked out by hand."""

from __future__ import annotations

import re
import shutil
from datetime import date

import dagster as dg
import pytest
from jcw_dbt_fixture import B1, C1, C2, FEB, JAN, V, run_dbt

REGIONS = 5936  # 1 city + 13 districts + 164 streets + 5758 communities


def standards(wh, community, period):
    rows = wh.execute(
        "select standard_code, required_min, required_max, actual, gap, unit, met"
        " from analytics.community_standards where community_code = ? and period = ?",
        [community, period],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_community_standards_c1(wh):
    s = standards(wh, C1, JAN)
    assert s["staffing"] == (10, None, 9, -1, "人", False)  # max(5, ceil(3000/300)) = 10
    assert s["space"] == (400, None, 450, 0, "m²", True)
    assert s["funds"] == (30000, None, 30000, 0, "元/年", True)  # 10 × 3000 户
    assert s["allowance"] == (40000, None, 36000, -4000, "元/年", False)  # 12 × 3000 vs 2024
    assert s["pension"] == (9, None, 9, 0, "人", True)
    assert s["station"] == (1, None, 1, 0, "个", True)
    assert s["police"] == (1, None, 1, 0, "人", True)
    assert s["scale"] == (1500, 4500, 3000, 0, "户", True)


def test_community_standards_gaps_are_signed(wh):
    c2 = standards(wh, C2, JAN)
    assert c2["scale"][3] == -300  # 1200 户: 300 short of 1500
    assert c2["space"][:4] == (150, None, 120, -30)  # old city: 150 m²
    assert c2["funds"][:4] == (12000, None, 6000, -6000)  # blank district funds = 0
    assert c2["station"][2:] == (0, -1, "个", False)  # blank = 否
    b1 = standards(wh, B1, JAN)
    assert b1["scale"][3:] == (500, "户", False)  # 5000 户: 500 too many
    assert b1["staffing"][:4] == (17, None, 17, 0)  # ceil(5000/300) = 17
    # allowance: 2023's wage until 2024's arrives in February
    assert b1["allowance"] == (45000, None, 48000, 0, "元/年", True)
    assert standards(wh, B1, FEB)["allowance"] == (50000, None, 48000, -2000, "元/年", False)


def test_community_standards_only_for_juweihui(wh):
    assert standards(wh, V, JAN) == {}  # a 村委会
    n = wh.execute("select count(*) from analytics.community_standards").fetchone()[0]
    assert n == 3 * 8 * 2  # C1, C2, B1 × 8 standards × 2 months


def test_regions_and_catalog(wh):
    rows = wh.execute(
        "select region_level, count(*), min(length(region_code)), max(length(region_code))"
        " from analytics.regions group by 1 order by 1"
    ).fetchall()
    assert rows == [
        ("city", 1, 12, 12),
        ("community", 5758, 12, 12),
        ("district", 13, 12, 12),
        ("street", 164, 12, 12),
    ]
    assert wh.execute(
        "select community_type from analytics.regions where region_code = ?", [B1]
    ).fetchone() == ("居委会",)
    catalog = wh.execute(
        "select count(*), count(distinct code), sum(factor) filter (where unit = '‰')"
        " from analytics.indicators"
    ).fetchone()
    assert catalog == (45, 45, 2000)  # ‰: DB_RATE and EMP_REGISTERED_RATE, factor 1000 each
    assert wh.execute(
        "select target_source from analytics.indicators where code = 'ORG_WORKERS_PER_10K'"
    ).fetchone() == ('"十四五"城乡社区服务体系建设规划',)


def test_indicator_values_shape(wh):
    # per month: 43 indicators at all 5936 regions, ORG_STREET_CENTER_OK at 178
    # (164 + 13 + 1), ORG_DISTRICT_CENTER_OK at 14; 2024-12 (only a service-centre
    # list) is not a loaded month
    per_month = wh.execute(
        "select period, count(*) from analytics.indicator_values group by 1 order by 1"
    ).fetchall()
    assert per_month == [(JAN, 43 * REGIONS + 178 + 14), (FEB, 43 * REGIONS + 178 + 14)]
    assert date(2024, 12, 1) not in [p for p, _ in per_month]


def test_indicator_values_columns_are_typed(wh):
    types = dict(
        wh.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'analytics' and table_name = 'indicator_values'"
        ).fetchall()
    )
    assert types == {
        "indicator_code": "VARCHAR",
        "period": "DATE",
        "region_code": "VARCHAR",
        "region_level": "VARCHAR",
        "numerator": "DOUBLE",
        "denominator": "DOUBLE",
        "value": "DOUBLE",
        "target_met": "BOOLEAN",
        "coverage": "DOUBLE",
    }


def test_no_personal_columns_published(wh):
    cols = {
        r[0]
        for r in wh.execute(
            "select column_name from information_schema.columns where table_schema = 'analytics'"
        ).fetchall()
    }
    assert not cols & {"person_key", "birth_year", "age_at_month_end", "id_region_prefix"}


def test_dbt_step_reports_and_skips_when_nothing_changed(dbt_warehouse):
    assert dbt_warehouse["step"].ok and dbt_warehouse["step"].run_id
    again = dbt_warehouse["again"]
    assert again.ok and again.run_id is None  # no second build
    assert "无需重新计算" in again.message


def test_dbt_tests_ran_as_passing_asset_checks(dbt_warehouse):
    checks = dbt_warehouse["checks"]
    names = {(c.asset_key.path[-1], c.check_name): c.passed for c in checks}
    for test in (
        "assert_indicator_values_complete",
        "assert_parent_equals_sum_of_children",
        "assert_percentages_within_bounds",
        "unique_columns_indicator_values_indicator_code__period__region_code",
    ):
        assert names.get(("indicator_values", test)) is True, test
    assert names.get(("int_indicator_units", "assert_every_indicator_computed")) is True
    assert len(checks) >= 20 and all(c.passed for c in checks)


def test_sources_are_the_ingestion_assets():
    from pipelines.assets.dbt import jcw_dbt_assets

    raw = {k.path[1] for k in jcw_dbt_assets.dependency_keys if k.path[0] == "raw"}
    assert raw == {
        "community_profile",
        "service_center",
        "district_wage",
        "dibao_household",
        "dibao_member",
        "unemployment_roster",
        "health_contract",
        "health_facility",
        "floating_population",
        "load_log",
    }
    keys = set(jcw_dbt_assets.keys)
    for key in (
        ["analytics", "indicator_values"],
        ["analytics", "indicators"],
        ["analytics", "regions"],
        ["analytics", "community_standards"],
    ):
        assert dg.AssetKey(key) in keys
    assert jcw_dbt_assets.group_names_by_key[dg.AssetKey(["analytics", "indicators"])] == (
        "analytics"
    )


def test_lineage_reaches_the_ingestion_assets():
    """Merged with the ingestion part, every raw source is a real (materialisable) asset."""
    from pipelines.assets import dbt, ingest

    defs = dg.Definitions.merge(ingest.defs, dbt.defs)
    graph = defs.resolve_asset_graph()
    indicator_values = dg.AssetKey(["analytics", "indicator_values"])
    upstream = graph.get(indicator_values).parent_keys
    assert dg.AssetKey(["intermediate", "int_indicator_units"]) in upstream
    raw = {k for k in dbt.jcw_dbt_assets.dependency_keys if k.path[0] == "raw"}
    assert all(graph.get(k).is_materializable for k in raw)


@pytest.fixture(scope="module")
def broken_copy(dbt_warehouse, tmp_path_factory):
    """A copy of the built warehouse with one fault per integrity test, and `dbt test` on it."""
    import duckdb

    data_dir = tmp_path_factory.mktemp("dbt_broken")
    (data_dir / "warehouse").mkdir()
    path = data_dir / "warehouse" / "warehouse.duckdb"
    shutil.copy(dbt_warehouse["warehouse"], path)
    con = duckdb.connect(str(path))
    iv = "analytics.indicator_values"
    # a street numerator that no longer equals the sum of its communities
    con.execute(
        f"update {iv} set numerator = numerator + 1 where indicator_code = 'DB_HOUSEHOLDS'"
        f" and region_code = '370105003000' and period = '2025-01-01'"
    )
    # a percentage above 100
    con.execute(
        f"update {iv} set value = 150 where indicator_code = 'ORG_STAFF_OK'"
        f" and region_code = '{C1}' and period = '2025-01-01'"
    )
    # a missing row and a duplicated one
    con.execute(f"delete from {iv} where indicator_code = 'FL_NEW' and region_code = '{V}'")
    con.execute(f"insert into {iv} select * from {iv} where indicator_code = 'FL_NEW' limit 1")
    con.close()
    result = run_dbt(["test", "--select", "indicator_values"], data_dir, data_dir / "target")
    return result.stdout


@pytest.mark.parametrize(
    "test",
    [
        "assert_parent_equals_sum_of_children",
        "assert_percentages_within_bounds",
        "assert_indicator_values_complete",
        "unique_columns_indicator_values_indicator_code__period__region_code",
    ],
)
def test_dbt_tests_catch_broken_values(broken_copy, test):
    failed = [ln for ln in broken_copy.splitlines() if f" {test} " in ln and "FAIL" in ln]
    assert failed, broken_copy[-3000:]


def test_docs_generate_offline(dbt_warehouse, tmp_path):
    """`dbt docs generate --static` builds one self-contained page, no network needed."""
    (tmp_path / "warehouse").mkdir()
    shutil.copy(dbt_warehouse["warehouse"], tmp_path / "warehouse" / "warehouse.duckdb")
    result = run_dbt(["docs", "generate", "--static"], tmp_path, tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    page = (tmp_path / "target" / "static_index.html").read_text(encoding="utf-8")
    assert "指标值长表" in page or "\\u6307\\u6807\\u503c" in page  # Chinese docs embedded
    assert "community_standards" in page
    # nothing fetched from the network when opened
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", page)
