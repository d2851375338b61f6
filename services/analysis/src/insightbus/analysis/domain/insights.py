"""Insights: what the emotions and topics say about the session as a whole."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from insightbus.analysis.domain.model import Emotion, Insight, Segment, Topic

_SENTIMENT_FILE = Path(__file__).resolve().parents[1] / "models" / "sentiment.json"
# GoEmotions' own grouping of its labels (sentiment_dict.json of the upstream release).
VALENCE: dict[str, int] = {
    label: {"positive": 1, "negative": -1}.get(group, 0)
    for group, labels in json.loads(_SENTIMENT_FILE.read_text()).items()
    for label in labels
}
_SHIFT_THRESHOLD = 0.15


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f" at {hours:02d}:{minutes:02d}:{secs:02d}"


def _names(counts: Counter[str], n: int = 3) -> str:
    top = [name for name, _ in counts.most_common(n)]
    return top[0] if len(top) == 1 else ", ".join(top[:-1]) + " and " + top[-1]


def dominant_emotions(emotions: Sequence[Emotion], segments: Sequence[Segment]) -> Insight | None:
    if not emotions:
        return None
    weight: Counter[str] = Counter()
    for e in emotions:
        weight[e.name] += e.intensity  # type: ignore[assignment]
    covered = {e.segment for e in emotions}
    top = weight.most_common(3)
    total = sum(weight.values())
    return Insight(
        kind="dominant_emotion",
        title=f"Mostly {top[0][0]}",
        description=(
            f"The most present emotions were {_names(weight)}, "
            f"across {len(covered)} of {len(segments)} segments."
        ),
        confidence=round(min(1.0, top[0][1] / total + 0.3), 4),
        evidence={"emotions": [{"name": n, "weight": round(w, 3)} for n, w in top]},
    )


def _valence(emotions: Sequence[Emotion], indexes: range) -> float:
    chosen = [e for e in emotions if e.segment in indexes]
    if not chosen:
        return 0.0
    return sum(VALENCE.get(e.name, 0) * e.intensity for e in chosen) / len(indexes)


def emotional_shift(emotions: Sequence[Emotion], segments: Sequence[Segment]) -> Insight | None:
    n = len(segments)
    if n < 2 or not emotions:
        return None
    third = max(1, n // 3)
    early, late = range(0, third), range(n - third, n)
    before, after = _valence(emotions, early), _valence(emotions, late)
    change = after - before
    if abs(change) < _SHIFT_THRESHOLD:
        return None
    direction = "more positive" if change > 0 else "more negative"
    early_names = Counter(e.name for e in emotions if e.segment in early)
    late_names = Counter(e.name for e in emotions if e.segment in late)
    described = (
        f"The session became {direction}: it opened with "
        f"{_names(early_names) if early_names else 'little emotion'} and closed with "
        f"{_names(late_names) if late_names else 'little emotion'}."
    )
    return Insight(
        kind="emotional_shift",
        title=f"Shift towards {direction.split()[1]} feelings",
        description=described,
        confidence=round(min(1.0, abs(change)), 4),
        evidence={"valence_start": round(before, 3), "valence_end": round(after, 3)},
    )


def topic_emotions(emotions: Sequence[Emotion], topics: Sequence[Topic]) -> list[Insight]:
    """A topic's emotion comes from the sentences that mention it (an emotion's excerpt is
    its sentence), not from everything said in the same breath."""
    insights = []
    for topic in topics[:3]:
        words = {w.lower() for w in (*topic.keywords, *topic.label.split())}
        mention = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b", re.I)
        found: Counter[str] = Counter()
        sentences = set()
        for e in emotions:
            if mention.search(e.excerpt):
                found[e.name] += e.intensity  # type: ignore[assignment]
                sentences.add((e.segment, e.excerpt))
        if not found:
            continue
        name, weight = found.most_common(1)[0]
        insights.append(
            Insight(
                kind="topic_emotion",
                title=f"“{topic.label}” comes with {name}",
                description=f"Where “{topic.label}” came up, the strongest emotion was {name}.",
                confidence=round(min(1.0, weight / max(1, len(sentences))), 4),
                evidence={"topic": topic.label, "emotions": dict(found.most_common(3))},
            )
        )
    return insights


def speaker_emotions(emotions: Sequence[Emotion]) -> list[Insight]:
    by_speaker: dict[str, Counter[str]] = defaultdict(Counter)
    for e in emotions:
        if e.speaker:
            by_speaker[e.speaker][e.name] += e.intensity  # type: ignore[assignment]
    if len(by_speaker) < 2:
        return []
    return [
        Insight(
            kind="speaker_emotion",
            title=f"{speaker}: mostly {counts.most_common(1)[0][0]}",
            description=f"{speaker} mostly expressed {_names(counts)}.",
            confidence=round(min(1.0, counts.most_common(1)[0][1] / sum(counts.values()) + 0.3), 4),
            evidence={"speaker": speaker, "emotions": dict(counts.most_common(3))},
        )
        for speaker, counts in sorted(by_speaker.items())
    ]


def peak_moment(emotions: Sequence[Emotion]) -> Insight | None:
    charged = [e for e in emotions if VALENCE.get(e.name, 0) != 0]
    if not charged:
        return None
    peak = max(charged, key=lambda e: e.intensity)
    return Insight(
        kind="peak_moment",
        title=f"Strongest moment: {peak.name}",
        description=f"The most intense moment{_mmss(peak.timestamp)} was {peak.name}: “{peak.excerpt}”",
        confidence=round(peak.intensity, 4),
        evidence={"segment": peak.segment, "timestamp": peak.timestamp, "emotion": peak.name},
    )


def derive_insights(
    segments: Sequence[Segment], emotions: Sequence[Emotion], topics: Sequence[Topic]
) -> list[Insight]:
    single = [
        dominant_emotions(emotions, segments),
        emotional_shift(emotions, segments),
        peak_moment(emotions),
    ]
    found = [i for i in single if i is not None]
    return found + topic_emotions(emotions, topics) + speaker_emotions(emotions)
