"""What is in landing: which table, month and district each file delivers."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipelines import reference
from pipelines.contract.tables import Table, table_for_filename

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class LandingFile:
    path: Path
    rel: str  # path relative to landing/, the file's identity in the warehouse
    department: str
    month: str | None  # YYYY-MM, None when the folder is not a month
    table: Table | None
    district_code: str | None  # None = city-wide delivery
    mtime: float
    size: int

    @property
    def period(self) -> date | None:
        return date.fromisoformat(self.month + "-01") if self.month else None

    @property
    def arrived_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime)

    def problem(self) -> str | None:
        """Why this file cannot be loaded at all, in Chinese (None when it can)."""
        if self.month is None:
            return f"月份目录“{self.path.parent.name}”不是 YYYY-MM 格式，文件未加载"
        if self.table is None:
            return "文件名中没有可识别的报表名称（如“低保家庭”“失业登记”），文件未加载"
        return None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _district_names() -> list[tuple[str, str]]:
    names = []
    for d in reference.at_level("district"):
        names.append((d.name, d.code))
        short = reference.district_file_name(d)
        if short != d.name:
            names.append((short, d.code))
    # longest first so that a long official name wins over a short one inside it
    return sorted(names, key=lambda n: -len(n[0]))


def district_of_filename(name: str) -> str | None:
    for label, code in _district_names():
        if label in name:
            return code
    return None


def describe(path: Path, landing: Path) -> LandingFile:
    rel = path.relative_to(landing)
    parts = rel.parts
    month_dir = parts[1] if len(parts) >= 3 else ""
    st = path.stat()
    return LandingFile(
        path=path,
        rel=rel.as_posix(),
        department=parts[0] if len(parts) >= 2 else "",
        month=month_dir if MONTH_RE.match(month_dir) and len(parts) == 3 else None,
        table=table_for_filename(path.name),
        district_code=district_of_filename(path.name),
        mtime=st.st_mtime,
        size=st.st_size,
    )


def scan(landing: Path) -> list[LandingFile]:
    """Every delivered file (csv/xlsx, any case) under landing/, sorted by path."""
    if not landing.is_dir():
        return []
    out = []
    for p in sorted(landing.rglob("*")):
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$")):
            out.append(describe(p, landing))
    return out


def months_in(files: list[LandingFile]) -> list[str]:
    return sorted({f.month for f in files if f.month})
