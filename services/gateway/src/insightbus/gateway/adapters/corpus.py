"""The demo tickets' wording: BANKING77 requests the shipped classifier never saw (see
``corpus/README.md``), read once from the file shipped with the package."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus" / "banking77_holdout.csv"


@cache
def ticket_requests(path: Path = CORPUS) -> tuple[str, ...]:
    with path.open(newline="", encoding="utf-8") as f:
        return tuple(row["text"].strip() for row in csv.DictReader(f) if row["text"].strip())
