"""Shown until a first version is published: how to load some data."""

import streamlit as st

from dashboards import data
from pipelines.settings import get_settings

st.title("暂无已发布的数据")
settings = get_settings()
st.info(
    f"数据目录 `{settings.data_dir}` 中还没有已发布的数据版本（`serving/current`）。请先加载数据：",
    icon="ℹ️",
)
st.markdown(
    """
- 体验演示数据：在项目目录运行 `make demo`（生成模拟报送文件、入库、检查、发布并启动看板）；
- 处理已收到的部门报送文件：把文件放入 `landing/<部门>/<YYYY-MM>/` 后运行 `jcw run`。

发布完成后刷新本页即可。
"""
)
run = data.last_run()
if run and run.get("outcome") in ("blocked", "failed"):
    st.warning(f"最近一次运行（{run.get('finished_at', '')}）未能发布：{run.get('message', '')}")
