"""The graph where there is none: every question is answered with the reason."""

from __future__ import annotations

from collections.abc import Sequence

from insightbus.common.graph.port import (
    ActionItemNode,
    EmotionNode,
    GraphUnavailable,
    InsightNode,
    Journey,
    SessionNode,
    TopicMention,
)

TURNED_OFF = "the graph is turned off on this server (INSIGHTBUS_GRAPH=off)"


class OffGraph:
    def __init__(self, reason: str = TURNED_OFF) -> None:
        self.reason = reason

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def healthy(self) -> bool:
        return False

    def _refuse(self) -> GraphUnavailable:
        return GraphUnavailable(self.reason)

    async def put_session(self, session: SessionNode) -> None:
        raise self._refuse()

    async def put_emotions(self, emotions: Sequence[EmotionNode]) -> None:
        raise self._refuse()

    async def put_topics(self, mentions: Sequence[TopicMention]) -> None:
        raise self._refuse()

    async def put_insights(self, insights: Sequence[InsightNode]) -> None:
        raise self._refuse()

    async def put_action_items(self, items: Sequence[ActionItemNode]) -> None:
        raise self._refuse()

    async def remove_action_item(self, action_item_id: str) -> None:
        raise self._refuse()

    async def remove_session(self, user_id: str, session_id: str) -> None:
        raise self._refuse()

    async def journey(self, user_id: str, *, sessions: int) -> Journey:
        raise self._refuse()
