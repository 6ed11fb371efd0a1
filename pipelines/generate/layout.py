"""Where each row of a file goes: title lines, header, data, copies, blank, totals and notes.

Row numbers are 1-based as Excel or an editor shows them (title lines included).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.generate.render import Rendered


@dataclass
class Laid:
    titles: list[str]
    headers: list[str]
    body: np.ndarray  # 2-D object array: every row below the header
    data_rows: np.ndarray  # row number of each data row
    duplicate_rows: list[int] = field(default_factory=list)
    non_data_rows: list[int] = field(default_factory=list)
    non_data_kinds: dict[str, list[int]] = field(default_factory=dict)

    @property
    def header_row(self) -> int:
        return len(self.titles) + 1


def titles(rng, rates: dict, title: str, unit: str, reported: str) -> list[str]:
    if rng.random() >= rates["title_rows"]:
        return []
    out = [title]
    if rng.random() < 0.6:
        out.append(f"填报单位：{unit}    填报日期：{reported}")
        if rng.random() < 0.3:
            out.append("单位：户、人、元")
    return out


def lay_out(r: Rendered, rng, rates: dict, title_lines: list[str], label: str) -> Laid:
    n, k = r.n, len(r.columns)
    data = np.empty((n, k), dtype=object)
    for j, c in enumerate(r.columns):
        data[:, j] = r.cells[c.name]
    extras: list[
        tuple[int, int, str, np.ndarray]
    ] = []  # (insert before data index, order, kind, row)
    blank = np.full(k, "", dtype=object)
    if n:
        clean = np.ones(n, dtype=bool)
        clean[list(r.faults)] = False
        src = np.where(clean & (rng.random(n) < rates["duplicate"]))[0]
        for j in src:
            at = min(int(j) + int(rng.integers(0, 6)), n - 1) + 1
            extras.append((at, len(extras), "duplicate", data[j].copy()))
        for j in np.where(rng.random(n - 1) < rates["blank_row"])[0]:
            extras.append((int(j) + 1, len(extras), "blank_row", blank))
    tail: list[tuple[str, np.ndarray]] = []
    if rng.random() < rates["totals_row"]:
        row = blank.copy()
        row[0] = "合计" if rng.random() < 0.7 else "总计"
        if k > 1:
            row[1] = f"{n}"
        tail.append(("totals_row", row))
    if rng.random() < rates["note_rows"]:
        for text in (
            f"注：本表为{label}，数据截至月末。",
            "制表人：经办科室    审核人：分管负责人",
        )[: int(rng.integers(1, 3))]:
            row = blank.copy()
            row[0] = text
            tail.append(("note_row", row))
    if tail and rng.random() < 0.5:
        tail.insert(0, ("blank_row", blank))
    for kind, row in tail:
        extras.append((n, len(extras), kind, row))
    extras.sort(key=lambda e: (e[0], e[1]))
    header_row = len(title_lines) + 1
    at = np.array([e[0] for e in extras], dtype=np.int64)
    body = (
        np.insert(data, at, np.array([e[3] for e in extras], dtype=object).reshape(-1, k), axis=0)
        if extras
        else data
    )
    data_rows = header_row + 1 + np.arange(n) + np.searchsorted(at, np.arange(n), side="right")
    laid = Laid(titles=title_lines, headers=r.headers, body=body, data_rows=data_rows)
    for order, (pos, _, kind, _) in enumerate(extras):
        row_no = header_row + 1 + pos + order
        if kind == "duplicate":
            laid.duplicate_rows.append(row_no)
        else:
            laid.non_data_rows.append(row_no)
            laid.non_data_kinds.setdefault(kind, []).append(row_no)
    return laid
