"""Each event's versions stay compatible, and a released version's schema never changes.

Subscribers outside the platform read our topics with the schemas we published: a new
version may only add optional fields (``compatibility.breaking_changes``), and what was
released (``libs/common/schemas/released/``, one file per version) stays as it was, in the
models and in the files: a test holds each file to its content as first committed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from insightbus.common.events import REGISTRY, SUPERSEDED, json_schemas
from insightbus.common.events.compatibility import breaking_changes
from insightbus.common.events.releases import file_name, release_new

ROOT = Path(__file__).resolve().parents[3]
RELEASED = ROOT / "libs" / "common" / "schemas" / "released"

#: Breaks released before this check existed, and why subscribers were not left stranded.
#: Nothing new goes here: an incompatible change is a new topic (``topics.py``), not a version.
ACCEPTED = {
    # v1 readers ignore the new field; our own consumers read v1 as v2 through its upcast
    # (SUPERSEDED, model="tfidf-logreg"), and the README tells subscribers to do the same.
    ("analysis.completed", 2): ["added field 'model' is required"],
}


def versions() -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for event_type, version in sorted([*REGISTRY, *SUPERSEDED]):
        found[event_type].append(version)
    return found


def test_each_version_is_compatible_with_the_one_before() -> None:
    schemas = json_schemas()
    for event_type, numbers in versions().items():
        assert numbers == list(range(1, len(numbers) + 1)), f"{event_type}: versions {numbers}"
        for old, new in pairwise(numbers):
            problems = breaking_changes(
                schemas[f"{event_type}.v{old}"], schemas[f"{event_type}.v{new}"]
            )
            assert problems == ACCEPTED.get((event_type, new), []), f"{event_type} v{new}"


def test_every_version_is_released_as_its_model_says() -> None:
    # A failure here: a released version's model changed (make a new version instead), or a
    # new version has no file yet (`insightbus schemas --release libs/common/schemas/released`).
    files = {p.name: json.loads(p.read_text()) for p in RELEASED.glob("*.json")}
    schemas = {file_name(name): schema for name, schema in json_schemas().items()}
    assert sorted(files) == sorted(schemas)
    for name, schema in schemas.items():
        assert files[name] == schema, f"{name} was released: its schema may not change"


def test_no_released_schema_file_was_edited_or_removed() -> None:
    assert changed_since_release(ROOT, RELEASED) == []


def test_an_edited_or_removed_released_file_is_caught(tmp_path: Path) -> None:
    # The check above, on a repository of its own: release every version, commit, then edit
    # one file and remove another.
    released = tmp_path / "released"
    assert len(release_new(released)) == len(json_schemas())
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    git(tmp_path, *identity, "commit", "-qm", "release")
    assert changed_since_release(tmp_path, released) == []
    assert release_new(released) == []  # nothing is rewritten

    edited = released / "emotion.detected.v1.json"
    schema = json.loads(edited.read_text())
    schema["required"].remove("excerpt")
    edited.write_text(json.dumps(schema))
    (released / "session.deleted.v1.json").unlink()
    assert changed_since_release(tmp_path, released) == [
        "released/emotion.detected.v1.json changed since it was released",
        "released/session.deleted.v1.json was removed",
    ]


def changed_since_release(root: Path, directory: Path) -> list[str]:
    """The released files under ``directory`` whose content is not what their first commit
    gave them, or that are gone."""
    where = directory.relative_to(root).as_posix()
    log = git(root, "log", "--diff-filter=A", "--name-only", "--format=commit %H", "--", where)
    first: dict[str, str] = {}  # path -> the commit that added it first (git log: newest first)
    commit = ""
    for line in log.splitlines():
        if line.startswith("commit "):
            commit = line.removeprefix("commit ")
        elif line.strip():
            first[line.strip()] = commit
    problems = []
    for path, commit in sorted(first.items()):
        current = root / path
        if not current.exists():
            problems.append(f"{path} was removed")
        elif json.loads(git(root, "show", f"{commit}:{path}")) != json.loads(current.read_text()):
            problems.append(f"{path} changed since it was released")
    return problems


def git(root: Path, *args: str) -> str:
    binary = shutil.which("git")
    if binary is None:
        pytest.fail("git is needed: released schemas are checked against their history")
    result = subprocess.run([binary, *args], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout
