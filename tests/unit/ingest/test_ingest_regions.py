"""Region resolution against the vendored hierarchy (expected codes read off regions.csv)."""

from datetime import date

import duckdb
import pyarrow as pa
import pytest

from pipelines.contract.tables import TABLES
from pipelines.ingest import regions
from pipelines.ingest.stage import Stager

COLUMNS = ["community_code", "district_name", "street_name", "community_name", "address"]
SHANDALU = "370102007006"  # 历下区 文东街道 山大路社区居民委员会


@pytest.fixture(scope="module")
def resolve():
    con = duckdb.connect()
    regions.register(con)

    def run(code=None, district=None, street=None, community=None, address=None):
        row = [code, district, street, community, address]
        cells = pa.table(
            {"source_row": [1], **{f"c{i}": [v] for i, v in enumerate(row)}},
            schema=pa.schema(
                [("source_row", pa.int64())] + [(f"c{i}", pa.string()) for i in range(5)]
            ),
        )
        con.register("cells", cells)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE classified AS SELECT 1::BIGINT AS source_row, 'data' AS cls"
        )
        Stager(TABLES["unemployment_roster"], COLUMNS, 5, date(2025, 1, 1)).resolve_regions(con)
        return con.execute("SELECT community_code, region_reason FROM region").fetchall()[0]

    return run


def test_code(resolve):
    assert resolve(code=SHANDALU) == (SHANDALU, None)


@pytest.mark.parametrize(
    ("street", "community"),
    [
        ("文东街道", "山大路社区"),
        ("文东街道办事处", "山大路社区居民委员会"),
        (None, "山大路社区居委会"),
    ],
)
def test_names_in_their_spellings(resolve, street, community):
    assert resolve(district="历下区", street=street, community=community) == (SHANDALU, None)


def test_code_with_agreeing_names(resolve):
    assert resolve(code=SHANDALU, district="历下区", community="山大路社区") == (SHANDALU, None)


def test_village_spellings(resolve):
    # 刘家庄村村民委员会 exists in two streets of 槐荫区; the street decides
    assert resolve(district="槐荫区", street="张庄路街道", community="刘家庄村村委会") == (
        "370104010203",
        None,
    )


@pytest.mark.parametrize(
    "address",
    [
        "济南市历下区文东街道山大路社区12号楼3单元502室",
        "济南市历下区山大路社区居委会3号楼",
        "山东省济南市历下区文东街道办事处山大路社区居民委员会1号",
    ],
)
def test_address(resolve, address):
    assert resolve(address=address) == (SHANDALU, None)


def test_short_district_name_in_address(resolve):
    assert resolve(address="济南市高新区舜华路街道贤文社区5号楼") == ("370176001001", None)


def test_ambiguous(resolve):
    assert resolve(district="槐荫区", community="刘家庄村村")[1] == "region_ambiguous"
    assert resolve(address="济南市槐荫区刘家庄村村委会5号")[1] == "region_ambiguous"
    # 朱家社区 and 朱家村 share the core 朱家 in 济阳区
    assert resolve(district="济阳区", community="朱家社区")[1] == "region_ambiguous"


def test_unknown(resolve):
    # 幸福里社区 exists only in 历城区
    assert resolve(district="历下区", street="文东街道", community="幸福里社区") == (
        None,
        "region_unknown",
    )
    assert resolve(code="370102007998")[1] == "region_unknown"
    assert resolve(address="济南市历下区某某小区5号楼")[1] == "region_unknown"


def test_conflict(resolve):
    assert resolve(code=SHANDALU, community="解放桥社区")[1] == "region_conflict"
    assert resolve(code=SHANDALU, district="市中区")[1] == "region_conflict"
    # 山大路社区 belongs to 文东街道, not 解放路街道
    assert resolve(district="历下区", street="解放路街道", community="山大路社区")[1] == (
        "region_conflict"
    )


def test_missing(resolve):
    assert resolve() == (None, "region_missing")
