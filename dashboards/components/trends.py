"""An indicator's trend by month, quarter or year, built as the catalog says.

``time_aggregation`` (indicators.md, "Over time"): ``last`` (stocks) shows the
period's last loaded month; ``sum`` (flows) sums numerator and denominator over the
period's months. A quarter or year with a month that was not delivered (coverage 0)
is left out rather than shown too small.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import charts, common

GRAINS = {"month": "按月", "quarter": "按季", "year": "按年"}


def _bucket(period: str, grain: str) -> str:
    year, month = period[:4], int(period[5:7])
    if grain == "quarter":
        return f"{year}年Q{(month - 1) // 3 + 1}"
    return f"{year}年" if grain == "year" else period


def aggregate(rows: pd.DataFrame, ind: dict, grain: str) -> pd.DataFrame:
    """``rows`` of indicator_values → region_code, 期间, 值 at the chosen grain."""
    if rows.empty:
        return pd.DataFrame(columns=["region_code", "期间", "值"])
    df = rows.assign(期间=[_bucket(p, grain) for p in rows.period])
    covered = df.coverage > 0
    if grain == "month" or ind["time_aggregation"] != "sum":
        last = df.sort_values("period").groupby(["region_code", "期间"], sort=False).tail(1)
        out = last.assign(值=last.value.where(last.coverage > 0))
        return out[["region_code", "期间", "值"]].sort_values(["region_code", "期间"])
    g = (
        df.assign(num=df.numerator.where(covered), den=df.denominator.where(covered))
        .groupby(["region_code", "期间"])
        .agg(num=("num", "sum"), den=("den", "sum"), gaps=("coverage", lambda c: (c == 0).sum()))
        .reset_index()
    )
    factor = float(ind["factor"] or 1)
    value = g.num / g.den.where(g.den != 0) * factor if ind["denominator"] else g.num
    return g.assign(值=value.where(g.gaps == 0))[["region_code", "期间", "值"]]


def show(ind: dict, region_codes: tuple[str, ...], key: str) -> None:
    """A grain selector and the trend lines of ``region_codes``."""
    grain = st.radio(
        "时间粒度", list(GRAINS), format_func=GRAINS.get, horizontal=True, key=f"{key}_grain"
    )
    names = data.region_names()
    frame = aggregate(data.values((ind["code"],), None, region_codes), ind, grain)
    frame = frame.assign(月份=frame["期间"], 区域=frame.region_code.map(names))
    charts.trend(frame[["月份", "区域", "值"]], ind["unit"], common.target(ind), key)
