"""Urgency and impact from a ticket's words, priority from the ITIL matrix, and the SLA due
date from a per-priority policy. Pure and explainable: each level says which cue set it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum


class Level(IntEnum):
    low = 1
    medium = 2
    high = 3


class Priority(IntEnum):
    """ITIL's four levels; P1 is the most pressing."""

    critical = 1
    high = 2
    medium = 3
    low = 4


def _cues(*phrases: str) -> re.Pattern[str]:
    # Matched against lowercased text: twice as fast as re.IGNORECASE on these alternations.
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


# Time pressure: someone is blocked now, money is moving, or there is a deadline.
_URGENT_HIGH = _cues(
    r"urgent(?:ly)?",
    "asap",
    "immediately",
    "right now",
    "emergency",
    "stolen",
    "fraud\\w*",
    "hacked",
    "compromised",
    "unauthori[sz]ed",
    "blocked",
    "locked out",
    "can'?t (?:log ?in|access|pay|use)",
    "cannot (?:log ?in|access|pay|use)",
    "not working",
    "(?:is|are|went) down",
    "outage",
    "today",
    "deadline",
    "double charged",
    "charged twice",
)
_URGENT_MEDIUM = _cues(
    "soon",
    "still",
    "waiting",
    "pending",
    "delayed",
    "stuck",
    "failed",
    "declined",
    "error",
    "again",
    "tomorrow",
    "this week",
    "wrong",
)
# Reach: how many people, or how much money, the problem touches.
_IMPACT_HIGH = _cues(
    "all (?:users|customers|accounts|employees)",
    "everyone",
    "every(?:body| user)",
    "company[- ]wide",
    "whole (?:team|company|department)",
    "production",
    "customers? (?:can'?t|cannot)",
    "security",
    "data (?:breach|leak)",
    "fraud\\w*",
    "stolen",
    "hacked",
    "compromised",
)
_IMPACT_MEDIUM = _cues(
    "team",
    "department",
    "several",
    "multiple",
    "many",
    "payments?",
    "salary",
    "transfer",
    "account",
    "card",
    "money",
    "refund",
    "charged?",
)

# Urgency x impact -> priority, as in ITIL's usual 3x3 matrix.
_MATRIX: dict[tuple[Level, Level], Priority] = {
    (Level.high, Level.high): Priority.critical,
    (Level.high, Level.medium): Priority.high,
    (Level.medium, Level.high): Priority.high,
    (Level.high, Level.low): Priority.medium,
    (Level.medium, Level.medium): Priority.medium,
    (Level.low, Level.high): Priority.medium,
    (Level.medium, Level.low): Priority.low,
    (Level.low, Level.medium): Priority.low,
    (Level.low, Level.low): Priority.low,
}


@dataclass(frozen=True)
class Assessment:
    level: Level
    cue: str | None  # the words that decided it, for people to check


def _assess(text: str, high: re.Pattern[str], medium: re.Pattern[str]) -> Assessment:
    text = text.lower()
    if found := high.search(text):
        return Assessment(Level.high, found.group(0))
    if found := medium.search(text):
        return Assessment(Level.medium, found.group(0))
    return Assessment(Level.low, None)


def urgency(text: str) -> Assessment:
    return _assess(text, _URGENT_HIGH, _URGENT_MEDIUM)


def impact(text: str) -> Assessment:
    return _assess(text, _IMPACT_HIGH, _IMPACT_MEDIUM)


def priority(urgency_level: Level, impact_level: Level) -> Priority:
    return _MATRIX[(urgency_level, impact_level)]


@dataclass(frozen=True)
class SlaPolicy:
    """Hours to resolve, per priority; configurable in settings."""

    critical_h: float = 4
    high_h: float = 8
    medium_h: float = 24
    low_h: float = 72

    def due(self, opened_at: datetime, level: Priority) -> datetime:
        hours = {
            Priority.critical: self.critical_h,
            Priority.high: self.high_h,
            Priority.medium: self.medium_h,
            Priority.low: self.low_h,
        }[level]
        return opened_at + timedelta(hours=hours)
