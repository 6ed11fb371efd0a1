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


SAMPLE = 2000
REPEATED = 0.2  # distinct share of a sample below which a column counts as repeating


def normalise_repeating(col: pa.ChunkedArray) -> pa.ChunkedArray | pa.DictionaryArray:
    """A column whose values repeat (district, community, dates, categories) is
    normalised once per distinct value and handed on dictionary-encoded; DuckDB reads it
    as VARCHAR and evaluates many string functions once per distinct value as well."""
    col = col.cast(pa.string())
    sample = col.slice(0, SAMPLE)
    if len(col) < SAMPLE or len(pc.unique(sample)) > REPEATED * len(sample):
        return normalise_column(col)
    encoded = pc.dictionary_encode(col.combine_chunks())  # one array: one dictionary
    values = normalise_column(pa.chunked_array([encoded.dictionary])).combine_chunks()
    return pa.DictionaryArray.from_arrays(encoded.indices, values)


def normalise_cells(cells: pa.Table) -> pa.Table:
    """Every ``c<i>`` column normalised (in threads: Arrow kernels release the GIL);
    ``source_row`` kept."""
    names = [n for n in cells.column_names if n != "source_row"]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        columns = list(pool.map(normalise_repeating, (cells.column(n) for n in names)))
    return pa.table(
        {"source_row": cells.column("source_row"), **dict(zip(names, columns, strict=True))}
    )
