"""The one ingestion step (``ingest_landing``) through real Dagster runs: a run
materialises exactly the tables it selects, and their checks only when selected."""

import dagster as dg
import duckdb
import pytest

from pipelines.assets.ingest import ASSETS, RECONCILE_CHECK
from pipelines.resources import WarehouseResource
from pipelines.settings import Settings
from tests.integration.ingest.deliveries import put, roster

pytestmark = pytest.mark.slow

ROSTER = "human_resources/2025-01/失业登记_历下区_2025-01.csv"
WAGES = "statistics/2025-01/济南市在岗职工平均工资_2025-01.csv"
ROSTER_KEY = dg.AssetKey(["raw", "unemployment_roster"])
WAGES_KEY = dg.AssetKey(["raw", "district_wage"])


WAGES_CSV = "区县代码,区县名称,年度,在岗职工平均工资\n370102,历下区,2023,139810\n370103,市中区,2023,120290\n"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    put(tmp_path / "landing", ROSTER, roster("SY", 3))
    put(tmp_path / "landing", WAGES, WAGES_CSV.encode("utf-8"))
    monkeypatch.setenv("JCW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JCW_PII_KEY_FILE", raising=False)
    return tmp_path


def _materialize(selection: dg.AssetSelection, instance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        ASSETS,
        partition_key="2025-01-01",
        selection=selection,
        instance=instance,
        resources={"warehouse": WarehouseResource()},
    )


def _rows(data_dir, sql: str):
    con = duckdb.connect(str(Settings(data_dir=data_dir).warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_run_materialises_only_the_tables_it_selects(data_dir):
    with dg.instance_for_test() as instance:
        first = _materialize(dg.AssetSelection.assets(ROSTER_KEY), instance)
        assert [e.asset_key for e in first.get_asset_materialization_events()] == [ROSTER_KEY]
        assert [
            (e.asset_key, e.check_name, e.passed) for e in first.get_asset_check_evaluations()
        ] == [(ROSTER_KEY, RECONCILE_CHECK, True)]
        # each file is logged in the run with its counts (three rows, all valid)
        logged = [
            e.user_message for e in instance.all_logs(first.run_id) if ROSTER in e.user_message
        ]
        assert f"{ROSTER}：已加载，读取 3 行 = 加载 3 + 隔离 0 + 重复 0 + 非数据行 0" in logged
        # the wage file is in landing too, but its table was not selected
        assert _rows(data_dir, "SELECT count(*) FROM raw.unemployment_roster") == [(3,)]
        assert _rows(data_dir, "SELECT count(*) FROM raw.district_wage") == [(0,)]
        assert _rows(data_dir, "SELECT table_name, count(*) FROM raw.load_log GROUP BY 1") == [
            ("unemployment_roster", 1)
        ]

        # the other table, with its check left out (as the UI allows)
        second = _materialize(dg.AssetSelection.assets(WAGES_KEY).without_checks(), instance)
        assert [e.asset_key for e in second.get_asset_materialization_events()] == [WAGES_KEY]
        assert second.get_asset_check_evaluations() == []
        assert _rows(data_dir, "SELECT count(*) FROM raw.district_wage") == [(2,)]
        # the roster was not touched: still its one load
        assert _rows(
            data_dir, "SELECT table_name, count(*) FROM raw.load_log GROUP BY 1 ORDER BY 1"
        ) == [("district_wage", 1), ("unemployment_roster", 1)]
