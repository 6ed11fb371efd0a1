"""总览: the city's headline figures, the 2007 standards at a glance, districts ranked and mapped."""

import pandas as pd
import streamlit as st

from dashboards import data, fmt
from dashboards.components import common, excel
from dashboards.components import map as district_map
from dashboards.data import CITY_CODE

HEADLINE = (
    "DB_PERSONS",
    "DB_RATE",
    "EMP_REGISTERED",
    "EMP_REEMPLOYED",
    "HL_CONTRACT_RATE",
    "HL_GP_PER_10K",
    "FL_REGISTERED",
    "FL_PERMIT_RATE",
)
GAOXIN = "370176000000"


def _comparable(cur: dict, old: dict | None) -> bool:
    return (
        old is not None
        and not fmt.is_blank(old["value"])
        and not fmt.is_blank(cur["value"])
        and float(old["coverage"]) == float(cur["coverage"])
    )


def _compare(cur: dict, old: dict | None, unit: str, word: str, month: str) -> str:
    if old is None:
        return f"{word}：{fmt.month_label(month)}未加载"
    if not _comparable(cur, old):
        return f"{word} —"
    return f"{word} {fmt.delta(cur['value'] - old['value'], unit)}"


def headline(p: str) -> None:
    prev, year_ago = data.shift(p, -1), data.shift(p, -12)
    codes = tuple(c for c in HEADLINE if c in set(data.catalog().code))
    vals = data.values(codes, (p, prev, year_ago), (CITY_CODE,))
    by_key = {(r["indicator_code"], r["period"]): r for r in vals.to_dict("records")}
    cols = st.columns(4)
    for i, code in enumerate(codes):
        ind = data.indicator(code)
        cur = by_key.get((code, p))
        with cols[i % 4], st.container(border=True):
            if cur is None or fmt.cell(cur["value"], ind["unit"], cur["coverage"]) == fmt.MISSING:
                st.metric(ind["name_zh"], fmt.MISSING)
                continue
            old = by_key.get((code, prev))
            d = (
                fmt.delta(cur["value"] - old["value"], ind["unit"])
                if _comparable(cur, old)
                else None
            )
            long_unit = len(ind["unit"]) > 2  # keep the figure on one line: unit in the label
            st.metric(
                f"{ind['name_zh']}（{ind['unit']}）" if long_unit else ind["name_zh"],
                fmt.number(cur["value"], ind["unit"])
                if long_unit
                else fmt.value(cur["value"], ind["unit"]),
                None if d == "持平" else d,  # an arrow for "no change" would mislead
                delta_color="off",
            )
            partial = fmt.coverage_note(cur["coverage"])
            if partial:
                st.caption(f"{partial}，不作环比、同比")
                continue
            notes = [
                _compare(cur, old, ind["unit"], "环比", prev),
                _compare(cur, by_key.get((code, year_ago)), ind["unit"], "同比", year_ago),
            ]
            st.caption(" · ".join(notes))


def standards_glance(p: str, districts: list[str]) -> None:
    st.subheader("2007年社区建设标准达标概况")
    cat = data.catalog()
    std = cat[cat.target_source.str.contains("2007")]
    sv = data.values(tuple(std.code), (p,), (CITY_CODE, *districts))
    city_rows, reported = {}, {}
    for r in sv.to_dict("records"):  # plain dicts: ~60 boolean masks cost 0.25 s
        if r["region_code"] == CITY_CODE:
            city_rows[r["indicator_code"]] = r
        elif r["coverage"] > 0:
            reported.setdefault(r["indicator_code"], []).append(r["target_met"])
    rows = []
    for ind in std.to_dict("records"):
        c = city_rows.get(ind["code"])
        met = reported.get(ind["code"], [])
        rows.append(
            {
                "指标": ind["name_zh"],
                "全市": fmt.MISSING
                if c is None
                else common.display(c["value"], ind["unit"], c["coverage"]),
                "目标": common.target_text(ind),
                "全市达标情况": common.met_text(None if c is None else c["target_met"]),
                "达标区县": f"{sum(m is True for m in met)}/{len(met)}",
                "未报送区县数": len(districts) - len(met),
                "数据覆盖": common.coverage_text(None if c is None else c["coverage"]),
                "依据": ind["target_source"],
            }
        )
    excel.table(pd.DataFrame(rows), f"标准达标概况 · {p}", "std_glance")


def ranking(p: str, districts: list[str]) -> None:
    st.subheader("区县排名与分布")
    ind = common.indicator_select(
        common.codes_at_level("district"), "overview_indicator", default=HEADLINE[0]
    )
    dv = data.values((ind["code"],), (p,), tuple(districts))
    table = common.region_table(dv, ind, districts)
    ranks = [str(i + 1) if pd.notna(v) else "—" for i, v in enumerate(table["值"])]
    table.insert(2, "排名", ranks)
    table["显示"] = [
        common.display(v, ind["unit"], 1 if t != fmt.MISSING else 0)
        for v, t in zip(table["值"], table[common.value_column(ind)], strict=True)
    ]
    left, right = st.columns([3, 2])
    with left:
        district_map.district_map(table[["region_code", "值", "显示"]], ind["unit"], "overview")
        gx = table[table.region_code == GAOXIN]
        if len(gx) and GAOXIN not in district_map.boundary_codes():
            st.metric(
                f"{data.region_names()[GAOXIN]}（无独立边界，未在地图中）", gx["显示"].iloc[0]
            )
    with right:
        shown = common.shown(table.drop(columns=["显示"]))
        excel.table(shown, f"区县排名 · {ind['name_zh']} · {p}", "ranking")


p = common.period()
st.title(f"济南市社区工作总览 · {fmt.month_label(p)}")
districts = data.at_level("district")
headline(p)
standards_glance(p, districts)
ranking(p, districts)
