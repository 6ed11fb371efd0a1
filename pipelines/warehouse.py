"""The warehouse file: connections and the one-writer lock.

DuckDB refuses a second process while one writes, so every warehouse-writing run
(``jcw run``, sensor-launched runs, the UI) holds ``writer_lock()``: a second trigger
waits its turn instead of failing on DuckDB's lock. The lock is re-entrant within a
process, so ``jcw run`` can hold it around the Dagster runs it executes in-process.
"""

from __future__ import annotations

import fcntl
import os
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


def connect(settings: Settings | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse (the caller holds ``writer_lock`` when writing)."""
    settings = settings or get_settings()
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    return con
