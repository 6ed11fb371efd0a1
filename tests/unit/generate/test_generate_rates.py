"""Irregularity rates are honoured, and every fault kind is written as the manifest says."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from pipelines.contract.tables import TABLES
from pipelines.generate import generate
from pipelines.generate.rates import DEFAULT_RATES, FAULTS

HIGH = {
    "required_missing": 0.01,
    "id_excel_number": 0.03,
    "id_length": 0.01,
    "id_chars": 0.01,
    "id_birth_date": 0.01,
    "id_check_char": 0.04,
    "bad_code": 0.03,
    "region_missing": 0.01,
    "region_unknown": 0.02,
    "region_ambiguous": 0.3,
    "region_conflict": 0.02,
    "bad_date": 0.01,
    "bad_number": 0.01,
    "bad_enum": 0.01,
    "duplicate": 0.02,
    "blank_row": 0.01,
    "lowercase_x": 0.5,
    "id_15_digit": 0.1,
    "late_delivery": 0.5,
    "title_rows": 0.5,
}


@pytest.fixture(scope="module")
def high(tmp_path_factory):
    base = tmp_path_factory.mktemp("rates")
    manifest = generate(
        base / "landing", "tiny", ["2025-04"], 3, base / "g" / "m.json", progress=False, rates=HIGH
    )
    return base / "landing", manifest


def _person_files(manifest):
    return [f for f in manifest["files"] if TABLES[f["table"]].id_column]


def test_every_fault_kind_occurs_and_the_files_carry_exactly_those_faults(high, readback, resolver):
    landing, manifest = high
    seen = Counter()
    for f in manifest["files"]:
        c = readback.check_file(landing / f["path"], f["table"], resolver)
        expected = {int(k): v for k, v in f["quarantine"].items()}
        assert c.reasons == expected, f["path"]
        assert c.duplicates == f["duplicate_rows"] and c.non_data == f["non_data_row_numbers"]
        seen.update(expected.values())
    assert set(seen) == set(FAULTS), set(FAULTS) - set(seen)


def test_row_fault_rates_are_honoured(high):
    _, manifest = high
    files = _person_files(manifest)
    rows = sum(f["expected_loaded"] + f["expected_quarantined"] for f in files)
    assert rows > 5000
    counts = Counter(r for f in files for r in f["quarantine"].values())
    for kind in ("id_check_char", "id_excel_number", "required_missing"):
        observed = counts[kind] / rows
        assert 0.6 * HIGH[kind] <= observed <= 1.2 * HIGH[kind], (kind, observed)
    dups = sum(f["duplicates"] for f in manifest["files"])
    data = sum(f["expected_loaded"] + f["expected_quarantined"] for f in manifest["files"])
    assert 0.6 * HIGH["duplicate"] <= dups / data <= 1.2 * HIGH["duplicate"]


def test_id_form_rates_are_honoured(high, readback):
    landing, manifest = high
    lower = upper = short = born_19xx = 0
    for f in _person_files(manifest):
        table = TABLES[f["table"]]
        rows, _ = readback.read_rows(landing / f["path"], table)
        h, cols = readback.header_index(rows, table)
        skip = (
            {int(k) for k in f["quarantine"]}
            | set(f["duplicate_rows"])
            | set(f["non_data_row_numbers"])
        )
        for i in range(h + 1, len(rows)):
            if i + 1 in skip:
                continue
            v = readback.norm(rows[i][cols[table.id_column]])
            lower += v.endswith("x")
            upper += v.endswith("X")
            short += len(v) == 15
            born_19xx += readback.normalised_id(v)[6:8] == "19"
    assert 0.4 <= lower / (lower + upper) <= 0.6
    assert 0.06 <= short / born_19xx <= 0.12


def test_file_level_rates_and_recorded_rates(high):
    _, manifest = high
    files = manifest["files"]
    late = [datetime.fromisoformat(f["arrived_at"]).day > 10 for f in files]
    assert 0.3 <= sum(late) / len(files) <= 0.7
    titled = [f["header_row"] > 1 for f in files]
    assert 0.3 <= sum(titled) / len(files) <= 0.7
    assert manifest["rates"] == {**DEFAULT_RATES, **HIGH}
    formats = Counter((f["format"], f["encoding"]) for f in files)
    assert {("xlsx", None), ("csv", "gb18030"), ("csv", "utf-8-sig"), ("csv", "utf-8")} <= set(
        formats
    )


def test_unknown_rate_is_refused(tmp_path):
    with pytest.raises(ValueError, match="未知的异常类型"):
        generate(
            tmp_path / "landing",
            "tiny",
            ["2025-01"],
            1,
            tmp_path / "g" / "m.json",
            progress=False,
            rates={"no_such_thing": 0.1},
        )


def test_missing_deliveries_and_full_lists_when_they_change(tmp_path):
    from pipelines.generate.calendar import HORIZON_START, month_range
    from pipelines.generate.world import build

    seed = 4
    area = build("tiny", seed).centres.area
    months = month_range(HORIZON_START, "2026-12")
    changed = next(i for i in range(2, len(months)) if (area[i] != area[i - 1]).any())
    quiet = next(i for i in range(2, len(months)) if (area[i] == area[i - 1]).all())
    wanted = sorted({months[changed - 1], months[changed], months[quiet]})
    m = generate(
        tmp_path / "landing",
        "tiny",
        wanted,
        seed,
        tmp_path / "g" / "m.json",
        progress=False,
        rates={"missing_delivery": 0.3},
    )
    centres = {f["month"] for f in m["files"] if f["table"] == "service_center"}

    def changes(mo):
        i = months.index(mo)
        return i > 0 and bool((area[i] != area[i - 1]).any())

    assert centres == {wanted[0]} | {mo for mo in wanted if changes(mo)}
    assert months[changed] in centres and (
        months[quiet] == wanted[0] or months[quiet] not in centres
    )
    wages = {f["month"] for f in m["files"] if f["table"] == "district_wage"}
    assert wanted[0] in wages
    assert m["missing_deliveries"]
    for gap in m["missing_deliveries"]:
        assert not any(
            f["table"] == gap["table"]
            and f["month"] == gap["month"]
            and f["district_code"] == gap["district_code"]
            for f in m["files"]
        )
    delivered = sum(f["district_code"] is not None for f in m["files"])
    assert 0.15 <= len(m["missing_deliveries"]) / (delivered + len(m["missing_deliveries"])) <= 0.45
