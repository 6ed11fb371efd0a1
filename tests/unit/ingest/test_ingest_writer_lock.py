"""The one-writer lock: another process cannot take it while a run holds it; re-entrant
within the holding process (``jcw run`` holds it around the in-process Dagster runs)."""

import subprocess
import sys

import pytest

from pipelines import warehouse
from pipelines.settings import Settings

TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
"""


def other_process_can_lock(settings: Settings) -> bool:
    path = str(warehouse.lock_path(settings))
    return subprocess.run([sys.executable, "-c", TRY_LOCK, path]).returncode == 0


def test_lock_excludes_other_processes_and_is_reentrant(tmp_path):
    settings = Settings(data_dir=tmp_path)
    with warehouse.writer_lock(settings):
        assert not other_process_can_lock(settings)
        with warehouse.writer_lock(settings):  # nested: no deadlock
            assert not other_process_can_lock(settings)
        assert not other_process_can_lock(settings)  # still held by the outer block
    assert other_process_can_lock(settings)


def test_connections_carry_the_pipelines_memory_limit(tmp_path, monkeypatch):
    from pipelines.settings import Settings
    from pipelines.warehouse import MEMORY_LIMIT_ENV, connect

    settings = Settings(data_dir=tmp_path)
    shown = {}
    for value in ("1GB", "3GB"):
        monkeypatch.setenv(MEMORY_LIMIT_ENV, value)
        with connect(settings) as con:
            shown[value] = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    # DuckDB shows the limit in its own units: 1 GB = 953.6 MiB, 3 GB = 2.7 GiB
    assert shown == {"1GB": "953.6 MiB", "3GB": "2.7 GiB"}
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match="JCW_DUCKDB_MEMORY_LIMIT"):
        connect(settings)
