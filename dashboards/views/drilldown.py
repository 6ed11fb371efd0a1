"""四级钻取: an indicator from the city down to a community, with the target and the trend."""

import streamlit as st

from dashboards import data, fmt
from dashboards.components import charts, common, excel, trends
from dashboards.data import CITY_CODE, LEVEL_NAMES

KEY = "drill_region"


def _go(code: str) -> None:
    st.session_state[KEY] = code


def _go_from(widget_key: str) -> None:
    if st.session_state.get(widget_key):
        _go(st.session_state[widget_key])


p = common.period()
st.title("四级钻取")
names = data.region_names()
if st.session_state.get(KEY) not in names:
    st.session_state[KEY] = st.query_params.get("region", CITY_CODE)
    if st.session_state[KEY] not in names:
        st.session_state[KEY] = CITY_CODE
region = st.session_state[KEY]

ind = common.indicator_select(list(data.catalog().code), "drill_indicator", default="DB_RATE")
unit = ind["unit"]
chain = data.ancestors(region)
st.markdown("**当前位置：** " + " › ".join(names[c] for c in chain))
crumbs = st.columns(max(len(chain), 2), gap="small")
for col, code in zip(crumbs, chain[:-1], strict=False):
    col.button(f"返回 {names[code]}", key=f"crumb_{code}", on_click=_go, args=(code,))

level = data.level_of(region)
kids = data.children(region)
own = data.values((ind["code"],), (p,), (region,))
o = own.iloc[0] if len(own) else None
st.metric(
    f"{names[region]} · {ind['name_zh']} · {fmt.month_label(p)}",
    fmt.MISSING if o is None else common.display(o["value"], unit, o["coverage"]),
    help=f"目标：{common.target_text(ind)}",
)
if o is not None and fmt.coverage_note(o["coverage"]):
    st.caption(fmt.coverage_note(o["coverage"]) + "：部分区县未报送，合计只含已报送部分")

if kids:
    child_level = LEVEL_NAMES[data.level_of(kids[0])]
    st.subheader(f"下级{child_level}（{len(kids)}个）")
    vals = data.values((ind["code"],), (p,), tuple(kids))
    table = common.region_table(vals, ind, kids)
    sel_key = f"drill_child_{region}"
    st.selectbox(
        f"下钻到{child_level}",
        [None, *table.region_code],
        format_func=lambda c: "请选择…" if c is None else names[c],
        key=sel_key,
        on_change=_go_from,
        args=(sel_key,),
    )
    left, right = st.columns([3, 2])
    with left:
        charts.bar(table, unit, common.target(ind), f"drill_{region}")
    with right:
        event = excel.table(
            common.shown(table),
            f"{names[region]} · 下级 · {ind['name_zh']} · {p}",
            f"drill_{region}",
            on_select="rerun",
            selection_mode="single-row",
        )
        st.caption("点击表格行左侧的选择框可下钻。")
        rows = event.selection.rows if event else []
        if rows:
            _go(table.region_code.iloc[rows[0]])
            st.rerun()
elif level == "community":
    st.info("社区是最低一级。可在“社区档案”页查看该社区的全部指标。")
else:
    st.info("该区域没有下级区域的数据。")

st.subheader(f"{names[region]} 的月度趋势")
trends.show(ind, (region,), f"trend_{region}")
