"""就业专题 (catalog domain 就业)."""

from dashboards.components.topic import render

render("就业", "就业")
