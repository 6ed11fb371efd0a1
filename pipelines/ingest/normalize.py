"""Cell normalisation (extracts.md): Unicode NFKC and trim, empty → NULL — vectorised
in Arrow (utf8proc), never a Python loop over cells."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc


def normalise_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    col = pc.utf8_trim_whitespace(pc.utf8_normalize(col.cast(pa.string()), "NFKC"))
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def normalise_cells(cells: pa.Table) -> pa.Table:
    """Every ``c<i>`` column normalised (in threads: Arrow kernels release the GIL);
    ``source_row`` kept."""
    names = [n for n in cells.column_names if n != "source_row"]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        columns = list(pool.map(normalise_column, (cells.column(n) for n in names)))
    return pa.table(
        {"source_row": cells.column("source_row"), **dict(zip(names, columns, strict=True))}
    )
