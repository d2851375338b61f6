"""Kafka topics: part of the public contract. A breaking change gets a new ``.vN`` topic."""

from typing import Final

SESSIONS: Final = "insightbus.sessions.v1"
ANALYSIS: Final = "insightbus.analysis.v1"
ACTION_ITEMS: Final = "insightbus.action-items.v1"
TICKETS: Final = "insightbus.tickets.v1"

ALL: Final = (SESSIONS, ANALYSIS, ACTION_ITEMS, TICKETS)


def dead_letter(topic: str) -> str:
    """Where a poison event goes, with the error, so that processing can go on."""
    return f"{topic}.dlq"
