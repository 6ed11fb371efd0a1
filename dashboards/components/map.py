"""Jinan's districts coloured by an indicator, from the vendored boundaries.

No tiles and no online resource: a Vega-Lite geoshape of
``data/reference/jinan_districts.geojson`` with no base layer. 高新区 (370176) has no
boundary of its own; the page shows its value beside the map.
"""

from __future__ import annotations

import json
from functools import cache

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
    shapes_data = {
        "values": {"type": "FeatureCollection", "features": shapes},
        "format": {"type": "json", "property": "features"},
    }
    tooltip = [
        {"field": "properties.name", "type": "nominal", "title": "区县"},
        {"field": "properties.text", "type": "nominal", "title": unit},
    ]
    outline = {"type": "geoshape", "stroke": "white", "strokeWidth": 1}
    # A plain Vega-Lite spec: altair would deep-copy and validate the inline boundaries
    # on every rerun (~1 s); Streamlit keeps GeoJSON inline as it is.
    spec = {
        "height": 460,
        "projection": {"type": "mercator"},
        "config": {"font": FONT, "view": {"stroke": None}},
        "layer": [
            {
                "data": shapes_data,
                "mark": {**outline, "fill": "#e3e3e3"},
                "encoding": {"tooltip": tooltip},
            },
            {
                "data": shapes_data,
                "transform": [{"filter": "isValid(datum.properties.value)"}],
                "mark": outline,
                "encoding": {
                    "color": {
                        "field": "properties.value",
                        "type": "quantitative",
                        "title": unit,
                        "scale": {"scheme": "blues"},
                        "legend": {"orient": "bottom-left"},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "data": {"values": labels},
                "mark": {"type": "text", "fontSize": 11, "color": "#222"},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "text": {"field": "name", "type": "nominal"},
                },
            },
        ],
    }
    st.vega_lite_chart(spec=spec, width="stretch", key=f"map_{key}")
