"""The manifest tells the truth about the files: every file re-read independently."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

BEIJING = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def demo_checked(demo_landing, readback, resolver):
    return {
        f["path"]: readback.check_file(demo_landing["landing"] / f["path"], f["table"], resolver)
        for f in demo_landing["manifest"]["files"]
    }


def test_rows_reconcile_for_every_file(demo_landing, demo_checked):
    files = demo_landing["manifest"]["files"]
    assert len(files) == 2 * (6 * 13 + 1) + 2  # per-district tables, facilities, centres, wages
    for f in files:
        c = demo_checked[f["path"]]
        assert c.header_row == f["header_row"], f["path"]
        below = len(c.rows) - c.header_row
        assert below == f["rows_read"], f["path"]
        assert f["rows_read"] == (
            f["expected_loaded"] + f["expected_quarantined"] + f["duplicates"] + f["non_data_rows"]
        )
        assert c.non_data == f["non_data_row_numbers"], f["path"]
        assert c.duplicates == f["duplicate_rows"], f["path"]
        assert len(c.data) == f["expected_loaded"] + f["expected_quarantined"], f["path"]


def test_quarantined_rows_carry_exactly_their_fault_and_loaded_rows_none(
    demo_landing, demo_checked
):
    for f in demo_landing["manifest"]["files"]:
        c = demo_checked[f["path"]]
        expected = {int(k): v for k, v in f["quarantine"].items()}
        assert c.reasons == expected, f["path"]


def test_file_format_encoding_and_arrival_as_recorded(demo_landing, demo_checked):
    landing = demo_landing["landing"]
    for f in demo_landing["manifest"]["files"]:
        path = landing / f["path"]
        assert path.suffix == "." + f["format"]
        c = demo_checked[f["path"]]
        if f["format"] == "csv":
            # GB18030 files are not valid UTF-8 once they hold Chinese text
            assert c.encoding == f["encoding"] or (c.encoding, f["encoding"]) == (
                "utf-8",
                "gb18030",
            )
        arrived = datetime.fromtimestamp(os.stat(path).st_mtime, BEIJING).replace(tzinfo=None)
        assert arrived.isoformat(timespec="seconds") == f["arrived_at"]
        assert 9 <= arrived.hour < 17
        month_after = datetime.fromisoformat(f["month"] + "-01") + timedelta(days=31)
        assert (arrived.year, arrived.month) == (month_after.year, month_after.month)


def test_no_manifest_or_anything_else_inside_landing(demo_landing):
    for p in demo_landing["landing"].rglob("*"):
        if p.is_file():
            assert p.suffix in (".csv", ".xlsx"), p
    assert (demo_landing["manifest_path"].parent / "pii_values.txt").exists()


def test_files_are_recognised_by_name_and_district(demo_landing):
    from pipelines.contract.tables import table_for_filename
    from pipelines.reference import at_level, district_file_name

    labels = {district_file_name(d): d.code for d in at_level("district")}
    for f in demo_landing["manifest"]["files"]:
        name = f["path"].rsplit("/", 1)[-1]
        assert table_for_filename(name).name == f["table"]
        found = [code for label, code in labels.items() if label in name]
        assert found == ([f["district_code"]] if f["district_code"] else []), name


def test_title_and_header_irregularities_are_recorded(demo_landing, demo_checked, readback):
    from pipelines.contract.tables import TABLES

    kinds = {"title_rows": 0, "header_alias": 0, "header_variant": 0}
    for f in demo_landing["manifest"]["files"]:
        c = demo_checked[f["path"]]
        irr = f["irregularities"]
        assert irr.get("title_rows", []) == list(range(1, c.header_row))
        header = [h for h in c.rows[c.header_row - 1] if h != ""]
        canonical = {col.header for col in TABLES[f["table"]].columns}
        aliased = any(readback.norm(h) not in canonical for h in header)
        assert ("header_alias" in irr) == aliased, f["path"]
        assert ("header_variant" in irr) == any(readback.norm(h) != h for h in header)
        for k in kinds:
            kinds[k] += k in irr
    assert all(kinds.values()), kinds
