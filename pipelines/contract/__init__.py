"""The landing contract as data: tables, columns, aliases, reasons."""

from pipelines.contract.tables import (
    DEPARTMENTS,
    LINEAGE_COLUMNS,
    PERSON_COLUMNS,
    QUARANTINE_REASONS,
    TABLES,
    Column,
    Table,
    raw_columns,
    table_for_filename,
)

__all__ = [
    "DEPARTMENTS",
    "LINEAGE_COLUMNS",
    "PERSON_COLUMNS",
    "QUARANTINE_REASONS",
    "TABLES",
    "Column",
    "Table",
    "raw_columns",
    "table_for_filename",
]
