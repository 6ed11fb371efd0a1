"""One 专题 page: a catalog domain's indicators for the city, a trend, best and worst regions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, fmt
from dashboards.components import common, excel, trends
from dashboards.data import CITY_CODE, LEVEL_NAMES

TOP_N = 5


def _city_table(codes: list[str], p: str) -> pd.DataFrame:
    prev = data.shift(p, -1)
    vals = data.values(tuple(codes), (p, prev), (CITY_CODE,))
    by_key = {(r["indicator_code"], r["period"]): r for r in vals.to_dict("records")}
    rows = []
    for code in codes:
        ind = data.indicator(code)
        cur, old = by_key.get((code, p)), by_key.get((code, prev))
        change = "—"
        if cur and old and cur["coverage"] == old["coverage"] and pd.notna(cur["value"]):
            change = fmt.delta(cur["value"] - old["value"], ind["unit"]) or "—"
        rows.append(
            {
                "指标": ind["name_zh"],
                "全市": fmt.MISSING
                if cur is None
                else common.display(cur["value"], ind["unit"], cur["coverage"]),
                "环比": change,
                "目标": common.target_text(ind),
                "达标情况": common.met_text(None if cur is None else cur["target_met"]),
                "数据覆盖": common.coverage_text(None if cur is None else cur["coverage"]),
            }
        )
    return pd.DataFrame(rows)


def _best_worst(ind: dict, p: str, level: str, key: str) -> None:
    regions = data.at_level(level)
    vals = data.values((ind["code"],), (p,), None, level)
    table = common.region_table(vals, ind, regions)
    valued = table[table["值"].notna()]
    has_target = common.target(ind) is not None
    words = ("表现最好", "表现最差") if has_target else ("最高", "最低")
    left, right = st.columns(2)
    with left:
        excel.table(
            common.shown(valued.head(TOP_N)),
            f"{ind['name_zh']} · {LEVEL_NAMES[level]}{words[0]}{TOP_N} · {p}",
            f"{key}_best",
        )
    with right:
        excel.table(
            common.shown(valued.tail(TOP_N).iloc[::-1]),
            f"{ind['name_zh']} · {LEVEL_NAMES[level]}{words[1]}{TOP_N} · {p}",
            f"{key}_worst",
        )
    missing = table[table["值"].isna()]
    if len(missing):
        st.caption(
            f"未报送或无数值的{LEVEL_NAMES[level]}（{len(missing)}个）："
            + "、".join(missing["区域"].head(20))
            + ("……" if len(missing) > 20 else "")
        )


def render(domain: str, title: str) -> None:
    p = common.period()
    st.title(f"{title}专题 · {fmt.month_label(p)}")
    cat = data.catalog()
    codes = list(cat[cat.domain == domain].code)
    if not codes:
        st.info(f"指标目录中没有“{domain}”领域的指标。")
        return
    key = f"topic_{domain}"
    excel.table(_city_table(codes, p), f"{title} · 全市指标 · {p}", f"{key}_city")

    ind = common.indicator_select(codes, f"{key}_indicator")
    st.subheader(f"{ind['name_zh']} 月度趋势")
    districts = data.at_level("district")
    names = data.region_names()
    compare = st.multiselect(
        "对比区县",
        districts,
        format_func=names.get,
        key=f"{key}_compare",
        max_selections=5,
        placeholder="可选，最多5个",
    )
    trends.show(ind, (CITY_CODE, *compare), key)

    st.subheader("排名靠前与靠后")
    levels = [lv for lv in ("district", "street", "community") if lv in common.levels_of(ind)]
    level = st.radio(
        "比较层级", levels, format_func=LEVEL_NAMES.get, horizontal=True, key=f"{key}_level"
    )
    _best_worst(ind, p, level, key)
