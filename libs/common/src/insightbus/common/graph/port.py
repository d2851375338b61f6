"""The graph port: the analysis' findings as a graph a user's sessions share, and the
questions asked of it. Written by the analysis' projector, read by the gateway's journey
and, directly, by systems outside (the README documents its shape and Cypher examples).

The shape: ``(:User)-[:OWNS]->(:Session)-[:CONTAINS]->(:Emotion|:Topic|:Insight|:ActionItem)``.
Every node has an ``id``. A ``Topic`` is one per user and name, contained by every session
that mentions it: that is how recurring topics connect a user's sessions.

The contract (checked for every adapter by ``libs/common/tests/contract/test_graph.py``):
- Every ``put_*`` is idempotent: putting the same things again changes nothing. Each is one
  write the server applies whole (delivery is at least once, and FalkorDB has no rollback).
- A result may come before its session's ``put_session`` (they travel on different topics):
  it creates the session, which ``put_session`` completes later.
- A session belongs to the first user anything of it named; what names another is dropped.
- ``remove_session`` removes the session and what it contains, and the topics no other
  session of the user contains; anything of it that comes later is dropped, so a late or
  redelivered result never brings it back.
- Reads answer from what is there; an unreachable server raises ``GraphUnavailable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from insightbus.common.errors import Unavailable


class GraphUnavailable(Unavailable):
    """The graph cannot answer now (turned off, unreachable, restarting): a 503 for a
    route, and a pause for the projector, which waits for it rather than dead-letter."""


@dataclass(frozen=True, slots=True)
class SessionNode:
    id: str
    user_id: str
    title: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EmotionNode:
    id: str
    session_id: str
    user_id: str
    content_id: str
    name: str
    intensity: float
    timestamp: float | None  # seconds from the content's start, when it has times
    segment: int


@dataclass(frozen=True, slots=True)
class TopicMention:
    """A session mentions a topic: the topic node is the user's, the score the session's."""

    session_id: str
    user_id: str
    content_id: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class InsightNode:
    id: str
    session_id: str
    user_id: str
    content_id: str
    kind: str
    title: str
    description: str
    confidence: float


@dataclass(frozen=True, slots=True)
class ActionItemNode:
    id: str
    session_id: str
    user_id: str
    title: str
    description: str | None
    status: str
    due_date: datetime | None
    source: str
    created_at: datetime
    updated_at: datetime


# --- what the journey reads ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JourneyEmotion:
    id: str
    name: str
    intensity: float
    timestamp: float | None
    segment: int


@dataclass(frozen=True, slots=True)
class JourneySession:
    id: str
    title: str | None  # None until the session's own event has been projected
    created_at: str | None  # ISO 8601, UTC
    emotions: tuple[JourneyEmotion, ...]  # by segment, then time, then name
    topics: tuple[str, ...]  # by name


@dataclass(frozen=True, slots=True)
class SessionRef:
    id: str
    title: str | None
    created_at: str | None


#: The journey's recurring topics: the ones most sessions share, this many at most, each
#: with its first sessions (this many at most): what it answers stays small, however long
#: the user's history.
RECURRING_TOPICS = 20
SESSIONS_PER_TOPIC = 20


@dataclass(frozen=True, slots=True)
class RecurringTopic:
    name: str
    session_count: int  # all of the user's sessions that contain it (two or more)
    sessions: tuple[SessionRef, ...]  # the first SESSIONS_PER_TOPIC of them, oldest first


@dataclass(frozen=True, slots=True)
class Journey:
    sessions: tuple[JourneySession, ...]  # oldest first
    recurring_topics: tuple[RecurringTopic, ...]  # in the most sessions first, then by name


class Graph(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def healthy(self) -> bool: ...

    async def put_session(self, session: SessionNode) -> None: ...

    async def put_emotions(self, emotions: Sequence[EmotionNode]) -> None: ...

    async def put_topics(self, mentions: Sequence[TopicMention]) -> None: ...

    async def put_insights(self, insights: Sequence[InsightNode]) -> None: ...

    async def put_action_items(self, items: Sequence[ActionItemNode]) -> None:
        """Insert or update (an item's status changes)."""

    async def remove_action_item(self, action_item_id: str) -> None: ...

    async def remove_session(self, user_id: str, session_id: str) -> None: ...

    async def journey(self, user_id: str, *, sessions: int) -> Journey:
        """The user's latest ``sessions`` sessions with their emotions and topics, and the
        topics that recur across all of the user's sessions (``RECURRING_TOPICS`` of them)."""
