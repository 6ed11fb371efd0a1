"""Days since 1970-01-01 as plain integers: the generator's one date type."""

from __future__ import annotations

import numpy as np

NODATE = np.iinfo(np.int32).min  # a blank date
HORIZON_START = "2024-01"  # months the world is built for (pools stationary from here)
HORIZON_END = "2026-12"


def day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def month_start(month: str) -> int:
    return day(month + "-01")


def month_end(month: str) -> int:
    return int((np.datetime64(month, "M") + 1).astype("datetime64[D]").astype(np.int64)) - 1


def next_month(month: str) -> str:
    return str(np.datetime64(month, "M") + 1)


def month_range(start: str, end: str) -> list[str]:
    a, b = np.datetime64(start, "M"), np.datetime64(end, "M")
    return [str(a + i) for i in range(int((b - a).astype(int)) + 1)]


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day arrays (civil-from-days in integer arithmetic: fast on millions)."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def age_at(birth: np.ndarray, at: int) -> np.ndarray:
    """Whole years at day ``at``."""
    by, bm, bd = ymd(birth)
    y, m, d = ymd(np.array([at]))
    age = y[0] - by
    return age - ((m[0] * 100 + d[0]) < (bm * 100 + bd))


def year_of(days: np.ndarray) -> np.ndarray:
    return ymd(days)[0]


def add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Same month and day ``years`` later (29 Feb → 28 Feb)."""
    y, m, d = ymd(days)
    d = np.where((m == 2) & (d == 29), 28, d)
    months = (y + years - 1970) * 12 + (m - 1)
    return (months.astype("datetime64[M]").astype("datetime64[D]") + (d - 1)).astype(np.int64)
