"""济南市社区工作数据看板: the Streamlit entry point (``jcw serve``).

Reads only ``$JCW_DATA_DIR/serving/current`` (read-only) and ``serving/last_run.json``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import data, fmt

HERE = Path(__file__).parent

st.set_page_config(page_title="济南市社区工作数据看板", page_icon="📊", layout="wide")


def _stale_banner() -> None:
    run = data.stale_reason()
    if not run:
        return
    outcome = {"blocked": "未通过阻断性检查", "failed": "运行失败"}[run["outcome"]]
    published = data.publication().get("published_at")
    published = fmt.beijing_time(published) if published else "此前"
    lines = [
        f"**数据不是最新的**：{fmt.beijing_time(run.get('finished_at'))}（北京时间）的更新运行"
        f"{outcome}，未发布新数据；当前显示的是 {published} 发布的版本。"
    ]
    if run.get("message"):
        lines.append(f"原因：{run['message']}")
    for item in run.get("blocking_failures") or []:
        lines.append(f"- 阻断性检查：{item}")
    for item in run.get("rejected_files") or []:
        lines.append(f"- 被拒绝的文件：{item}")
    st.warning("\n".join(lines), icon="⚠️")


def _page(path: str, title: str, icon: str, default: bool = False) -> st.Page:
    # stable addresses (/drilldown, /quality, …) for links and the browser test
    url = None if default else path.removesuffix(".py")
    return st.Page(HERE / "views" / path, title=title, icon=icon, default=default, url_path=url)


if data.version() is None or not data.periods():
    st.navigation([_page("no_data.py", "暂无数据", ":material/info:", default=True)]).run()
    st.stop()

months = data.periods()
with st.sidebar:
    st.selectbox(
        "统计月份", months[::-1], key="period", format_func=fmt.month_label, help="各页面共用"
    )
    pub = data.publication()
    if pub:
        published = fmt.beijing_time(pub.get("published_at"))
        st.caption(f"数据版本 {pub.get('version', '')}  \n发布于 {published}（北京时间）")
_stale_banner()

# section → (script, title, icon); the first page is the default one
PAGES = {
    "总览": [
        ("overview.py", "总览", "dashboard"),
        ("drilldown.py", "四级钻取", "account_tree"),
        ("standards.py", "达标评估", "rule"),
    ],
    "专题": [
        ("topic_dibao.py", "低保", "volunteer_activism"),
        ("topic_employment.py", "就业", "work"),
        ("topic_health.py", "卫生", "local_hospital"),
        ("topic_floating.py", "流动人口", "groups"),
        ("topic_linkage.py", "跨部门联动", "hub"),
    ],
    "档案与数据": [
        ("community.py", "社区档案", "home_work"),
        ("quality.py", "数据质量", "fact_check"),
        ("catalog.py", "指标说明", "menu_book"),
    ],
}
nav = {
    section: [
        _page(script, title, f":material/{icon}:", default=script == "overview.py")
        for script, title, icon in pages
    ]
    for section, pages in PAGES.items()
}
st.navigation(nav).run()
