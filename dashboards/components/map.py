"""Jinan's districts coloured by an indicator, from the vendored boundaries.

No tiles and no online resource: an altair geoshape of
``data/reference/jinan_districts.geojson`` with no base layer. 高新区 (370176) has no
boundary of its own; the page shows its value beside the map.
"""

from __future__ import annotations

import json
from functools import cache

import altair as alt
import pandas as pd
import streamlit as st

from dashboards.components.charts import FONT
from pipelines.reference import DISTRICTS_GEOJSON


@cache
def features() -> tuple[dict, ...]:
    return tuple(json.loads(DISTRICTS_GEOJSON.read_text(encoding="utf-8"))["features"])


def _centroid(geometry: dict) -> tuple[float, float]:
    """Mean of the largest ring's vertices: good enough to place a label."""
    rings = [poly[0] for poly in geometry["coordinates"]]
    ring = max(rings, key=len)
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


def boundary_codes() -> set[str]:
    return {f["properties"]["region_code"] for f in features()}


def district_map(values: pd.DataFrame, unit: str, key: str) -> None:
    """``values``: region_code, 值 (number or NaN) and 显示 (the formatted text)."""
    by_code = values.set_index("region_code")
    shapes, labels = [], []
    for f in features():
        code = f["properties"]["region_code"]
        row = by_code.loc[code] if code in by_code.index else None
        v = None if row is None or pd.isna(row["值"]) else float(row["值"])
        text = "未报送" if row is None else row["显示"]
        name = f["properties"]["region_name"]
        shapes.append({**f, "properties": {"name": name, "value": v, "text": text}})
        lon, lat = _centroid(f["geometry"])
        labels.append({"lon": lon, "lat": lat, "name": name})
    fmt = alt.DataFormat(property="features", type="json")
    data = alt.Data(values={"type": "FeatureCollection", "features": shapes}, format=fmt)
    tooltip = [
        alt.Tooltip("properties.name:N", title="区县"),
        alt.Tooltip("properties.text:N", title=unit),
    ]
    base = alt.Chart(data).mark_geoshape(fill="#e3e3e3", stroke="white", strokeWidth=1)
    filled = (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=1)
        .transform_filter("isValid(datum.properties.value)")
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=unit,
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(orient="bottom-left"),
            ),
        )
    )
    text = (
        alt.Chart(pd.DataFrame(labels))
        .mark_text(fontSize=11, color="#222")
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    )
    chart = (
        alt.layer(base.encode(tooltip=tooltip), filled.encode(tooltip=tooltip), text)
        .project(type="mercator")
        .properties(height=460)
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    st.altair_chart(chart, width="stretch", key=f"map_{key}")
