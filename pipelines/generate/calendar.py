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
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = (d.astype("datetime64[M]") - d.astype("datetime64[Y]")).astype(np.int64) + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, dd


def age_at(birth: np.ndarray, at: int) -> np.ndarray:
    """Whole years at day ``at``."""
    by, bm, bd = ymd(birth)
    y, m, d = ymd(np.array([at]))
    age = y[0] - by
    return age - ((m[0] * 100 + d[0]) < (bm * 100 + bd))


def year_of(days: np.ndarray) -> np.ndarray:
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970
    )


def add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Same month and day ``years`` later (29 Feb → 28 Feb)."""
    y, m, d = ymd(days)
    d = np.where((m == 2) & (d == 29), 28, d)
    months = (y + years - 1970) * 12 + (m - 1)
    return (months.astype("datetime64[M]").astype("datetime64[D]") + (d - 1)).astype(np.int64)
