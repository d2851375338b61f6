"""Train the emotion model on the GoEmotions training split (and nothing else).

    .venv/bin/python services/analysis/scripts/train_emotions.py

Fits TF-IDF (word 1-2 grams + character 2-5 grams) and one logistic regression per label on
90 % of train.tsv, tunes each label's decision threshold on the other 10 %, then refits on
all of train.tsv and writes the artifact into the package. Deterministic (fixed seeds).

When the fine-tuned encoder is in the package (``finetune_emotions.py``, trained on that
same 90 %), it also tunes the fused model on the held-back 10 %: the encoder's weight in
``w * encoder + (1 - w) * TF-IDF`` and each label's threshold for the fusion.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "goemotions"
OUT = HERE.parent / "src" / "insightbus" / "analysis" / "models"
SEED = 13


def load(path: Path, n_labels: int) -> tuple[list[str], np.ndarray]:
    texts, rows = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        y = np.zeros(n_labels, dtype=np.int8)
        y[[int(i) for i in ids.split(",")]] = 1
        texts.append(text)
        rows.append(y)
    return texts, np.vstack(rows)


def build() -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    min_df=2,
                    max_features=120_000,
                    sublinear_tf=True,
                    lowercase=True,
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=3,
                    max_features=150_000,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    classifier = OneVsRestClassifier(
        LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", max_iter=200),
        n_jobs=None,
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def tune_thresholds(probabilities: np.ndarray, gold: np.ndarray) -> np.ndarray:
    grid = np.arange(0.05, 0.96, 0.01)
    best = np.full(gold.shape[1], 0.5)
    for j in range(gold.shape[1]):
        scores = [f1_score(gold[:, j], probabilities[:, j] >= t, zero_division=0) for t in grid]
        best[j] = grid[int(np.argmax(scores))]
    return best


def tune_fusion(
    tfidf: np.ndarray, encoder: np.ndarray, gold: np.ndarray
) -> tuple[float, dict[float, list[float]], float]:
    """The encoder weight with the best macro-F1 on the tuning slice, and every weight's
    tuned thresholds (kept, so that the comparison can be reported)."""
    best, best_score, candidates = 0.0, -1.0, {}
    for weight in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        fused = weight * encoder + (1 - weight) * tfidf
        thresholds = tune_thresholds(fused, gold)
        score = float(f1_score(gold, fused >= thresholds, average="macro", zero_division=0))
        print(f"fusion weight {weight}: tuning-slice macro-F1 {score:.4f}")
        candidates[weight] = thresholds.tolist()
        if score > best_score:
            best, best_score = weight, score
    return best, candidates, best_score


def encoder_probabilities(texts: list[str]) -> np.ndarray | None:
    from insightbus.analysis.domain.emotions import ENCODER_FILE, TOKENIZER_FILE
    from insightbus.common.onnx_text import OnnxTextModel

    if not (OUT / ENCODER_FILE).is_file():
        return None
    encoder = OnnxTextModel(OUT / ENCODER_FILE, OUT / TOKENIZER_FILE, "probabilities", threads=2)
    return encoder.run(texts)


def main() -> int:
    labels = (DATA / "labels.txt").read_text().split()
    texts, gold = load(DATA / "train.tsv", len(labels))
    started = time.perf_counter()

    fit_texts, tune_texts, fit_gold, tune_gold = train_test_split(
        texts, gold, test_size=0.1, random_state=SEED
    )
    model = build().fit(fit_texts, fit_gold)
    tune_probabilities = model.predict_proba(tune_texts)
    thresholds = tune_thresholds(tune_probabilities, tune_gold)
    fused, fused_meta = None, None
    encoded = encoder_probabilities(tune_texts)
    if encoded is not None:
        weight, candidates, score = tune_fusion(tune_probabilities, encoded, tune_gold)
        fused = {"weight": weight, "thresholds": candidates[weight], "candidates": candidates}
        fused_meta = {
            "weight": weight,
            "thresholds": [round(float(t), 2) for t in candidates[weight]],
            "tuning_slice_macro_f1": round(score, 4),
        }

    model = build().fit(texts, gold)
    seconds = time.perf_counter() - started

    OUT.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {"pipeline": model, "labels": labels, "thresholds": thresholds.tolist(), "fused": fused},
        OUT / "emotions.joblib",
        compress=3,
    )
    meta = {
        "labels": labels,
        "thresholds": [round(float(t), 2) for t in thresholds],
        "train_rows": len(texts),
        "threshold_tuning_rows": len(tune_texts),
        "training_seconds": round(seconds, 1),
        "fused": fused_meta,
        "sklearn_version": sklearn.__version__,
        "config": "tfidf word 1-2g + char_wb 2-5g, one-vs-rest logistic regression (C=4, balanced)",
        "data": "GoEmotions train split (Demszky et al., ACL 2020), CC BY 4.0",
    }
    (OUT / "emotions.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps({k: meta[k] for k in ("train_rows", "training_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
