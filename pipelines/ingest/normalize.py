"""Cell normalisation (extracts.md): Unicode NFKC and trim, empty → NULL — vectorised
in Arrow (utf8proc), never a Python loop over cells."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def normalise_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    col = pc.utf8_trim_whitespace(pc.utf8_normalize(col.cast(pa.string()), "NFKC"))
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def normalise_cells(cells: pa.Table) -> pa.Table:
    """Every ``c<i>`` column normalised; ``source_row`` kept."""
    return pa.table(
        {
            name: (
                cells.column(name) if name == "source_row" else normalise_column(cells.column(name))
            )
            for name in cells.column_names
        }
    )
