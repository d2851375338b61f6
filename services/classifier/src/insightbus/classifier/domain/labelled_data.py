"""Reading labelled tickets from a CSV whose column names the user chooses."""

from __future__ import annotations

import csv
from pathlib import Path


def read_labelled(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    texts: list[str] = []
    labels: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or ())
        if missing:
            found = ", ".join(reader.fieldnames or ()) or "none"
            raise ValueError(
                f"{path}: missing column(s) {', '.join(sorted(missing))} (found: {found})"
            )
        for line, row in enumerate(reader, start=2):
            text, label = (row[text_column] or "").strip(), (row[label_column] or "").strip()
            if not text or not label:
                raise ValueError(
                    f"{path}:{line}: empty {text_column if not text else label_column}"
                )
            texts.append(text)
            labels.append(label)
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels
