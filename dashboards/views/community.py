"""社区档案: one community's indicators against its street, district and city; standards; trends."""

import pandas as pd
import streamlit as st

from dashboards import data, fmt
from dashboards.components import common, excel, trends
from dashboards.data import CITY_CODE

MAX_MATCHES = 200

p = common.period()
st.title(f"社区档案 · {fmt.month_label(p)}")
regions = data.regions()
communities = regions[regions.region_level == "community"]
names = data.region_names()

search = st.text_input("按名称搜索社区", key="community_search", placeholder="例如：解放桥")
matches = communities[communities.region_name.str.contains(search.strip(), regex=False)]
if matches.empty:
    st.info(f"没有名称包含“{search}”的社区。")
    st.stop()
if len(matches) > MAX_MATCHES:
    st.caption(f"共 {len(matches)} 个匹配，只列出前 {MAX_MATCHES} 个，请输入更多字缩小范围。")
code = st.selectbox(
    "社区",
    list(matches.region_code.head(MAX_MATCHES)),
    key="community_code",
    format_func=lambda c: f"{names[c]}（{names[c[:9] + '000']}，{names[c[:6] + '000000']}）",
)
me = regions.set_index("region_code").loc[code]
street, district = me["street_code"], me["district_code"]
st.markdown(
    f"**{names[code]}** · {me['community_type'] or '社区'} · "
    + " › ".join(names[c] for c in data.ancestors(code))
)

codes = common.codes_at_level("community")
vals = data.values(tuple(codes), (p,), (code, street, district, CITY_CODE))
by_key = {(r["indicator_code"], r["region_code"]): r for r in vals.to_dict("records")}


PARTIAL_MARK = "＊"


def shown(ind_code: str, region: str, unit: str) -> str:
    r = by_key.get((ind_code, region))
    if r is None:
        return fmt.MISSING
    partial = fmt.coverage_note(r["coverage"]) and not fmt.is_blank(r["value"])
    return common.display(r["value"], unit, r["coverage"]) + (PARTIAL_MARK if partial else "")


rows = []
for c in codes:
    ind = data.indicator(c)
    mine = by_key.get((c, code))
    rows.append(
        {
            "领域": ind["domain"],
            "指标": ind["name_zh"],
            "本社区": shown(c, code, ind["unit"]),
            "所在街道": shown(c, street, ind["unit"]),
            "所在区县": shown(c, district, ind["unit"]),
            "全市": shown(c, CITY_CODE, ind["unit"]),
            "目标": common.target_text(ind),
            "达标情况": common.met_text(None if mine is None else mine["target_met"]),
        }
    )
excel.table(pd.DataFrame(rows), f"{names[code]} · 指标对比 · {p}", "community_values")
st.caption(
    f"{PARTIAL_MARK}部分覆盖：有区县未报送，合计只含已报送部分；未报送：本区域所在区县未报送。"
)

st.subheader("2007年标准逐项评估")
std = data.q(
    "select standard_code, required_min, required_max, actual, gap, unit, met "
    "from analytics.community_standards where community_code = ? "
    "and period = cast(? || '-01' as date) order by standard_code",
    (code, p),
)
if std.empty:
    st.info("本月没有该社区的标准评估（只评估居委会社区）。")
else:
    excel.table(
        pd.DataFrame(
            {
                "标准": [common.standard_label(s) for s in std.standard_code],
                "要求": [
                    fmt.required(r["required_min"], r["required_max"], r["unit"])
                    for r in std.to_dict("records")
                ],
                "实际": [fmt.amount(a, u) for a, u in zip(std.actual, std.unit, strict=True)],
                "差距": [fmt.gap(g, u) for g, u in zip(std.gap, std.unit, strict=True)],
                "达标情况": std.met.map(common.met_text),
            }
        ),
        f"{names[code]} · 标准评估 · {p}",
        "community_standards",
    )

st.subheader("月度趋势")
ind = common.indicator_select(codes, "community_trend_indicator", default="DB_PERSONS")
rate = ind["denominator"] != ""
series = (code, street, district, CITY_CODE) if rate else (code,)
if not rate:
    st.caption("计数类指标只显示本社区（与上级合计不可比）。")
trends.show(ind, series, "community_trend")
