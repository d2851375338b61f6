"""The SDK's ten lines, as the root README and the SDK's README show them, run against the
stack: the documented code works as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from clients.python.tests.conftest import DIARY
from tests.conftest import ROOT, RunningStack

BLOCK = re.compile(r"<!-- sdk-example[^>]*-->\n```python\n(.*?)```", re.S)


def example(readme: Path) -> str:
    found = BLOCK.findall(readme.read_text())
    assert len(found) == 1, readme
    return str(found[0])


def test_both_readmes_show_the_same_example() -> None:
    assert example(ROOT / "README.md") == example(ROOT / "clients/python/README.md")


def test_the_readme_example_runs_against_the_stack(sdk_stack: RunningStack, tmp_path: Path) -> None:
    # (Its access tokens last 2 s: the example outlives some, and must not notice.)
    (tmp_path / "diary.txt").write_text(DIARY)
    run = subprocess.run(
        [sys.executable, "-c", example(ROOT / "README.md")],
        cwd=tmp_path,
        env={**os.environ, "INSIGHTBUS_URL": sdk_stack.base_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    names = {line.split()[0] for line in lines}
    assert {"anger", "gratitude"} <= names, run.stdout
    assert any("grateful to have her" in line for line in lines)
