"""Demo ticket files for ``POST /api/csv/generate``: real customer requests dressed the way
a help desk receives them, signed like a client would sign them.

The requests are given by the caller (the gateway reads them from
``adapters/corpus/``, see its README): real, varied wording the shipped classifier never saw. Greetings, context lines, sign-offs, reporters and times vary around
them, as in a real inbox.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

HEADER = ("issue_key", "summary", "description", "reporter", "created_at")

_FIRST = [
    "Amara",
    "Aiko",
    "Ben",
    "Carlos",
    "Chloe",
    "Daniel",
    "Elena",
    "Fatima",
    "Grace",
    "Hannah",
    "Ibrahim",
    "Isla",
    "Jonas",
    "Kofi",
    "Laura",
    "Liam",
    "Maya",
    "Mateo",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Sara",
    "Sofia",
    "Tariq",
    "Yuki",
    "Zoe",
]
_LAST = [
    "Adeyemi",
    "Bauer",
    "Chen",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Mendes",
    "Nakamura",
    "Novak",
    "Okafor",
    "Patel",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Tanaka",
    "Walsh",
    "Zhang",
]
_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "example.org")
_GREETINGS = ("", "", "", "Hi,", "Hello,", "Hi team,", "Good morning,", "Hello support,", "Hey,")
_CONTEXT = (
    "I'm using the iOS app, version {major}.{minor}.",
    "I'm on the Android app, latest version.",
    "This started on {date}.",
    "My account number ends in {digits}.",
    "The card ends in {digits}.",
    "Reference: TX-{ref}.",
    "I already tried logging out and back in.",
    "I contacted you in chat earlier but got no answer.",
    "Screenshot attached.",
    "I'm travelling abroad at the moment.",
)
_PRESSURE = (
    "Please help asap.",
    "I need this sorted today.",
    "This is urgent, I have bills to pay.",
    "Could you look into it when you have a moment?",
    "No rush, just want to understand.",
)
_SIGN_OFFS = ("Thanks", "Thank you", "Regards", "Best", "Cheers", "Kind regards")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def summary_of(text: str, limit: int = 80) -> str:
    """A subject line, as people write them: the first sentence, cut at a word."""
    first = _SENTENCE.split(text.strip(), maxsplit=1)[0]
    first = first[0].upper() + first[1:] if first else first
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _description(rng: random.Random, request: str, first_name: str, now: datetime) -> str:
    parts = []
    if greeting := rng.choice(_GREETINGS):
        parts.append(greeting)
    parts.append(request[0].upper() + request[1:])
    if rng.random() < 0.35:
        day = (now - timedelta(days=rng.randint(1, 10))).strftime("%d %B")
        parts.append(
            rng.choice(_CONTEXT).format(
                major=rng.randint(5, 9),
                minor=rng.randint(0, 12),
                date=day,
                digits=f"{rng.randint(0, 9999):04d}",
                ref=rng.randint(100000, 999999),
            )
        )
    if rng.random() < 0.15:
        parts.append(rng.choice(_PRESSURE))
    if rng.random() < 0.5:
        parts.append(f"{rng.choice(_SIGN_OFFS)}, {first_name}")
    return "\n".join(parts) if rng.random() < 0.3 else " ".join(parts)


def generate_csv(
    count: int, now: datetime, requests: Sequence[str], rng: random.Random | None = None
) -> bytes:
    """``count`` tickets as CSV (header row first), oldest first, worded as ``requests``."""
    rng = rng or random.Random()
    chosen = (
        rng.sample(requests, count) if count <= len(requests) else rng.choices(requests, k=count)
    )
    ages = sorted((rng.uniform(0, 72 * 3600) for _ in range(count)), reverse=True)
    number = rng.randint(1000, 9000)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for request, age in zip(chosen, ages, strict=True):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        number += rng.randint(1, 3)
        reporter = f"{first}.{last}@{rng.choice(_DOMAINS)}".lower()
        writer.writerow(
            (
                f"SUP-{number}",
                summary_of(request),
                _description(rng, request, first, now),
                reporter if rng.random() < 0.9 else f"{first} {last}",
                (now - timedelta(seconds=age)).isoformat(timespec="seconds"),
            )
        )
    return out.getvalue().encode()
