"""Every table shown can be downloaded as .xlsx with its Chinese headers."""

from __future__ import annotations

import io
import re
from functools import partial

import pandas as pd
import streamlit as st

ROW_PX, MAX_HEIGHT = 35, 600
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    """The table as an Excel workbook: one sheet, bold Chinese header, widened columns."""
    sheet = re.sub(r"[\[\]:*?/\\]", "", sheet)[:31] or "数据"
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        df.to_excel(writer, sheet_name=sheet, index=False)
        ws = writer.sheets[sheet]
        for i, col in enumerate(df.columns):
            longest = max([len(str(col)), *(len(str(v)) for v in df[col].head(200))])
            ws.set_column(i, i, min(60, 2 + 2 * longest))
    return buf.getvalue()


def file_stem(title: str) -> str:
    """``区县排名 · 低保人数 · 2025-03`` → ``区县排名_低保人数_2025-03``."""
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title.replace(" · ", "_")).strip("_")


def download(df: pd.DataFrame, title: str, key: str) -> None:
    """A download button that builds the workbook only when clicked (no cost per render)."""
    stem = file_stem(title)
    st.download_button(
        "下载 Excel",
        data=partial(to_xlsx, df.copy(), stem),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=f"xlsx_{key}",
        on_click="ignore",
        icon=":material/download:",
    )


def table(df: pd.DataFrame, title: str, key: str, **kwargs):
    """Show a table with its title and Excel download; returns the dataframe's event."""
    st.markdown(f"**{title}**")
    kwargs.setdefault("height", min(ROW_PX * (len(df) + 1) + 3, MAX_HEIGHT))  # no inner scroll
    event = st.dataframe(df, hide_index=True, width="stretch", key=f"df_{key}", **kwargs)
    download(df, title, key)
    return event
