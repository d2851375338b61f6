"""Read models fed by the analysis' events: the gateway answers from these, so it keeps
answering while the analysis service is down. Every write is keyed by an id from the
event, so a redelivered event changes nothing."""

from __future__ import annotations

import contextlib
import uuid

from insightbus.common.events import Envelope, Event, parse, utcnow
from insightbus.common.events.action_items import ActionItem, ActionItemCreated
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisEvent,
    AnalysisFailed,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.store import Document, DuplicateKey
from insightbus.gateway.state import Gateway

_DERIVED = uuid.UUID("1d4b0f2e-52c4-4f8e-8c55-3f0f3f0c9a11")
_OPEN = {"$in": ["pending", "processing"]}


class AnalysisProjector:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    async def __call__(self, envelope: Envelope) -> None:
        event = parse(envelope)
        if not isinstance(event, AnalysisEvent):
            return
        session = await self._gateway.db.sessions.get(event.session_id)
        if session is None:
            return  # deleted (or never ours): nothing to show it to
        await self._apply(envelope, event, session)

    async def _apply(self, envelope: Envelope, event: Event, session: Document) -> None:
        db = self._gateway.db
        now = utcnow().isoformat()
        match event:
            case AnalysisProgressed():
                await self._status(
                    event, session, "processing", now, progress=event.progress, stage=event.stage
                )
            case AnalysisCompleted():
                await self._status(
                    event, session, "completed", now, progress=100, stage="completed"
                )
            case AnalysisFailed():
                await self._status(event, session, "failed", now, error=event.reason)
            case EmotionDetected():
                await db.emotions.replace(
                    {
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
                )
            case TopicDetected():
                await db.topics.replace(
                    {
                        "id": event.topic_id,
                        "session_id": event.session_id,
                        "content_id": event.content_id,
                        "label": event.label,
                        "score": event.score,
                        "keywords": list(event.keywords),
                        "segments": list(event.segments),
                    }
                )
            case InsightGenerated():
                await db.insights.replace(
                    {
                        "id": event.insight_id,
                        "session_id": event.session_id,
                        "content_id": event.content_id,
                        "kind": event.kind,
                        "title": event.title,
                        "description": event.description,
                        "confidence": event.confidence,
                        "evidence": event.evidence,
                    }
                )
            case ActionItemSuggested():
                await self._suggested(envelope, event, now)

    async def _status(
        self,
        event: AnalysisEvent,
        session: Document,
        status: str,
        now: str,
        *,
        progress: int | None = None,
        stage: str | None = None,
        error: str | None = None,
    ) -> None:
        if session.get("latest_content_id") != event.content_id:
            return  # an older upload's news must not overwrite the newest one's status
        changes: dict[str, object] = {"status": status, "updated_at": now}
        if progress is not None:
            changes["progress"] = progress
        if stage is not None:
            changes["stage"] = stage
        if error is not None:
            changes["error"] = error
        # Only an open analysis moves on: a late or redelivered progress event never
        # reopens a completed or failed one.
        db = self._gateway.db
        moved = await db.analysis_status.update(
            {"id": event.session_id, "content_id": event.content_id, "status": _OPEN}, changes
        )
        if moved:
            await db.sessions.update(
                {"id": event.session_id, "latest_content_id": event.content_id},
                {"status": status, "updated_at": now},
            )

    async def _suggested(self, envelope: Envelope, event: ActionItemSuggested, now: str) -> None:
        if await self._gateway.db.action_items.get(event.action_item_id) is not None:
            return
        item = ActionItem(
            id=event.action_item_id,
            session_id=event.session_id,
            title=event.title,
            description=f"Suggested from: “{event.excerpt}”",
            status="open",
            due_date=None,
            source="analysis",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        # The event is recorded first, under an id derived from the cause: after a crash
        # in between, the redelivery records it again as the same envelope (a no-op).
        await self._gateway.outbox.add(
            ActionItemCreated(session_id=event.session_id, user_id=event.user_id, action_item=item),
            correlation_id=envelope.correlation_id,
            id=uuid.uuid5(_DERIVED, envelope.id).hex,
        )
        with contextlib.suppress(DuplicateKey):
            await self._gateway.db.action_items.insert(
                {**item.model_dump(mode="json"), "user_id": event.user_id}
            )
