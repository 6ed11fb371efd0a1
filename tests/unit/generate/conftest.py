"""Read generated files back, independently of the generator, and classify every row.

The reader follows docs/interfaces.md (row classification, reason order, name
cores, address form) with its own small implementation, so a test comparing it
with the manifest checks the generator against the written rules.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines import reference
from pipelines.contract.tables import TABLES, Table

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECKS = "10X98765432"
NOTE_PREFIXES = ("注", "制表人", "审核人", "填报说明", "说明")
COMMUNITY_SUFFIXES = ("社区居民委员会", "社区居委会", "村民委员会", "村委会", "社区", "村")


def gb11643_check(body17: str) -> str:
    return CHECKS[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]


def norm(v) -> str:
    if isinstance(v, str):
        return v.strip() if v.isascii() else unicodedata.normalize("NFKC", v).strip()
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return unicodedata.normalize("NFKC", str(v)).strip()


_ROWS: dict[Path, tuple[list[list], str | None]] = {}


def read_rows(path: Path, table: Table) -> tuple[list[list], str | None]:
    """All rows of the file (raw cells) and the detected encoding (None for xlsx); cached."""
    if path not in _ROWS:
        _ROWS[path] = _read_rows(path, table)
    return _ROWS[path]


def _read_rows(path: Path, table: Table) -> tuple[list[list], str | None]:
    if path.suffix == ".xlsx":
        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        sheet = next((n for n in names if n in table.keywords or n == table.label), names[0])
        return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False), None
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    else:
        try:
            raw.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError:
            enc = "gb18030"
    text = raw.decode(enc)
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [next(csv.reader([ln])) if ln else [] for ln in lines], enc


def header_index(rows: list[list], table: Table) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows):
        cells = [norm(c) for c in row]
        found = {}
        for col in table.columns:
            for h in col.headers:
                if h in cells:
                    found[col.name] = cells.index(h)
        if all(r in found for r in table.required) and (
            not table.one_of or any(o in found for o in table.one_of)
        ):
            return i, found
    raise AssertionError("no header row")


def classify(rows: list[list], start: int):
    """Row indices (0-based) below the header: data, duplicates, non-data; normalised rows."""
    data, dups, non, normed = [], [], [], {}
    seen = set()
    for i in range(start, len(rows)):
        cells = [norm(c) for c in rows[i]]
        filled = [c for c in cells if c]
        if not filled or filled[0] in ("合计", "总计") or filled[0].startswith(NOTE_PREFIXES):
            non.append(i)
            continue
        key = tuple(cells)
        if key in seen:
            dups.append(i)
        else:
            seen.add(key)
            data.append(i)
            normed[i] = cells
    return data, dups, non, normed


# ---------------------------------------------------------------- region resolution
def core(name: str) -> str:
    for s in COMMUNITY_SUFFIXES:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


def street_core(name: str) -> str:
    for s in ("街道办事处", "街道"):
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


class Resolver:
    def __init__(self):
        regs = reference.regions()
        self.communities = {r.code: r for r in regs if r.level == "community"}
        self.districts = {}
        for r in regs:
            if r.level == "district":
                self.districts[r.name] = r.code
                self.districts[reference.district_file_name(r)] = r.code
        self.streets: dict[str, dict[str, str]] = {}
        self.by_street: dict[str, dict[str, list[str]]] = {}
        self.by_district: dict[str, dict[str, list[str]]] = {}
        self.in_district: dict[str, list] = {}
        for c in self.communities.values():
            self.in_district.setdefault(c.district_code, []).append(c)
        self.spelled = {code: self.spellings(code) for code in self.communities}
        self.street_names: dict[str, list[tuple[str, str]]] = {}
        for r in regs:
            if r.level == "street":
                self.streets.setdefault(r.district_code, {})[street_core(r.name)] = r.code
                self.street_names.setdefault(r.district_code, []).append((r.name, r.code))
        for c in self.communities.values():
            self.by_street.setdefault(c.street_code, {}).setdefault(core(c.name), []).append(c.code)
            self.by_district.setdefault(c.district_code, {}).setdefault(core(c.name), []).append(
                c.code
            )

    def names(self, d: str, s: str, c: str) -> tuple[str | None, str | None]:
        dc = self.districts.get(d)
        if dc is None:
            return None, "region_unknown"
        if s:
            sc = self.streets.get(dc, {}).get(street_core(s))
            if sc is None:
                return None, "region_unknown"
            hits = self.by_street.get(sc, {}).get(core(c), [])
            if not hits:
                in_district = self.by_district[dc].get(core(c))
                return None, "region_conflict" if in_district else "region_unknown"
            return hits[0], None
        hits = self.by_district[dc].get(core(c), [])
        if len(hits) > 1:
            return None, "region_ambiguous"
        return (hits[0], None) if hits else (None, "region_unknown")

    @staticmethod
    def street_spellings(name: str) -> list[str]:
        k = street_core(name)
        return [name] if k == name else [k + "街道办事处", k + "街道"]

    def spellings(self, code: str) -> list[str]:
        name = self.communities[code].name
        k = core(name)
        return [name] if k == name else [name] + [k + s for s in COMMUNITY_SUFFIXES]

    def address(self, text: str) -> tuple[str | None, str | None]:
        text = text.removeprefix("济南市")
        d = max((n for n in self.districts if text.startswith(n)), key=len, default=None)
        if d is None:
            return None, "region_unknown"
        dc, rest = self.districts[d], text[len(d) :]
        cands = self.in_district[dc]
        hit = None
        for name, sc in self.street_names.get(dc, []):
            for sp in self.street_spellings(name):
                if rest.startswith(sp) and (hit is None or len(sp) > len(hit[0])):
                    hit = (sp, sc)
        if hit:
            cands = [c for c in cands if c.street_code == hit[1]]
            rest = rest[len(hit[0]) :]
        best: dict[str, int] = {}
        for c in cands:
            for sp in self.spelled[c.code]:
                if sp in rest:
                    best[c.code] = max(best.get(c.code, 0), len(sp))
        if not best:
            return None, "region_unknown"
        top = max(best.values())
        winners = [c for c, n in best.items() if n == top]
        return (winners[0], None) if len(winners) == 1 else (None, "region_ambiguous")

    def resolve(self, code: str, d: str, s: str, c: str, addr: str) -> str | None:
        """The quarantine reason of a row's region, or None when it places the row."""
        if code:
            if not re.fullmatch(r"\d{12}", code):
                return "bad_code"
            if code not in self.communities:
                return "region_unknown"
            if c:
                other, why = self.names(d, s, c)
                if why or other != code:
                    return "region_conflict"
            return None
        if c:
            return self.names(d, s, c)[1]
        if addr:
            return self.address(addr)[1]
        return "region_missing"


# ---------------------------------------------------------------- value checks
DATE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"(\d{4})-(\d{1,2})-(\d{1,2})",
        r"(\d{4})/(\d{1,2})/(\d{1,2})",
        r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
        r"(\d{4})(\d{2})(\d{2})",
        r"(\d{4})年(\d{1,2})月(\d{1,2})日",
    )
)
SERIAL = re.compile(r"\d{5}(\.0)?")
SCI = re.compile(r"\d(\.\d+)?E\+\d+")
DECIMAL = re.compile(r"\d+\.\d+")


def date_ok(v) -> bool:
    if isinstance(v, (date, datetime, float, int)):
        return True
    if SERIAL.fullmatch(v):
        return True
    for p in DATE_PATTERNS:
        m = p.fullmatch(v)
        if m:
            try:
                date(*map(int, m.groups()))
                return True
            except ValueError:
                return False
    return False


def number_ok(v) -> bool:
    if isinstance(v, (float, int)):
        return True
    try:
        float(v.removesuffix("元").replace(",", ""))
        return True
    except ValueError:
        return False


def id_reason(v) -> str | None:
    if isinstance(v, float):
        return "id_excel_number"
    s = norm(v)
    if SCI.fullmatch(s.upper()) or DECIMAL.fullmatch(s):
        return "id_excel_number"
    if len(s) not in (15, 18):
        return "id_length"
    if not (s.isdigit() or (len(s) == 18 and s[:17].isdigit() and s[17] in "xX")):
        return "id_chars"
    birth = "19" + s[6:12] if len(s) == 15 else s[6:14]
    try:
        date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return "id_birth_date"
    if len(s) == 18 and gb11643_check(s[:17]) != s[17].upper():
        return "id_check_char"
    return None


def normalised_id(v) -> str:
    s = norm(v).upper()
    if len(s) == 15:
        body = s[:6] + "19" + s[6:]
        return body + gb11643_check(body)
    return s


@dataclass
class Checked:
    rows: list[list]
    header_row: int  # 1-based
    data: list[int]  # 1-based row numbers
    duplicates: list[int]
    non_data: list[int]
    reasons: dict[int, str]  # row → reason found by the independent checks
    columns: dict[str, int]
    encoding: str | None


def row_reason(
    table: Table, cols: dict[str, int], raw: list, cells: list[str], resolver
) -> str | None:
    """The first quarantine reason of a data row, in the order of docs/interfaces.md."""

    def get(name: str) -> str:
        j = cols.get(name)
        return cells[j] if j is not None and j < len(cells) else ""

    if any(get(c) == "" for c in table.required):
        return "required_missing"
    if table.id_column:
        j = cols[table.id_column]
        reason = id_reason(raw[j] if isinstance(raw[j], float) else cells[j])
        if reason:
            return reason
    if table.has_region:
        code = get("community_code")
        j = cols.get("community_code")
        if j is not None and isinstance(raw[j], float):
            code = f"{int(raw[j]):012d}"
        parts = [get(n) for n in ("district_name", "street_name", "community_name", "address")]
        reason = resolver.resolve(code, *parts)
        if reason:
            return reason
    for kinds, bad in (
        (("date",), "bad_date"),
        (("int", "number", "amount"), "bad_number"),
        (("enum",), "bad_enum"),
    ):
        for c in table.columns:
            if c.kind not in kinds or c.name not in cols or get(c.name) == "":
                continue
            j = cols[c.name]
            v = raw[j] if not isinstance(raw[j], str) else cells[j]
            if c.kind == "date":
                ok = date_ok(v)
            elif c.kind == "enum":
                ok = v in c.values or v == "无"
            else:
                ok = number_ok(v)
            if not ok:
                return bad
    return None


def check_file(path: Path, table_name: str, resolver: Resolver) -> Checked:
    table = TABLES[table_name]
    rows, enc = read_rows(path, table)
    h, cols = header_index(rows, table)
    data, dups, non, normed = classify(rows, h + 1)
    reasons = {}
    for i in data:
        reason = row_reason(table, cols, rows[i], normed[i], resolver)
        if reason:
            reasons[i + 1] = reason
    return Checked(
        rows,
        h + 1,
        [i + 1 for i in data],
        [i + 1 for i in dups],
        [i + 1 for i in non],
        reasons,
        cols,
        enc,
    )


@pytest.fixture(scope="session")
def resolver() -> Resolver:
    return Resolver()


@pytest.fixture(scope="session")
def readback():
    """This module: the independent reader and checks, for the test modules."""
    import sys

    return sys.modules[__name__]
