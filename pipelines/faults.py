"""Test hook: pause the pipeline at a named point so a test can SIGKILL it there.

``JCW_TEST_PAUSE_AT=<point>:<seconds>`` (points: ``ingest`` after the first file of a
run is committed, ``publish`` after the serving file is written, before it is
switched). Unset in normal use; it only ever sleeps.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_ENV = "JCW_TEST_PAUSE_AT"


def pause_point(point: str) -> None:
    name, _, seconds = os.environ.get(PAUSE_ENV, "").partition(":")
    if name == point:
        print(f"{point} paused", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 600))
