"""Where the pacts live, and the check that keeps them the consumers' recorded expectations.

A consumer test writes its pact to a temporary folder; :func:`matches_committed` compares
it with ``contracts/pacts/<consumer>-<provider>.json``. A consumer that changes what it
expects regenerates the file (``UPDATE_PACTS=1``) and commits it; the provider verification
(``test_provider.py``) only ever reads the committed files.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

PACTS = Path(__file__).resolve().parent / "pacts"


def _comparable(pact: dict[str, Any]) -> dict[str, Any]:
    """The pact without what the writing library adds (its versions)."""
    return {
        "consumer": pact["consumer"],
        "provider": pact["provider"],
        "interactions": sorted(pact["interactions"], key=lambda i: str(i["description"])),
    }


def matches_committed(written: Path, consumer: str, provider: str) -> None:
    name = f"{consumer}-{provider}.json"
    fresh = written / name
    committed = PACTS / name
    if os.environ.get("UPDATE_PACTS") == "1" or not committed.exists():
        shutil.copy(fresh, committed)
        if os.environ.get("UPDATE_PACTS") != "1":
            raise AssertionError(f"{committed} was missing: written now, commit it")
        return
    new, old = (_comparable(json.loads(p.read_text())) for p in (fresh, committed))
    assert new == old, (
        f"the expectations of {consumer} changed: regenerate {committed} with UPDATE_PACTS=1 "
        "and commit it (the provider is verified against the committed file)"
    )
