"""跨部门联动专题 (catalog domain 跨部门)."""

from dashboards.components.topic import render

render("跨部门", "跨部门联动")
