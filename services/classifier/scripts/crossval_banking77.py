"""5-fold cross-validation of the category model on the BANKING77 training split.

    .venv/bin/python services/classifier/scripts/crossval_banking77.py

Each fold trains on four fifths and scores the fifth it never saw (stratified, fixed seed).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from insightbus.classifier.domain.category_model import CategoryModel
from insightbus.classifier.domain.labelled_data import read_labelled

DATA = Path(__file__).resolve().parents[1] / "data" / "banking77" / "train.csv"


def main() -> None:
    texts, labels = read_labelled(DATA, "text", "category")
    x, y = np.array(texts, dtype=object), np.array(labels)
    folds = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=7).split(x, y):
        started = time.perf_counter()
        model = CategoryModel.train(list(x[train]), list(y[train]))
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        predicted = [p.label for p in model.predict(list(x[test]))]
        ms = (time.perf_counter() - started) * 1000 / len(test)
        folds.append(
            {
                "accuracy": accuracy_score(y[test], predicted),
                "macro_f1": f1_score(y[test], predicted, average="macro"),
                "fit_s": fit_s,
                "ms_per_ticket": ms,
            }
        )
        print(json.dumps({k: round(v, 4) for k, v in folds[-1].items()}), flush=True)
    summary = {k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0]}
    summary["accuracy_std"] = round(float(np.std([f["accuracy"] for f in folds])), 4)
    summary["n"] = len(texts)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
