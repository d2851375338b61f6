"""Documents of real text for the soak test and the benchmarks: GoEmotions dev comments (the
analysis' evaluation split, never trained on), in paragraphs of three."""

from __future__ import annotations

import random
from pathlib import Path

DEV = Path(__file__).resolve().parents[2] / "services/analysis/data/goemotions/dev.tsv"


def documents(n: int, size: int = 2048, seed: int = 7) -> list[str]:
    """``n`` documents of about ``size`` bytes each, the same for the same seed."""
    lines = [row.split("\t")[0] for row in DEV.read_text().splitlines() if row.strip()]
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(lines))
        docs.append("\n\n".join(" ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)))
    return docs
