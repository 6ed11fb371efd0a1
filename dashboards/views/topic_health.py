"""卫生专题 (catalog domain 卫生)."""

from dashboards.components.topic import render

render("卫生", "卫生")
