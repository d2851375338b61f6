"""What the analysis works on and what it finds: plain values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """Normalized content from the gateway: one transcript entry or paragraph."""

    text: str
    speaker: str | None = None
    start: float | None = None  # seconds from the content's start, when the source had them
    end: float | None = None


@dataclass(frozen=True)
class Segment:
    index: int
    text: str
    speaker: str | None
    start: float | None
    end: float | None


@dataclass(frozen=True)
class Emotion:
    name: str  # a GoEmotions label, never "neutral"
    intensity: float  # 0..1
    segment: int
    timestamp: float | None
    speaker: str | None
    excerpt: str


@dataclass(frozen=True)
class Topic:
    label: str
    score: float  # 0..1 relevance within the session
    keywords: tuple[str, ...]
    segments: tuple[int, ...]


@dataclass(frozen=True)
class Insight:
    kind: str
    title: str
    description: str
    confidence: float
    evidence: dict[str, object]


@dataclass(frozen=True)
class ActionItemSuggestion:
    title: str
    segment: int
    excerpt: str
    speaker: str | None


def excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
