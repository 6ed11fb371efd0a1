"""达标评估: each 2007 community standard by district and street, and who falls short by how much."""

import pandas as pd
import streamlit as st

from dashboards import data, fmt
from dashboards.components import common, excel

p = common.period()
st.title(f"2007年社区建设标准达标评估 · {fmt.month_label(p)}")
st.caption("依据济发〔2007〕13号，对居委会社区逐项评估；差距为实际值与最近一侧标准之差。")

rows = data.q(
    "select s.standard_code, s.community_code, r.region_name, r.street_code, r.district_code, "
    "s.required_min, s.required_max, s.actual, s.gap, s.unit, s.met "
    "from analytics.community_standards s join analytics.regions r "
    "on r.region_code = s.community_code "
    "where s.period = cast(? || '-01' as date) order by s.standard_code, s.community_code",
    (p,),
)
if rows.empty:
    st.info(f"{fmt.month_label(p)}没有社区标准评估数据（社区基础信息未报送或未加载）。")
    st.stop()

names = data.region_names()
labels = {code: common.standard_label(code) for code in set(rows.standard_code)}


def label(code: str) -> str:
    return labels[code]


def shares(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """达标社区数 / 评估社区数 / 达标率 per group (one vectorised groupby); a community whose
    standard cannot be judged (met NULL, e.g. no wage delivered) is counted apart."""
    flags = df.assign(m=df.met.eq(True), judged=df.met.notna(), unknown=df.met.isna())
    g = flags.groupby(by, sort=True)[["m", "judged", "unknown"]].sum().reset_index()
    return g.assign(
        达标社区数=g["m"].astype(int),
        评估社区数=g["judged"].astype(int),
        达标率=[
            f"{a / b * 100:.1f}%" if b else "—" for a, b in zip(g["m"], g["judged"], strict=True)
        ],
        无法评估社区数=g["unknown"].astype(int),
    ).drop(columns=["m", "judged", "unknown"])


order = common.standard_order(rows.standard_code)
summary = shares(rows, ["standard_code"])
summary = summary.set_index("standard_code").loc[order].reset_index()
summary.insert(0, "标准", summary.pop("standard_code").map(label))
excel.table(summary, f"各项标准全市达标情况 · {p}", "std_summary")

standard = st.selectbox("选择标准", order, format_func=label, key="std_code")
one = rows[rows.standard_code == standard]
left, right = st.columns(2)
with left:
    by_d = shares(one, ["district_code"])
    by_d.insert(0, "区县", by_d.pop("district_code").map(names))
    excel.table(by_d, f"{label(standard)} · 分区县 · {p}", "std_district")
with right:
    by_s = shares(one, ["street_code", "district_code"])
    by_s.insert(0, "街道", by_s.pop("street_code").map(names))
    by_s.insert(1, "区县", by_s.pop("district_code").map(names))
    excel.table(by_s, f"{label(standard)} · 分街道 · {p}", "std_street")

st.subheader("未达标社区")
failing = rows[rows.met.eq(False)].assign(rank=lambda d: d.standard_code.map(order.index))
failing = failing.sort_values(["rank", "district_code", "street_code", "community_code"])
f1, f2, f3 = st.columns(3)
chosen = f1.multiselect(
    "标准",
    order,
    format_func=label,
    key="fail_std",
    placeholder="全部标准",
)
district_codes = sorted(set(failing.district_code))
district = f2.selectbox(
    "区县",
    [None, *district_codes],
    format_func=lambda c: "全部" if c is None else names[c],
    key="fail_district",
)
street_pool = failing if district is None else failing[failing.district_code == district]
street = f3.selectbox(
    "街道",
    [None, *sorted(set(street_pool.street_code))],
    format_func=lambda c: "全部" if c is None else names[c],
    key="fail_street",
)
if chosen:
    failing = failing[failing.standard_code.isin(chosen)]
if district:
    failing = failing[failing.district_code == district]
if street:
    failing = failing[failing.street_code == street]
table = pd.DataFrame(
    {
        "社区": failing.region_name,
        "街道": failing.street_code.map(names),
        "区县": failing.district_code.map(names),
        "标准": failing.standard_code.map(labels),
        "要求": [
            fmt.required(r["required_min"], r["required_max"], r["unit"])
            for r in failing.to_dict("records")
        ],
        "实际": [fmt.amount(a, u) for a, u in zip(failing.actual, failing.unit, strict=True)],
        "差距": [fmt.gap(g, u) for g, u in zip(failing.gap, failing.unit, strict=True)],
    }
)
st.caption(f"共 {len(table)} 项未达标")
excel.table(table, f"未达标社区 · {p}", "std_failing")
