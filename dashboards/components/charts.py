"""Altair charts (vega-lite is bundled with Streamlit: nothing loads from a CDN).

Chinese text renders in the browser with the page's fonts; the font list puts the
CJK fonts of Debian (fonts-noto-cjk), Windows and macOS first.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def show(chart: alt.TopLevelMixin, key: str) -> None:
    """Render without altair's JSON-schema validation (0.4 s for the map, every rerun)."""
    spec = chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=12)
    st.vega_lite_chart(spec=spec.to_dict(validate=False), width="stretch", key=f"chart_{key}")


def bar(df: pd.DataFrame, unit: str, target: float | None, key: str) -> None:
    """Horizontal bars of ``区域``/``值`` in the given order, with the target as a rule."""
    data = df.dropna(subset=["值"])
    if data.empty:
        st.info("所选月份没有可显示的数值。")
        return
    order = list(data["区域"])
    bars = (
        alt.Chart(data)
        .mark_bar(color="#3b6ea8")
        .encode(
            x=alt.X("值:Q", title=unit),
            y=alt.Y(
                "区域:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=240)
            ),
            tooltip=[alt.Tooltip("区域:N"), alt.Tooltip("值:Q", format=",.2f", title=unit)],
        )
    )
    layers = [bars]
    if target is not None:
        rule = pd.DataFrame({"目标": [target]})
        layers.append(
            alt.Chart(rule).mark_rule(color="#c0392b", strokeDash=[6, 3], size=2).encode(x="目标:Q")
        )
    height = max(120, 26 * len(data))
    show(alt.layer(*layers).properties(height=height), key)


def trend(df: pd.DataFrame, unit: str, target: float | None, key: str) -> None:
    """Monthly lines of ``月份``/``值`` per ``区域``; gaps where a month is missing."""
    data = df.copy()
    if data["值"].notna().sum() == 0:
        st.info("没有可显示的趋势数据。")
        return
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("月份:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("值:Q", title=unit, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.2~f")),
            color=alt.Color("区域:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["区域:N", "月份:O", alt.Tooltip("值:Q", format=",.2f", title=unit)],
        )
    )
    layers = [lines]
    if target is not None:
        rule = pd.DataFrame({"目标": [target]})
        layers.append(
            alt.Chart(rule).mark_rule(color="#c0392b", strokeDash=[6, 3]).encode(y="目标:Q")
        )
    show(alt.layer(*layers).properties(height=260), key)
