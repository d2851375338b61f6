"""A child started by the test helpers dies with its parent, even on SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from insightbus.common.testing.processes import alive

# The parent: starts a long sleep through the helpers, prints its pid, and waits.
PARENT = """
import sys, time
from pathlib import Path
from insightbus.common.testing import processes
child = processes.start([sys.executable, "-c", "import time; time.sleep(600)"], log=Path(sys.argv[1]))
print(child.pid, flush=True)
time.sleep(600)
"""


def test_a_started_process_dies_when_its_parent_is_killed(tmp_path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "child.log")],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while alive(child):
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.02)
    finally:
        os.killpg(parent.pid, signal.SIGKILL) if alive(parent.pid) else None
