"""The emotion models side by side: GoEmotions dev macro-F1, milliseconds per sentence on one
core, artifact size.

    .venv/bin/python bench/emotion_models.py

Dev is never seen in training or tuning. Speed: every dev comment scored once, in batches of
32 (as a document's sentences are), one thread for onnxruntime; CPU time of this process.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "services/analysis/data/goemotions/dev.tsv"


def main() -> int:
    import joblib
    import numpy as np
    from sklearn.metrics import f1_score

    from insightbus.analysis.domain.emotions import (
        DEFAULT_PATH,
        ENCODER_FILE,
        TFIDF,
        TOKENIZER_FILE,
        EmotionModel,
    )

    labels = (DEV.parent / "labels.txt").read_text().split()
    texts, rows = [], []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        y = np.zeros(len(labels), dtype=bool)
        y[[int(i) for i in ids.split(",")]] = True
        texts.append(text)
        rows.append(y)
    gold = np.vstack(rows)
    sizes = {
        "tfidf": DEFAULT_PATH.stat().st_size,
        "encoder": sum(
            (DEFAULT_PATH.with_name(f)).stat().st_size for f in (ENCODER_FILE, TOKENIZER_FILE)
        ),
    }
    tfidf = EmotionModel.load(prefer="tfidf")
    fused = EmotionModel.load()
    assert fused.encoder is not None, "no encoder beside the TF-IDF artifact"
    encoder = fused.encoder

    def timed(score: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, float]:
        score(texts[:64])  # warm
        started = time.process_time()
        out = np.vstack([score(texts[i : i + 32]) for i in range(0, len(texts), 32)])
        return out, (time.process_time() - started) * 1000 / len(texts)

    p_tfidf, ms_tfidf = timed(lambda batch: tfidf.predict_proba(batch))
    p_encoder, ms_encoder = timed(encoder.run)
    candidates = joblib.load(DEFAULT_PATH)["fused"]["candidates"]

    def row(name: str, probabilities: np.ndarray, thresholds: Any, ms: float, mb: float) -> None:
        predicted = EmotionModel(fused.labels, np.asarray(thresholds), None).decide(probabilities)
        print(
            json.dumps(
                {
                    "model": name,
                    "dev_macro_f1": round(
                        float(f1_score(gold, predicted, average="macro", zero_division=0)), 4
                    ),
                    "dev_micro_f1": round(
                        float(f1_score(gold, predicted, average="micro", zero_division=0)), 4
                    ),
                    "cpu_ms_per_sentence": round(ms, 3),
                    "artifact_mb": round(mb, 1),
                }
            ),
            flush=True,
        )

    mb_tfidf, mb_encoder = sizes["tfidf"] / 1e6, sizes["encoder"] / 1e6
    row(TFIDF, p_tfidf, tfidf.thresholds, ms_tfidf, mb_tfidf)
    for weight, thresholds in sorted(candidates.items()):
        chosen = " (shipped: best on the tuning slice)" if weight == fused.encoder_weight else ""
        name = f"{weight} * encoder + {1 - weight:.1f} * tfidf{chosen}"
        ms = ms_encoder + (ms_tfidf if weight < 1 else 0.0)
        mb = mb_encoder + (mb_tfidf if weight < 1 else 0.0)
        row(name, weight * p_encoder + (1 - weight) * p_tfidf, thresholds, ms, mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
