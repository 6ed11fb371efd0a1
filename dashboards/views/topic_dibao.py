"""低保专题 (catalog domain 低保)."""

from dashboards.components.topic import render

render("低保", "低保")
