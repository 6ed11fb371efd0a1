"""Dagster assets, one module per part (ingest, dbt, …); merged in pipelines/definitions.py."""
