"""Reusable pieces of the dashboard: tables with Excel download, charts, the map."""
