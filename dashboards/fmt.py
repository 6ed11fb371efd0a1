"""Numbers as Chinese readers expect them (万, %, ‰, 元) and the honest-state labels.

Rules (docs/dashboard.md):
- no value → ``—``; a region whose department did not deliver → ``未报送``
- ``%`` one decimal (``93.5%``), ``‰`` two decimals (``4.27‰``)
- counts (个, 户, 人): thousands separators, whole numbers without decimals
  (``1,234人``), one decimal otherwise; from 10,000 on in 万 with two decimals
  (``1.23万人``)
- units starting with 元: two decimals (``812.50元/人·月``), from 10,000 on in 万
  (``1.20万元/千户·年``)
- other rates (人/万人): two decimals
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone

MISSING = "未报送"
NO_VALUE = "—"
PARTIAL = "部分覆盖"
COUNT_UNITS = ("个", "户", "人")
BEIJING = timezone(timedelta(hours=8))


def is_blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _wan(v: float) -> str:
    return f"{v / 10000:,.2f}万"


def _count(v: float) -> str:
    if abs(v) >= 10000:
        return _wan(v)
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def number(v, unit: str) -> str:
    """The value without its unit (tables carry the unit in the header)."""
    if is_blank(v):
        return NO_VALUE
    v = float(v)
    if unit == "%":
        return f"{v:.1f}"
    if unit == "‰":
        return f"{v:.2f}"
    if unit in COUNT_UNITS:
        return _count(v)
    if unit.startswith("元"):
        return _wan(v) if abs(v) >= 10000 else f"{v:,.2f}"
    return f"{v:,.2f}"


def value(v, unit: str) -> str:
    """The value with its unit: ``93.5%``, ``1.23万人``, ``812.50元/人·月``."""
    if is_blank(v):
        return NO_VALUE
    return number(v, unit) + unit


def delta(diff, unit: str) -> str | None:
    """A change with its sign: ``+1.2个百分点``, ``-35人``, ``持平``; None when unknown."""
    if is_blank(diff):
        return None
    diff = float(diff)
    if unit == "%":
        size = f"{abs(diff):.1f}个百分点"
    elif unit == "‰":
        size = f"{abs(diff):.2f}个千分点"
    else:
        size = value(abs(diff), unit)
    if not any(ch in "123456789" for ch in size.split("个")[0]):
        return "持平"  # rounds to zero at the shown precision
    return ("+" if diff > 0 else "-") + size


def cell(v, unit: str, coverage) -> str:
    """A table cell: 未报送 when nothing of the region was delivered, else the number."""
    if is_blank(coverage) or float(coverage) == 0:
        return MISSING
    return number(v, unit)


def coverage_note(coverage) -> str:
    """``部分覆盖（85%）`` for a value that covers only part of the region, else ``''``."""
    if is_blank(coverage) or float(coverage) == 0 or float(coverage) >= 1:
        return ""
    return f"{PARTIAL}（{float(coverage) * 100:.0f}%）"


def month_label(period: str) -> str:
    """``2025-03`` → ``2025年3月``."""
    year, month = period[:7].split("-")
    return f"{year}年{int(month)}月"


def amount(v, unit: str) -> str:
    """A standard's quantity with its unit: ``4,300元``, ``120 m²`` (space before Latin units)."""
    if is_blank(v):
        return NO_VALUE
    v = float(v)
    text = f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"
    sep = " " if unit and unit[0].isascii() else ""
    return f"{text}{sep}{unit}"


def gap(g, unit: str) -> str:
    """A community's distance from a standard: ``差2人``, ``差120 m²``, ``超出600户``."""
    if is_blank(g):
        return "无法判断"
    if float(g) == 0:
        return "达标"
    return ("差" if float(g) < 0 else "超出") + amount(abs(float(g)), unit)


def required(lo, hi, unit: str) -> str:
    """A standard's requirement: ``1,500–4,500户``, ``≥400 m²``, ``≤0人``."""
    if not is_blank(lo) and not is_blank(hi):
        return f"{amount(lo, '')}–{amount(hi, unit)}"
    if not is_blank(lo):
        return "≥" + amount(lo, unit)
    return "≤" + amount(hi, unit) if not is_blank(hi) else NO_VALUE


def beijing_time(ts) -> str:
    """A UTC time from the pipeline (ISO text, naive = UTC) as ``2025-04-05 18:15`` 北京时间."""
    if is_blank(ts) or not str(ts).strip():
        return NO_VALUE
    try:
        t = datetime.fromisoformat(str(ts).strip().replace(" ", "T"))
    except ValueError:
        return str(ts)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def months_in(periods) -> list[str]:
    """``YYYY-MM`` of every month in a published list (DATE[] or its text)."""
    return sorted(set(re.findall(r"\d{4}-\d{2}", str(periods or ""))))


def period_span(periods) -> str:
    """Published months as ``2024年3月—2025年3月``."""
    months = months_in(periods)
    if not months:
        return NO_VALUE
    if len(months) == 1:
        return month_label(months[0])
    return f"{month_label(months[0])}—{month_label(months[-1])}"
