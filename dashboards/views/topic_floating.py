"""流动人口专题 (catalog domain 流动人口)."""

from dashboards.components.topic import render

render("流动人口", "流动人口")
