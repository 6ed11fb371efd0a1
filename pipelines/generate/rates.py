"""How often each irregularity of extracts.md occurs (override with ``rates=``).

File-level rates are the chance per file (or per column for headers); row-level
rates are the chance per *eligible* row (e.g. ``lowercase_x`` applies to IDs
ending in X, ``id_15_digit`` to persons born 19xx, ``region_ambiguous`` to rows
of communities whose name occurs twice in their district).  Faults are the
quarantine reasons: at most one per row.
"""

from __future__ import annotations

DEFAULT_RATES: dict[str, float] = {
    # per file
    "title_rows": 0.6,  # a title line above the header (then maybe 填报单位 and a unit line)
    "totals_row": 0.35,  # 合计/总计 row at the bottom
    "note_rows": 0.35,  # 注：… / 制表人：… rows below the table
    "header_alias": 0.35,  # per column: an alias instead of the canonical header
    "header_variant": 0.15,  # per column: spaces / full-width characters in the header
    "sheet_named": 0.2,  # xlsx: data on a sheet named after the keyword, behind a notes sheet
    "late_delivery": 0.12,  # file arrives after the 10th of the following month
    "missing_delivery": 0.0,  # a district's monthly file is not delivered at all
    # per row, cosmetic (loaded)
    "blank_row": 0.002,
    "duplicate": 0.003,  # exact copy of an earlier row
    "fullwidth": 0.01,  # full-width letters/digits in a value (ＬＸ０１２)
    "spaces": 0.01,  # leading/trailing (full-width) spaces in a value
    "date_form_mixed": 0.01,  # one date in another accepted form than the file's
    "blank_optional": 0.02,  # one optional cell left blank
    "lowercase_x": 0.3,  # of IDs ending in X
    "id_15_digit": 0.02,  # of IDs of persons born 19xx: first-generation number
    "region_spelling": 0.3,  # street/community written in another accepted spelling
    "region_names_only": 0.05,  # code left blank where names are given too
    # per row, faults (quarantined with this reason)
    "required_missing": 0.001,
    "id_excel_number": 0.003,  # of IDs ending in a digit
    "id_length": 0.0005,
    "id_chars": 0.0005,
    "id_birth_date": 0.0005,
    "id_check_char": 0.003,
    "bad_code": 0.001,  # files giving the region by code only
    "region_missing": 0.001,
    "region_unknown": 0.002,
    "region_ambiguous": 0.05,  # of rows in a community whose name is not unique in the district
    "region_conflict": 0.002,
    "bad_date": 0.0005,
    "bad_number": 0.0005,
    "bad_enum": 0.0005,
}

FAULTS = (
    "required_missing",
    "id_excel_number",
    "id_length",
    "id_chars",
    "id_birth_date",
    "id_check_char",
    "bad_code",
    "region_missing",
    "region_unknown",
    "region_ambiguous",
    "region_conflict",
    "bad_date",
    "bad_number",
    "bad_enum",
)

# Structure tables feed every standard: fewer faults there (factor on the fault rates).
FAULT_FACTOR = {
    "community_profile": 0.2,
    "health_facility": 0.2,
    "service_center": 0.0,
    "district_wage": 0.0,
}


def resolve(rates: dict | None) -> dict[str, float]:
    out = dict(DEFAULT_RATES)
    for k, v in (rates or {}).items():
        if k not in out:
            raise ValueError(f"未知的异常类型: {k}")
        out[k] = float(v)
    return out
