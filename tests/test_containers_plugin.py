"""``make test-containers`` where no Docker engine answers (as on this machine kind): it
runs nothing, says so, and exits 0, or 1 when the run requires the real servers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITE = "libs/common/tests/contract/test_store.py"


def run_without_docker(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "insightbus.common.testing.containers", SUITE],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        # An engine address where none can be, whatever this machine has.
        env={**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock", **env},
    )


def test_without_docker_every_test_is_skipped_and_the_run_says_why() -> None:
    result = run_without_docker()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test-containers: SKIPPED, nothing was run" in result.stdout
    assert "no Docker engine answers" in result.stdout
    assert " passed" not in result.stdout and " skipped" in result.stdout


def test_a_run_that_requires_docker_fails_without_it() -> None:
    result = run_without_docker(INSIGHTBUS_REQUIRE_DOCKER="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no Docker engine answers" in result.stdout + result.stderr
