"""Reading a session's analysis results, and writing them as events arrive."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

from insightbus.common.events.analysis import EmotionDetected, InsightGenerated, TopicDetected
from insightbus.common.store import Collection, Document, Filter
from insightbus.common.web.dependencies import PageParams

# Stored alongside each result for filtering and deletion; not part of the public shape.
_PRIVATE: Final = frozenset({"session_id", "user_id"})

ResultKind = Literal["emotions", "topics", "insights"]


def _public(doc: Document) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in _PRIVATE}


class AnalysisViews:
    def __init__(self, emotions: Collection, topics: Collection, insights: Collection) -> None:
        self._emotions = emotions
        self._topics = topics
        self._insights = insights

    # --- reads ---------------------------------------------------------------------------

    async def emotions(
        self,
        session_id: str,
        params: PageParams,
        *,
        name: str | None = None,
        min_intensity: float | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        where: dict[str, Any] = {"session_id": session_id}
        if name is not None:
            where["name"] = name.strip().lower()
        if min_intensity is not None:
            where["intensity"] = {"$gte": min_intensity}
        return await self._page(self._emotions, where, [("segment", 1), ("name", 1)], params)

    async def topics(self, session_id: str, params: PageParams) -> tuple[list[dict[str, Any]], int]:
        return await self._page(self._topics, {"session_id": session_id}, [("score", -1)], params)

    async def insights(
        self, session_id: str, params: PageParams
    ) -> tuple[list[dict[str, Any]], int]:
        where = {"session_id": session_id}
        return await self._page(self._insights, where, [("confidence", -1)], params)

    async def of_sessions(
        self,
        kind: ResultKind,
        session_ids: Sequence[str],
        *,
        name: str | None = None,
        min_intensity: float | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """One kind of result of several sessions in one read, each session's in the order
        its own listing has (what a page of sessions with their emotions needs: one read,
        not one per session). ``name`` and ``min_intensity`` filter emotions only."""
        collection, sort = {
            "emotions": (self._emotions, [("segment", 1), ("name", 1)]),
            "topics": (self._topics, [("score", -1)]),
            "insights": (self._insights, [("confidence", -1)]),
        }[kind]
        where: dict[str, Any] = {"session_id": {"$in": list(session_ids)}}
        if kind == "emotions":
            if name is not None:
                where["name"] = name.strip().lower()
            if min_intensity is not None:
                where["intensity"] = {"$gte": min_intensity}
        grouped: dict[str, list[dict[str, Any]]] = {sid: [] for sid in session_ids}
        for doc in await collection.find(where, sort=sort):
            grouped.setdefault(doc["session_id"], []).append(_public(doc))
        return grouped

    @staticmethod
    async def _page(
        collection: Collection,
        where: Filter,
        sort: list[tuple[str, int]],
        params: PageParams,
    ) -> tuple[list[dict[str, Any]], int]:
        docs = await collection.find(where, sort=sort, limit=params.limit, offset=params.offset)
        return [_public(d) for d in docs], await collection.count(where)

    # --- writes (from events): keyed by the result's id, so a redelivery overwrites ------

    async def put_emotions(self, events: Sequence[EmotionDetected]) -> None:
        await self._emotions.replace_many([_emotion_doc(event) for event in events])

    async def put_topics(self, events: Sequence[TopicDetected]) -> None:
        await self._topics.replace_many([_topic_doc(event) for event in events])

    async def put_insights(self, events: Sequence[InsightGenerated]) -> None:
        await self._insights.replace_many([_insight_doc(event) for event in events])

    async def forget_session(self, session_id: str) -> None:
        for collection in (self._emotions, self._topics, self._insights):
            await collection.delete({"session_id": session_id})


def _emotion_doc(event: EmotionDetected) -> dict[str, Any]:
    return {
        "id": event.emotion_id,
        "session_id": event.session_id,
        "content_id": event.content_id,
        "name": event.name,
        "intensity": event.intensity,
        "timestamp": event.timestamp,
        "segment": event.segment,
        "speaker": event.speaker,
        "excerpt": event.excerpt,
    }


def _topic_doc(event: TopicDetected) -> dict[str, Any]:
    return {
        "id": event.topic_id,
        "session_id": event.session_id,
        "content_id": event.content_id,
        "label": event.label,
        "score": event.score,
        "keywords": list(event.keywords),
        "segments": list(event.segments),
    }


def _insight_doc(event: InsightGenerated) -> dict[str, Any]:
    return {
        "id": event.insight_id,
        "session_id": event.session_id,
        "content_id": event.content_id,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "confidence": event.confidence,
        "evidence": event.evidence,
    }
