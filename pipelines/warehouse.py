"""The warehouse file: connections and the one-writer lock.

DuckDB refuses a second process while one writes, so every warehouse-writing run
(``jcw run``, sensor-launched runs, the UI) holds ``writer_lock()``: a second trigger
waits its turn instead of failing on DuckDB's lock. The lock is re-entrant within a
process, so ``jcw run`` can hold it around the Dagster runs it executes in-process.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.settings import Settings, get_settings

_process_depth = {"n": 0, "fd": None}
_mutex = threading.RLock()


def lock_path(settings: Settings) -> Path:
    return settings.warehouse_dir / ".writer.lock"


@contextmanager
def writer_lock(settings: Settings | None = None) -> Iterator[None]:
    """Hold the cross-process writer lock (blocking until the current writer finishes)."""
    settings = settings or get_settings()
    with _mutex:
        if _process_depth["n"] == 0:
            settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path(settings), os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            _process_depth["fd"] = fd
        _process_depth["n"] += 1
    try:
        yield
    finally:
        with _mutex:
            _process_depth["n"] -= 1
            if _process_depth["n"] == 0:
                fd = _process_depth["fd"]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
                _process_depth["fd"] = None


MEMORY_LIMIT_ENV = "JCW_DUCKDB_MEMORY_LIMIT"
_MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$")


def memory_limit() -> str:
    """DuckDB's memory limit for the pipeline's own connections. DuckDB defaults to 80 % of
    RAM and keeps what it read cached; the whole pipeline must stay within 6 GB, and dbt's
    process (3 GB, profiles.yml) runs beside this one, so DuckDB spills to disk beyond it.
    A 12-month backfill peaked at 7.7 GB without it (the checks, over every month)."""
    value = os.environ.get(MEMORY_LIMIT_ENV, "2GB").strip()
    if not _MEMORY_LIMIT.match(value):
        raise ValueError(f"{MEMORY_LIMIT_ENV}={value!r} 无效：应为如 2GB、1500MB 的内存大小")
    return value


def connect(settings: Settings | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse (the caller holds ``writer_lock`` when writing)."""
    settings = settings or get_settings()
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    limit = memory_limit()
    con = duckdb.connect(str(settings.warehouse_path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{limit}'")  # validated above: digits and a unit
    return con
