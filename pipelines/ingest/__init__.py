"""Ingestion: read (encoding, header, aliases) → resolve region → pseudonymise →
load / quarantine / log.  Row-level work happens in DuckDB SQL and Arrow, never in a
Python loop over rows (city-scale months are millions of rows)."""
