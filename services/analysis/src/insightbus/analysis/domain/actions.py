"""Action items: commitments, intentions and homework said out loud in the session."""

from __future__ import annotations

import re
from collections.abc import Sequence

from insightbus.analysis.domain.model import ActionItemSuggestion, Segment, excerpt
from insightbus.analysis.domain.segmentation import split_sentences

_MAX_ITEMS = 10
# "I will call my sister" -> "call my sister". Each pattern captures the action itself.
_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(?:i|we)(?:'ll| will| shall)\s+(?:definitely\s+|really\s+|also\s+)?(?P<action>.+)",
        r"\b(?:i|we)(?:'m| am| are|'re)\s+going\s+to\s+(?P<action>.+)",
        r"\b(?:i|we)\s+(?:need|have|plan|want|promise|commit|intend)\s+to\s+(?P<action>.+)",
        r"\b(?:i|we|you)\s+(?:should|must|ought to)\s+(?P<action>.+)",
        r"\blet(?:'s| us)\s+(?P<action>.+)",
        r"\b(?:try|remember|make sure)\s+to\s+(?P<action>.+)",
        r"\b(?:homework|todo|to-do|to do|next step|action item|follow[- ]up)s?\s*(?:is|:|-)\s*(?P<action>.+)",
    )
]
_STRIP_TAIL = re.compile(r"[\s,;:.!?]+$")
_WEAK = re.compile(r"^(?:be|do|see|have|get|go|think|know|feel)\b(?:\s+\w+)?$", re.IGNORECASE)


def _clean(action: str) -> str:
    action = re.split(r"[.!?;]|\b(?:but|because|although|though)\b", action)[0]
    action = _STRIP_TAIL.sub("", " ".join(action.split()))
    action = re.sub(r"\bmyself\b", "yourself", action, flags=re.IGNORECASE)
    action = re.sub(r"\bmy\b", "your", action, flags=re.IGNORECASE)
    return action[:1].upper() + action[1:200]


def suggest_action_items(segments: Sequence[Segment]) -> list[ActionItemSuggestion]:
    found: list[ActionItemSuggestion] = []
    seen: set[str] = set()
    for segment in segments:
        for sentence in split_sentences(segment.text):
            if sentence.rstrip().endswith("?"):
                continue  # a question is not a commitment
            for clause in re.split(r",\s*(?:and\s+)?|\band\s+(?=(?:i|we)\b)", sentence):
                title = _match(clause)
                if title is None or title.lower() in seen:
                    continue
                seen.add(title.lower())
                found.append(
                    ActionItemSuggestion(title, segment.index, excerpt(sentence), segment.speaker)
                )
                if len(found) == _MAX_ITEMS:
                    return found
    return found


def _match(clause: str) -> str | None:
    for pattern in _PATTERNS:
        m = pattern.search(clause)
        if m:
            title = _clean(m.group("action"))
            if len(title.split()) >= 2 and not _WEAK.match(title):
                return title
    return None
