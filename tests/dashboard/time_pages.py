"""Time every page's script run (AppTest) against a data directory, cold and warm caches.

One AppTest per page, run once first: a new AppTest scans every installed package for
Streamlit components on its first run (0.4–2 s here), which a running server does once
at start-up, so that run is not counted.

    .venv/bin/python tests/dashboard/time_pages.py /tmp/jcw-city
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

PAGES = Path(__file__).resolve().parents[2] / "dashboards" / "views"


def clear_caches() -> None:
    import streamlit as st

    from dashboards import data

    st.cache_data.clear()
    for con in (getattr(data._local, "conns", None) or {}).values():
        con.close()
    data._local.conns = {}


def time_page(script: Path, repeats: int = 3) -> tuple[float, float, list[str]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    cold, warm = [], []
    for _ in range(repeats):
        clear_caches()
        for bucket in (cold, warm):
            t0 = time.perf_counter()
            at.run()
            bucket.append(time.perf_counter() - t0)
    return statistics.median(cold), statistics.median(warm), [str(e.value) for e in at.exception]


if __name__ == "__main__":
    os.environ["JCW_DATA_DIR"] = sys.argv[1]
    for script in sorted(PAGES.glob("*.py")):
        cold, warm, errors = time_page(script)
        print(f"{script.stem:18s} cold {cold:5.2f} s  warm {warm:5.2f} s  {errors[:1]}")
