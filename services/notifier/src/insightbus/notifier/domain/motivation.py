"""A short motivating message for a challenge at a stress level, aware of the person's
recent emotions when we know them. Pure and deterministic for the same input.

Without a challenge (an empty or blank one) the message is a general one for the day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

#: The stress level a request without one is answered at (of 1-10).
DEFAULT_STRESS_LEVEL = 5
#: The longest challenge taken, in characters.
MAX_CHALLENGE = 500

_CALM = "You have room to take this on step by step."
_TENSE = "It is a lot right now, so make the next step a small one."
_OVERWHELMED = "Pause first: three slow breaths, then only the very next step."

_NEGATIVE = {
    "anger",
    "annoyance",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "fear",
    "grief",
    "nervousness",
    "remorse",
    "sadness",
}
_POSITIVE = {
    "admiration",
    "amusement",
    "approval",
    "caring",
    "excitement",
    "gratitude",
    "joy",
    "love",
    "optimism",
    "pride",
    "relief",
}


def motivation(
    challenge: str, stress_level: int = DEFAULT_STRESS_LEVEL, recent_emotions: Sequence[str] = ()
) -> str:
    challenge = " ".join(challenge.split()).rstrip(".!?")
    it = "it" if challenge else "your day"
    if stress_level >= 8:
        opening, pace = _OVERWHELMED, f"Break {it} into one task you can finish in ten minutes."
    elif stress_level >= 5:
        opening, pace = _TENSE, "Pick the part you understand best and start there."
    else:
        opening, pace = _CALM, "Set a clear goal for today and enjoy ticking it off."
    if challenge:
        parts = [f"About “{challenge}”: {opening}", pace]
    else:
        parts = [f"Whatever today brings: {opening}", pace]
    if recent_emotions:
        counts = Counter(recent_emotions)
        top, _ = counts.most_common(1)[0]
        if top in _NEGATIVE:
            parts.append(f"Lately {top} has come up often; be as kind to yourself as to a friend.")
        elif top in _POSITIVE:
            parts.append(f"Lately you have felt {top} often: that strength is still yours.")
    return " ".join(parts)
