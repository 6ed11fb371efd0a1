"""How departments write values: date, amount and yes/no forms, full-width text."""

from __future__ import annotations

import numpy as np
from numpy.dtypes import StringDType

from pipelines.generate.calendar import NODATE, ymd

DATE_FORMS = ("iso", "slash", "dot", "compact", "cn")
XLSX_DATE_FORMS = ("xlsx_date", "serial")
AMOUNT_FORMS = ("plain", "comma", "yuan")
YES_NO_FORMS = (("是", "否"), ("Y", "N"), ("1", "0"), ("有", "无"))
STR = StringDType()
EXCEL_EPOCH_OFFSET = 25569  # Excel serial of 1970-01-01

_FULLWIDTH = {i: i + 0xFEE0 for i in range(0x21, 0x7F)}
_FULLWIDTH[0x20] = 0x3000


class DateCell(float):
    """An Excel date serial written with a date format (xlsx only)."""


def fullwidth(s: str) -> str:
    return s.translate(_FULLWIDTH)


def dates(days: np.ndarray, form: str) -> np.ndarray:
    """Object array of date cells in one form ('' for blank)."""
    out = np.full(len(days), "", dtype=object)
    ok = days != NODATE
    if not ok.any():
        return out
    d = days[ok]
    if form in ("xlsx_date", "serial"):
        cls = DateCell if form == "xlsx_date" else float
        out[ok] = [cls(x + EXCEL_EPOCH_OFFSET) for x in d.tolist()]
        return out
    y, m, dd = ymd(d)
    add = np.strings.add
    ys, ms, ds = y.astype(STR), m.astype(STR), dd.astype(STR)
    if form == "iso":
        s = add(add(add(add(ys, "-"), np.strings.zfill(ms, 2)), "-"), np.strings.zfill(ds, 2))
    elif form in ("slash", "dot"):
        sep = "/" if form == "slash" else "."
        s = add(add(add(add(ys, sep), ms), sep), ds)
    elif form == "compact":
        s = add(add(ys, np.strings.zfill(ms, 2)), np.strings.zfill(ds, 2))
    elif form == "cn":
        s = add(add(add(add(add(ys, "年"), ms), "月"), ds), "日")
    else:
        raise ValueError(form)
    out[ok] = s.astype(object)
    return out


def plain(x: float) -> str:
    """1234.5 → '1234.5', 400.0 → '400' (never scientific notation)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def integers(values: np.ndarray, numeric: bool) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    ok = ~np.isnan(values)
    if numeric:
        out[ok] = values[ok].astype(float).tolist()
    else:
        out[ok] = values[ok].astype(np.int64).astype(STR).astype(object)
    return out


def numbers(values: np.ndarray, numeric: bool) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    ok = ~np.isnan(values)
    if numeric:
        out[ok] = values[ok].tolist()
    else:
        out[ok] = [plain(x) for x in values[ok].tolist()]
    return out


def amounts(values: np.ndarray, form: str, numeric: bool) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    ok = ~np.isnan(values)
    v = values[ok].tolist()
    if numeric and form == "plain":
        out[ok] = v
    elif form == "comma":
        out[ok] = [f"{x:,.2f}" for x in v]
    elif form == "yuan":
        out[ok] = [plain(x) + "元" for x in v]
    else:
        out[ok] = [plain(x) for x in v]
    return out


def yes_no(values: np.ndarray, form: tuple[str, str]) -> np.ndarray:
    table = np.array([form[1], form[0], ""], dtype=object)
    return table[np.where(values < 0, 2, values)]
