"""Page helpers shared by every page: the selected month, indicator pickers, region tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, fmt

DEPARTMENTS = {
    "civil_affairs": "民政局",
    "human_resources": "人社局",
    "health": "卫健委",
    "public_security": "公安局",
    "statistics": "统计局",
}
# standard_code of analytics.community_standards (dbt int_community_standards) → label
STANDARD_LABELS = {
    "scale": "社区规模（1500–4500户）",
    "staffing": "居委会成员配备",
    "space": "办公服务用房",
    "funds": "社区工作经费",
    "allowance": "成员生活补贴",
    "pension": "成员养老保险",
    "station": "社区服务站",
    "police": "社区民警（一区一警）",
}
TARGET_WORDS = {">=": "≥", "<=": "≤", "≈": "≈"}


def require_data() -> None:
    """Stop a page opened on its own (not through app.py) before anything was published."""
    if data.version() is None or not data.periods():
        st.info("暂无已发布的数据：请先运行 `make demo` 或 `jcw run`。")
        st.stop()


def period() -> str:
    """The month chosen in the sidebar (``YYYY-MM``), the latest loaded by default."""
    require_data()
    months = data.periods()
    chosen = st.session_state.get("period")
    return chosen if chosen in months else months[-1]


def target_text(ind: dict) -> str:
    if not ind["target_op"] or pd.isna(ind["target_value"]):
        return "—"
    return f"{TARGET_WORDS.get(ind['target_op'], ind['target_op'])}{fmt.value(ind['target_value'], ind['unit'])}"


def target(ind: dict) -> float | None:
    return (
        None if not ind["target_op"] or pd.isna(ind["target_value"]) else float(ind["target_value"])
    )


def met_text(v) -> str:
    if fmt.is_blank(v) or v is pd.NA:
        return "—"
    return "达标" if bool(v) else "未达标"


def coverage_text(cov) -> str:
    if fmt.is_blank(cov) or float(cov) == 0:
        return fmt.MISSING
    return fmt.coverage_note(cov) or "完整"


def indicator_select(codes: list[str], key: str, label: str = "指标", default: str | None = None):
    """A selectbox of indicators by Chinese name; returns the chosen catalog row."""
    cat = data.catalog().set_index("code")
    codes = [c for c in codes if c in cat.index]
    index = codes.index(default) if default in codes else 0
    code = st.selectbox(
        label,
        codes,
        index=index,
        key=key,
        format_func=lambda c: f"{cat.loc[c, 'name_zh']}（{cat.loc[c, 'unit']}）",
    )
    return data.indicator(code)


def value_column(ind: dict) -> str:
    return f"{ind['name_zh']}（{ind['unit']}）"


def region_table(vals: pd.DataFrame, ind: dict, codes: list[str]) -> pd.DataFrame:
    """One row per region in ``codes`` (missing rows shown as 未报送), best first.

    Columns: region_code, 值 (number, for charts), then the displayed ones.
    """
    names = data.region_names()
    by_code = vals.set_index("region_code") if len(vals) else pd.DataFrame()
    rows = []
    for code in codes:
        r = by_code.loc[code] if code in by_code.index else None
        v = None if r is None else r["value"]
        cov = None if r is None else r["coverage"]
        rows.append(
            {
                "region_code": code,
                "值": None if fmt.is_blank(v) else float(v),
                "区域": names.get(code, code),
                value_column(ind): fmt.cell(v, ind["unit"], cov),
                "达标情况": met_text(None if r is None else r["target_met"]),
                "数据覆盖": coverage_text(cov),
            }
        )
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    ascending = ind["target_op"] == "<="
    return df.sort_values("值", ascending=ascending, na_position="last", kind="stable")


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """The displayed columns of a ``region_table`` (codes and raw numbers dropped)."""
    return df.drop(columns=["region_code", "值"])


def display(v, unit: str, cov) -> str:
    """A value with its unit, or 未报送 / — (never 0 for a missing delivery)."""
    text = fmt.cell(v, unit, cov)
    return text if text in (fmt.MISSING, fmt.NO_VALUE) else text + unit


def codes_at_level(level: str) -> list[str]:
    """Indicators that exist at ``level`` (catalog column ``levels``), in catalog order."""
    cat = data.catalog()
    return [
        c
        for c, lv in zip(cat.code, cat.levels, strict=True)
        if lv == "all" or level in lv.split(",")
    ]


def levels_of(ind: dict) -> list[str]:
    return list(data.LEVELS) if ind["levels"] == "all" else ind["levels"].split(",")


def standard_order(codes) -> list[str]:
    """Standards in the order of the 2007 document's list (STANDARD_LABELS), others after."""
    known = list(STANDARD_LABELS)
    return sorted(set(codes), key=lambda c: (known.index(c) if c in known else len(known), c))


def standard_label(code: str) -> str:
    """A 2007 standard's Chinese name (catalog name when the code is an indicator code)."""
    if code in STANDARD_LABELS:
        return STANDARD_LABELS[code]
    cat = data.catalog()
    names = dict(zip(cat.code, cat.name_zh, strict=True))
    return names.get(code, code)
