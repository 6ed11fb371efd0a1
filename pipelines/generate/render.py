"""One file's data rows as a department writes them, with its irregularities.

Works from the contract: a column's kind decides its forms and which faults it
can carry, so the nine tables share this one engine.  The result records, per
data row, the injected fault (quarantine reason) and cosmetic irregularities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.dtypes import StringDType

from pipelines.contract.tables import Column, Table
from pipelines.generate import idcard, regioncells, spelling
from pipelines.generate.calendar import year_of
from pipelines.generate.rates import FAULT_FACTOR
from pipelines.generate.world import World

REGION_NAMES = ("community_code", "district_name", "street_name", "community_name", "address")
BAD_VALUES = {
    "date": ("2025-02-30", "2024/13/1", "待定"),
    "number": ("不详", "约3"),
    "enum": ("待核实",),
}
NUMERIC_KINDS = ("int", "number", "amount")
STR = StringDType()


@dataclass
class Style:
    fmt: str  # xlsx / csv
    encoding: str | None
    newline: str
    date_form: str
    amount_form: str
    yes_no: tuple[str, str]
    numeric: bool  # xlsx: numbers as numeric cells
    code_as_number: bool  # xlsx: 12-digit codes as numeric cells
    region_form: str | None
    short_district: bool
    sheet_named: bool

    def describe(self) -> dict:
        return {
            "date_form": self.date_form,
            "amount_form": self.amount_form,
            "yes_no": "/".join(self.yes_no),
            "numeric_cells": self.numeric,
            "code_as_number": self.code_as_number,
            "region_form": self.region_form,
            "sheet_named": self.sheet_named,
        }


def choose_style(table: Table, n_rows: int, rng: np.random.Generator, rates: dict) -> Style:
    # departments send the structure tables as Excel, the huge rosters mostly as CSV
    xlsx = rng.random() < (0.8 if table.excel_native else 0.35 if n_rows < 60_000 else 0.0)
    forms = spelling.DATE_FORMS + (spelling.XLSX_DATE_FORMS if xlsx else ())
    return Style(
        fmt="xlsx" if xlsx else "csv",
        encoding=None
        if xlsx
        else str(rng.choice(["gb18030", "utf-8-sig", "utf-8"], p=[0.45, 0.3, 0.25])),
        newline="\r\n" if rng.random() < 0.6 else "\n",
        date_form=str(forms[rng.integers(0, len(forms))]),
        amount_form=str(rng.choice(spelling.AMOUNT_FORMS)),
        yes_no=spelling.YES_NO_FORMS[int(rng.integers(0, 4))],
        numeric=xlsx and rng.random() < 0.7,
        code_as_number=xlsx and rng.random() < 0.3,
        region_form=str(rng.choice(regioncells.REGION_FORMS, p=regioncells.REGION_FORM_P))
        if table.has_region
        else None,
        short_district=rng.random() < 0.5,
        sheet_named=xlsx and rng.random() < rates["sheet_named"],
    )


def output_columns(table: Table, style: Style) -> list[Column]:
    keep = regioncells.FORM_COLUMNS[style.region_form] if table.has_region else ()
    return [
        c
        for c in table.columns
        if not (table.has_region and c.name in REGION_NAMES) or c.name in keep
    ]


def header_text(col: Column, rng, rates: dict) -> str:
    h = col.header
    if col.aliases and rng.random() < rates["header_alias"]:
        h = col.aliases[int(rng.integers(0, len(col.aliases)))]
    if rng.random() < rates["header_variant"]:
        k = int(rng.integers(0, 3))
        if k == 0 and ("(" in h or any(ch.isdigit() for ch in h)):
            h = h.replace("(", "（").replace(")", "）")
            h = "".join(spelling.fullwidth(ch) if ch.isdigit() else ch for ch in h)
        elif k == 1:
            h = " " + h + " "
        else:
            h = h + "\u3000"
    return h


@dataclass
class Rendered:
    columns: list[Column]
    headers: list[str]
    cells: dict[str, np.ndarray]  # column name → object array (str, float or DateCell)
    faults: dict[int, str] = field(default_factory=dict)  # data index → reason
    irregular: dict[str, list[int]] = field(default_factory=dict)
    id_variants: list[str] = field(default_factory=list)  # written IDs ≠ normalised

    @property
    def n(self) -> int:
        return len(next(iter(self.cells.values())))

    def note(self, kind: str, rows) -> None:
        rows = [int(r) for r in rows]
        if rows:
            self.irregular.setdefault(kind, []).extend(rows)


def _base_cells(table: Table, cols: list[Column], frame: dict, world: World, style: Style) -> dict:
    person = frame.get("_person")
    ids = world.persons.ids(person) if person is not None else None
    cells: dict[str, np.ndarray] = {}
    for c in cols:
        if c.name in REGION_NAMES and table.has_region:
            continue
        if c.kind == "id_number":
            cells[c.name] = ids.copy()
        elif c.kind == "name":
            cells[c.name] = world.persons.names(person)
        elif c.name == "permit_number":
            serial = np.strings.zfill((person % 10**10).astype(STR), 10)
            own = np.strings.add("JZ3701", serial).astype(object)
            out = np.where(frame["_permit_is_id"], ids, own).astype(object)
            out[~frame["_has_permit"]] = ""
            cells[c.name] = out
        elif c.kind == "date":
            cells[c.name] = spelling.dates(frame[c.name], style.date_form)
        elif c.kind == "int":
            cells[c.name] = spelling.integers(frame[c.name], style.numeric)
        elif c.kind == "number":
            cells[c.name] = spelling.numbers(frame[c.name], style.numeric)
        elif c.kind == "amount":
            cells[c.name] = spelling.amounts(frame[c.name], style.amount_form, style.numeric)
        elif c.kind == "bool":
            cells[c.name] = spelling.yes_no(frame[c.name], style.yes_no)
        elif c.kind == "code12" and style.code_as_number:
            cells[c.name] = np.array([float(v) for v in frame[c.name]], dtype=object)
        else:
            cells[c.name] = np.asarray(frame[c.name], dtype=object).copy()
    return cells


class _Picker:
    """Draws fault rows: each eligible row with the kind's rate, one fault per row."""

    def __init__(self, n: int, rng, rates: dict, factor: float):
        self.free = np.ones(n, dtype=bool)
        self.rng, self.rates, self.factor, self.n = rng, rates, factor, n

    def pick(
        self, kind: str, eligible: np.ndarray | bool = True, cosmetic: bool = False
    ) -> np.ndarray:
        rate = self.rates[kind] * (1.0 if cosmetic else self.factor)
        u = self.rng.random(self.n)
        hit = (u < rate) & self.free & eligible
        rows = np.where(hit)[0]
        if not cosmetic:
            self.free[rows] = False
        return rows


def render(table: Table, frame: dict, world: World, style: Style, rng, rates: dict) -> Rendered:
    g = world.geo
    cols = output_columns(table, style)
    r = Rendered(
        columns=cols,
        headers=[header_text(c, rng, rates) for c in cols],
        cells=_base_cells(table, cols, frame, world, style),
    )
    n = len(frame["_district"])
    if n == 0:
        for c in cols:
            r.cells.setdefault(c.name, np.zeros(0, dtype=object))
        return r
    picker = _Picker(n, rng, rates, FAULT_FACTOR.get(table.name, 1.0))
    first = cols[0].name
    id_col = table.id_column

    # Faults, in the quarantine order (one per row).
    req = [c.name for c in cols if c.required and c.name != first]
    for i in picker.pick("required_missing", len(req) > 0):
        r.cells[req[int(rng.integers(0, len(req)))]][i] = ""
        r.faults[int(i)] = "required_missing"
    if id_col:
        _id_faults(r, id_col, picker, style, rng)
    if table.has_region:
        _region(r, frame["_community"], style, picker, rng, rates, g)
    _value_faults(r, picker, rng)
    for i, reason in r.faults.items():
        r.irregular.setdefault(reason, []).append(i)

    # Cosmetic irregularities (loaded).
    if id_col:
        _id_cosmetics(r, id_col, frame["_person"], world, picker, rng)
    _cosmetics(r, table, frame, style, picker, rng)
    return r


def _value_faults(r: Rendered, picker: _Picker, rng) -> None:
    """Values that do not parse (bad_date, bad_number, bad_enum), after the ID and region ones."""
    n, cols = r.n, r.columns
    for kind, kinds in (
        ("bad_date", ("date",)),
        ("bad_number", NUMERIC_KINDS),
        ("bad_enum", ("enum",)),
    ):
        targets = [c.name for c in cols if c.kind in kinds]
        if not targets:
            continue
        filled = np.zeros(n, dtype=bool)
        for t in targets:
            filled |= r.cells[t] != ""
        for i in picker.pick(kind, filled):
            options = [t for t in targets if r.cells[t][i] != ""]
            t = options[int(rng.integers(0, len(options)))]
            bad = BAD_VALUES[kind.removeprefix("bad_")]
            r.cells[t][i] = bad[int(rng.integers(0, len(bad)))]
            r.faults[int(i)] = kind


def _cosmetics(r: Rendered, table: Table, frame: dict, style: Style, picker: _Picker, rng) -> None:
    """Irregularities that still load: full-width text, spaces, mixed date forms, blanks."""
    n, cols = r.n, r.columns
    key = next(
        (
            c.name
            for c in cols
            if c.kind in ("text", "code12")
            and c.name not in REGION_NAMES
            and any(isinstance(v, str) and v.isascii() and v for v in r.cells[c.name][:50])
        ),
        None,
    )
    if key:
        numeric_key = style.code_as_number and table.column(key).kind == "code12"
        is_str = np.zeros(n, dtype=bool) if numeric_key else r.cells[key] != ""
        # full-width letters/digits in the record number or in a number (１２３)
        numeric = [c.name for c in cols if c.kind in NUMERIC_KINDS]
        rows = picker.pick("fullwidth", is_str, cosmetic=True)
        for i in rows:
            targets = [key] + [
                t for t in numeric if isinstance(r.cells[t][i], str) and r.cells[t][i]
            ]
            t = targets[int(rng.integers(0, len(targets)))]
            r.cells[t][i] = spelling.fullwidth(r.cells[t][i])
        r.note("fullwidth", rows)
        rows = picker.pick("spaces", is_str, cosmetic=True)
        for i in rows:
            v = r.cells[key][i]
            r.cells[key][i] = [" " + v, v + " ", "\u3000" + v, v + "\u3000"][
                int(rng.integers(0, 4))
            ]
        r.note("spaces", rows)
    dates = [c.name for c in cols if c.kind == "date"]
    if dates:
        other = [f for f in spelling.DATE_FORMS if f != style.date_form]
        t = dates[0]
        rows = picker.pick("date_form_mixed", r.cells[t] != "", cosmetic=True)
        if len(rows):
            form = other[int(rng.integers(0, len(other)))]
            r.cells[t][rows] = spelling.dates(frame[t][rows], form)
        r.note("date_form_mixed", rows)
    optional = [
        c.name
        for c in cols
        if not c.required
        and c.name not in REGION_NAMES
        and c.kind not in ("id_number",)
        and c.name not in table.one_of
    ]
    if optional:
        rows = picker.pick("blank_optional", True, cosmetic=True)
        done = []
        for i in rows:
            opts = [t for t in optional if r.cells[t][i] != ""]
            if opts:
                r.cells[opts[int(rng.integers(0, len(opts)))]][i] = ""
                done.append(i)
        r.note("blank_optional", done)


def _id_faults(r: Rendered, col: str, picker: _Picker, style: Style, rng) -> None:
    ids = r.cells[col]
    has = ids != ""
    digit_end = has & ~np.strings.endswith(ids.astype(STR), "X")
    for i in picker.pick("id_excel_number", digit_end):
        v = float(ids[i])
        if style.fmt == "xlsx":
            ids[i] = v
        else:
            ids[i] = f"{v:.5E}" if rng.random() < 0.6 else f"{v:.1f}"
        r.faults[int(i)] = "id_excel_number"
    for i in picker.pick("id_length", has):
        ids[i] = ids[i][:-1]
        r.faults[int(i)] = "id_length"
    for i in picker.pick("id_chars", has):
        ids[i] = ids[i][:10] + "O" + ids[i][11:]
        r.faults[int(i)] = "id_chars"
    for i in picker.pick("id_birth_date", has):
        body = ids[i][:10] + "13" + ids[i][12:17]
        ids[i] = body + idcard.check_char(body)
        r.faults[int(i)] = "id_birth_date"
    for i in picker.pick("id_check_char", has):
        good = ids[i][-1]
        wrong = [ch for ch in "0123456789X" if ch != good]
        ids[i] = ids[i][:-1] + wrong[int(rng.integers(0, len(wrong)))]
        r.faults[int(i)] = "id_check_char"
    for i, reason in r.faults.items():
        if not reason.startswith("id_"):
            continue
        if isinstance(ids[i], str):
            r.id_variants.append(ids[i])
        elif isinstance(ids[i], float):
            r.id_variants.append(repr(ids[i]))


def _id_cosmetics(r: Rendered, col: str, person: np.ndarray, world: World, picker, rng) -> None:
    ids = r.cells[col]
    clean = picker.free & (ids != "")  # rows without a fault still hold the 18-digit number
    x_end = clean & np.strings.endswith(np.where(clean, ids, "").astype(STR), "X")
    rows = picker.pick("lowercase_x", x_end, cosmetic=True)
    for i in rows:
        ids[i] = ids[i][:-1] + "x"
        r.id_variants.append(ids[i])
    r.note("lowercase_x", rows)
    by = year_of(world.persons.birth[person])
    old = clean & (by >= 1900) & (by <= 1999) & ~np.isin(np.arange(len(ids)), rows)
    rows = picker.pick("id_15_digit", old, cosmetic=True)
    for i in rows:
        ids[i] = ids[i][:6] + ids[i][8:17]
        r.id_variants.append(ids[i])
    r.note("id_15_digit", rows)


def _region(r: Rendered, comm: np.ndarray, style: Style, picker: _Picker, rng, rates, g) -> None:
    form = style.region_form
    n = len(comm)
    dist = np.array(
        [regioncells.district_label(g, d, style.short_district) for d in range(len(g.district6))],
        dtype=object,
    )[g.district[comm]]
    has_code = form in ("code", "code_names")
    has_names = form in ("code_names", "names")
    streets, names, spelled = regioncells.spelled(g, comm, rng, rates["region_spelling"])
    code = g.code[comm].copy()
    address = np.full(n, "", dtype=object)

    bad_code = picker.pick("bad_code", has_code)
    code[bad_code] = [c[:-1] for c in code[bad_code]]
    missing = picker.pick("region_missing")
    unknown = picker.pick("region_unknown")
    ambiguous = picker.pick("region_ambiguous", g.ambiguous[comm] & (form != "code"))
    # a wrong street in an address reads as "not found", so conflicts only where columns exist
    if has_names:
        find = regioncells.conflicting_community if has_code else regioncells.conflicting_street
        uniq, inverse = np.unique(comm, return_inverse=True)
        can_conflict = np.array([find(int(c)) is not None for c in uniq], dtype=bool)[inverse]
    else:
        can_conflict = False
    conflict = picker.pick("region_conflict", can_conflict)
    names_only = picker.pick("region_names_only", form == "code_names", cosmetic=True)
    names_only = names_only[picker.free[names_only]]

    street_idx = g.street[comm]
    for i in unknown:
        s = int(street_idx[i])
        if form == "code":
            code[i] = code[i][:9] + "998"
        else:
            names[i] = regioncells.fictitious(s)
            code[i] = ""
    for i in ambiguous:
        streets[i] = ""
        code[i] = ""
    for i in conflict:
        c = int(comm[i])
        if form == "code_names":
            code[i] = g.code[regioncells.conflicting_community(c)]
        else:
            streets[i] = g.street_name[regioncells.conflicting_street(c)]
    code[names_only] = ""
    if form == "address":
        address = regioncells.addresses(dist, streets, names, rng)
    if form == "code":
        spelled[:] = False
    for i in missing:
        code[i] = ""
        dist[i] = streets[i] = names[i] = address[i] = ""
    for kind, rows in (
        ("bad_code", bad_code),
        ("region_missing", missing),
        ("region_unknown", unknown),
        ("region_ambiguous", ambiguous),
        ("region_conflict", conflict),
    ):
        for i in rows:
            r.faults[int(i)] = kind
    spelled[list(r.faults)] = False
    r.note("region_spelling", np.where(spelled)[0])
    r.note("region_names_only", names_only)
    values = {
        "community_code": code,
        "district_name": dist,
        "street_name": streets,
        "community_name": names,
        "address": address,
    }
    for c in regioncells.FORM_COLUMNS[form]:
        v = values[c]
        if c == "community_code" and style.code_as_number:
            v = np.array([float(x) if len(x) == 12 else x for x in v], dtype=object)
        r.cells[c] = v
