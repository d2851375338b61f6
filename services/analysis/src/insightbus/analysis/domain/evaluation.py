"""Scoring the emotion model on labelled data it never saw."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from insightbus.analysis.domain.emotions import EmotionModel


def load_labelled_csv(path: Path, labels: Sequence[str]) -> tuple[list[str], list[set[str]]]:
    """Columns ``text`` and ``labels`` (label names joined by ``|``)."""
    known = set(labels)
    texts: list[str] = []
    gold: list[set[str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "labels"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            names = {n.strip() for n in (row["labels"] or "").split("|") if n.strip()}
            if not names:
                raise ValueError(f"{path}:{line}: no labels")
            unknown = names - known
            if unknown:
                raise ValueError(f"{path}:{line}: unknown label(s) {', '.join(sorted(unknown))}")
            texts.append(row["text"] or "")
            gold.append(names)
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, gold


def evaluate(model: EmotionModel, texts: Sequence[str], gold: Sequence[set[str]]) -> dict[str, Any]:
    index = {name: j for j, name in enumerate(model.labels)}
    truth = np.zeros((len(texts), len(model.labels)), dtype=bool)
    for i, names in enumerate(gold):
        truth[i, [index[n] for n in names]] = True
    predicted = model.decide(model.predict_proba(texts))
    per_label = f1_score(truth, predicted, average=None, zero_division=0)
    return {
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4),
        "micro_f1": round(float(f1_score(truth, predicted, average="micro", zero_division=0)), 4),
        "n": len(texts),
        "per_label_f1": {
            name: round(float(f), 4) for name, f in zip(model.labels, per_label, strict=True)
        },
    }
