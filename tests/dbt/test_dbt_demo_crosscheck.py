"""On the generator's demo data, through real ingestion and the real dbt step: a few
indicators recomputed independently with pandas from raw.* agree with
analytics.indicator_values at district level."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.reference import at_level

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_published):
    """The warehouse after the real ``jcw run`` (ingestion, then its dbt step)."""
    assert demo_published["outcome"].steps[0].ok, demo_published["outcome"].summary()
    con = duckdb.connect(str(demo_published["settings"].warehouse_path), read_only=True)
    yield con
    con.close()


def _latest(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per key and month, the later-arriving file's (then the later row) winning."""
    df = df.sort_values(["arrived_at", "source_file", "source_row"], na_position="first")
    return df.drop_duplicates(["period", *key], keep="last")


def _district_of() -> dict[str, str]:
    return {r.code: r.district_code for r in at_level("community")}


def _published(con, code: str) -> pd.Series:
    df = con.execute(
        "select period, region_code, numerator from analytics.indicator_values"
        " where indicator_code = ? and region_level = 'district' and coverage = 1",
        [code],
    ).df()
    return df.set_index(["period", "region_code"])["numerator"]


def _compare(expected: pd.Series, published: pd.Series) -> None:
    assert len(published) > 0
    expected = expected.reindex(published.index, fill_value=0).astype(float)
    assert expected.sum() > 0  # the demo data has rows for these indicators
    pd.testing.assert_series_equal(expected, published.astype(float), check_names=False)


def test_dibao_households_and_persons(demo):
    hh = _latest(demo.execute("select * from raw.dibao_household").df(), ["household_id"])
    hh = hh[hh["status"] == "在保"].assign(district=hh["community_code"].map(_district_of()))
    by = hh.groupby(["period", "district"])
    _compare(by.size(), _published(demo, "DB_HOUSEHOLDS"))
    _compare(by["persons"].sum(), _published(demo, "DB_PERSONS"))


def test_floating_registered(demo):
    fp = _latest(demo.execute("select * from raw.floating_population").df(), ["registration_id"])
    month_end = fp["period"] + pd.offsets.MonthEnd(0)
    active = fp[fp["cancel_date"].isna() | (fp["cancel_date"] > month_end)]
    active = active.assign(district=active["community_code"].map(_district_of()))
    _compare(active.groupby(["period", "district"]).size(), _published(demo, "FL_REGISTERED"))
