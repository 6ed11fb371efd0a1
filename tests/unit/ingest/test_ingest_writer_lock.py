"""The one-writer lock: another process cannot take it while a run holds it; re-entrant
within the holding process (``jcw run`` holds it around the in-process Dagster runs)."""

import subprocess
import sys

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
