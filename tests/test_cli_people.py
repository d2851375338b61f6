"""``insightbus analyse`` and ``insightbus tickets classify`` as people run them: subprocesses
against a running stack; every failure one line and a non-zero exit, no traceback."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import CLI, RunningStack

PASSWORD = "correct horse"
DIARY = """Today was rough. My manager criticized the report in front of the whole team and I felt
humiliated and angry. Later my friend called and we laughed about it; I felt much better and
grateful to have her. I need to finish the budget slides by Friday ... I'm worried about the
deadline but also excited about the new project launch
"""


@pytest.fixture
def user(stack: RunningStack) -> dict[str, str]:
    email = f"cli-{uuid.uuid4().hex[:8]}@example.com"
    r = httpx.post(
        f"{stack.base_url}/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Ada"},
    )
    assert r.status_code == 201, r.text
    return {"INSIGHTBUS_EMAIL": email, "INSIGHTBUS_PASSWORD": PASSWORD}


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        env={**os.environ, "COLUMNS": "160", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


def one_line_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    # One error line, the last (a notice may come before it, e.g. a secret created).
    errors = [line for line in lines if line.startswith(f"{command}: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    return errors[0]


def test_analyse_shows_progress_and_tables(
    stack: RunningStack, user: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "diary.txt").write_text(DIARY)
    result = run(["analyse", "diary.txt", "--server", stack.base_url], user, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "complete" in result.stderr and "100%" in result.stderr  # the progress bar
    for title in ("Emotions over time", "Topics", "Insights"):
        assert title in result.stdout
    assert "anger" in result.stdout and "gratitude" in result.stdout


def test_analyse_refuses_clearly(stack: RunningStack, user: dict[str, str], tmp_path: Path) -> None:
    server = ["--server", stack.base_url]
    (tmp_path / "tool.exe").write_bytes(b"MZ\x90\x00")
    line = one_line_error(
        run(["analyse", "tool.exe", *server], user, tmp_path), "insightbus analyse"
    )
    assert "HTTP 415" in line
    line = one_line_error(
        run(["analyse", "missing.txt", *server], user, tmp_path), "insightbus analyse"
    )
    assert "cannot read missing.txt" in line
    (tmp_path / "diary.txt").write_text(DIARY)
    wrong = {**user, "INSIGHTBUS_PASSWORD": "wrong"}
    line = one_line_error(
        run(["analyse", "diary.txt", *server], wrong, tmp_path), "insightbus analyse"
    )
    assert "invalid email or password (HTTP 401)" in line
    down = ["--server", "http://127.0.0.1:9"]
    line = one_line_error(
        run(["analyse", "diary.txt", *down], user, tmp_path), "insightbus analyse"
    )
    assert "cannot reach the server at http://127.0.0.1:9" in line


def test_tickets_classify_writes_the_classified_csv(
    stack: RunningStack, user: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "desk.csv").write_text(
        "issue_key,summary,description\n"
        "D-1,Card not arrived,I ordered a card two weeks ago and it has not arrived\n"
        "D-2,Refund missing,The refund for my cancelled order never reached my account\n"
        "D-3,Locked out,I cannot log in to the app since this morning\n"
    )
    args = ["tickets", "classify", "desk.csv", "-o", "out.csv", "--server", stack.base_url]
    result = run(args, user, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr and "wrote out.csv" in result.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert [r["issue_key"] for r in rows] == ["D-1", "D-2", "D-3"]
    assert all((r["category"] and r["priority"]) or r["unclassified_reason"] for r in rows)

    (tmp_path / "bad.csv").write_text("issue_key,summary\nX-1,no description column\n")
    bad = ["tickets", "classify", "bad.csv", "--server", stack.base_url]
    line = one_line_error(run(bad, user, tmp_path), "insightbus tickets classify")
    assert "HTTP 422" in line
