"""Small hand-made landing files for the Dagster ingestion tests: an unemployment roster
whose rows are all valid (a name, a valid ID number, a known community), and a writer
that places a file in landing with a chosen arrival time."""

from __future__ import annotations

import os

from pipelines.ingest.ids import check_char

ROSTER_HEADER = "失业登记号,姓名,身份证号,社区代码,失业登记日期,登记状态"


def ids(n: int, start: int = 0) -> list[str]:
    out = []
    for i in range(start, start + n):
        first17 = f"37010219800101{i:03d}"
        out.append(first17 + check_char(first17))
    return out


def roster(prefix: str, n: int, start: int = 0) -> bytes:
    """``n`` valid roster rows (IDs from ``start``), GB18030 as the department writes it."""
    rows = [ROSTER_HEADER] + [
        f"{prefix}{i:03d},某人,{pid},370102007006,2025-01-05,失业"
        for i, pid in enumerate(ids(n, start))
    ]
    return ("\n".join(rows) + "\n").encode("gb18030")


def put(landing, rel: str, data: bytes, mtime: float | None = None) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime:
        os.utime(path, (mtime, mtime))
