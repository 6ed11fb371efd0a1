"""Cell normalisation: NFKC, trimmed, empty → NULL, the same whether a column is
normalised value by value or once per distinct value (repeating columns)."""

import pyarrow as pa

from pipelines.ingest.normalize import SAMPLE, normalise_cells

RAW = ["  历下区 ", "ＡＢＣ１２３", "", None, "a\u3000b", "㈠"]
EXPECTED = ["历下区", "ABC123", None, None, "a b", "(一)"]


def test_cells_are_nfkc_trimmed_and_empty_is_null():
    cells = pa.table({"source_row": [1, 2, 3, 4, 5, 6], "c0": RAW})
    assert normalise_cells(cells).column("c0").to_pylist() == EXPECTED


def test_a_repeating_column_over_several_chunks_gives_the_same_values():
    n = SAMPLE * 3  # long enough for the once-per-distinct-value path
    values = (RAW * n)[:n]
    half = n // 2
    cells = pa.table(
        {
            "source_row": list(range(n)),
            "c0": pa.chunked_array([values[:half], values[half:]]),
            "c1": [f"唯一{i}" for i in range(n)],  # distinct values: the plain path
        }
    )
    out = normalise_cells(cells)
    assert out.column("c0").to_pylist() == (EXPECTED * n)[:n]
    assert pa.types.is_dictionary(out.column("c0").type)
    assert out.column("c1").to_pylist() == [f"唯一{i}" for i in range(n)]
    assert out.column("source_row").to_pylist() == list(range(n))
