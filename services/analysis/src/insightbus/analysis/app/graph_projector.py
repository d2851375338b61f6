"""Projects sessions, the analysis' findings and action items into the graph (consumer
group "analysis-graph"): ``(:User)-[:OWNS]->(:Session)-[:CONTAINS]->(:Emotion|:Topic|...)``.

No inbox: every write of the graph is a MERGE on ids (see ``common.graph.port``), so a
redelivery changes nothing, and a deleted session stays deleted whatever comes after.
Action items come from the gateway's topic, not from the suggestions: the gateway owns
them (a suggestion the user deleted must not come back).

While the graph cannot be reached the projector waits for it, rather than fail: the bus
retries a failing handler a few times and then dead-letters the event, so a graph down
for a minute would lose that minute's findings for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from insightbus.common.events.action_items import ActionItemDeleted, ActionItemEvent
from insightbus.common.events.analysis import EmotionDetected, InsightGenerated, TopicDetected
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.graph import (
    ActionItemNode,
    EmotionNode,
    Graph,
    GraphUnavailable,
    InsightNode,
    SessionNode,
    TopicMention,
)

log = logging.getLogger(__name__)

#: Waits between attempts while the graph is unavailable: doubling up to the last.
BACKOFF_S = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


class GraphProjector:
    def __init__(self, graph: Graph, backoff_s: Sequence[float] = BACKOFF_S) -> None:
        self._graph = graph
        self._backoff_s = tuple(backoff_s)

    async def session_created(self, event: SessionCreated) -> None:
        node = SessionNode(event.session_id, event.user_id, event.title, event.created_at)
        await self._patiently(lambda: self._graph.put_session(node))

    async def session_deleted(self, event: SessionDeleted) -> None:
        await self._patiently(lambda: self._graph.remove_session(event.user_id, event.session_id))

    async def emotions(self, events: Sequence[EmotionDetected]) -> None:
        nodes = [
            EmotionNode(
                id=e.emotion_id,
                session_id=e.session_id,
                user_id=e.user_id,
                content_id=e.content_id,
                name=e.name,
                intensity=e.intensity,
                timestamp=e.timestamp,
                segment=e.segment,
            )
            for e in events
        ]
        await self._patiently(lambda: self._graph.put_emotions(nodes))

    async def topics(self, events: Sequence[TopicDetected]) -> None:
        mentions = [
            TopicMention(e.session_id, e.user_id, e.content_id, e.label, e.score) for e in events
        ]
        await self._patiently(lambda: self._graph.put_topics(mentions))

    async def insights(self, events: Sequence[InsightGenerated]) -> None:
        nodes = [
            InsightNode(
                id=e.insight_id,
                session_id=e.session_id,
                user_id=e.user_id,
                content_id=e.content_id,
                kind=e.kind,
                title=e.title,
                description=e.description,
                confidence=e.confidence,
            )
            for e in events
        ]
        await self._patiently(lambda: self._graph.put_insights(nodes))

    async def action_items(self, events: Sequence[ActionItemEvent]) -> None:
        """Created or updated: the item as it now is."""
        nodes = [
            ActionItemNode(
                id=e.action_item.id,
                session_id=e.session_id,
                user_id=e.user_id,
                title=e.action_item.title,
                description=e.action_item.description,
                status=e.action_item.status,
                due_date=e.action_item.due_date,
                source=e.action_item.source,
                created_at=e.action_item.created_at,
                updated_at=e.action_item.updated_at,
            )
            for e in events
        ]
        await self._patiently(lambda: self._graph.put_action_items(nodes))

    async def action_item_deleted(self, event: ActionItemDeleted) -> None:
        await self._patiently(lambda: self._graph.remove_action_item(event.action_item.id))

    async def _patiently(self, write: Callable[[], Awaitable[None]]) -> None:
        """``write`` until the graph takes it. Other errors propagate (retries, then the
        dead letter); stopping the bus cancels the wait, and the event comes again."""
        waited = 0
        while True:
            try:
                await write()
            except GraphUnavailable as exc:
                if waited == 0:
                    log.warning(
                        "the graph is unavailable; projecting waits", extra={"why": str(exc)}
                    )
                delay = self._backoff_s[min(waited, len(self._backoff_s) - 1)]
                waited += 1
                await asyncio.sleep(delay)
                continue
            if waited:
                log.info("the graph is back; projecting goes on", extra={"attempts": waited + 1})
            return
