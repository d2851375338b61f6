"""Applies the analysis' events to the gateway's read models (consumer group "gateway").

Delivery is at least once, so every change here is safe to apply twice:
- results are upserted under their own ids;
- status changes are compare-and-set on the session: only an open analysis (pending or
  processing) of the session's latest upload moves, and progress never goes back;
- a suggested action item is created once per envelope (the Inbox), under the id the
  analysis gave it, so neither a redelivery nor a re-analysis duplicates it, and one the
  user deleted does not come back.
Events of unknown or deleted sessions are dropped. Status news about an upload that is no
longer the session's latest is dropped too; its results are kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from cachetools import LRUCache

from insightbus.common.events import Envelope, utcnow
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
from insightbus.common.idempotency import Inbox
from insightbus.common.store import Collection
from insightbus.gateway.app.action_items import ActionItems
from insightbus.gateway.app.analysis import AnalysisViews
from insightbus.gateway.domain.sessions import OPEN_ANALYSIS, AnalysisStatus

R = TypeVar("R", bound=AnalysisEvent)
_OWNERS = 10_000  # owners remembered, the latest


class AnalysisProjector:
    """One method per event type (``entrypoints/bus.py`` routes them here)."""

    def __init__(
        self,
        sessions: Collection,
        views: AnalysisViews,
        action_items: ActionItems,
        inbox: Inbox,
    ) -> None:
        self._sessions = sessions
        self._views = views
        self._action_items = action_items
        self._inbox = inbox
        # Sessions' owners, which never change: a document's results come in several runs,
        # and only the first reads the session before writing (all read it after).
        self._owners: LRUCache[str, str] = LRUCache(maxsize=_OWNERS)

    # Status changes check ownership in the compare-and-set itself (the session's id, its
    # owner, its latest upload): one round trip, where a read first would be two.

    async def progressed(self, event: AnalysisProgressed) -> None:
        await self._move(
            event,
            "processing",
            {"progress": event.progress, "stage": event.stage},
            not_past=event.progress,
        )

    async def completed(self, event: AnalysisCompleted) -> None:
        await self._move(
            event, "completed", {"progress": 100, "stage": "completed", "model": event.model}
        )

    async def failed(self, event: AnalysisFailed) -> None:
        await self._move(event, "failed", {"error": event.reason})

    # Results come in runs (a document's emotions are published together): each run is
    # written in one round trip, with one ownership check per session.

    async def emotions(self, events: Sequence[EmotionDetected]) -> None:
        await self._results(events, self._views.put_emotions)

    async def topics(self, events: Sequence[TopicDetected]) -> None:
        await self._results(events, self._views.put_topics)

    async def insights(self, events: Sequence[InsightGenerated]) -> None:
        await self._results(events, self._views.put_insights)

    async def action_item_suggested(self, event: ActionItemSuggested, envelope: Envelope) -> None:
        if not await self._owned(event) or await self._inbox.seen(envelope.id):
            return
        await self._action_items.add_suggested(event, envelope)
        await self._inbox.remember(envelope.id)

    async def _owned(self, event: AnalysisEvent) -> bool:
        session = await self._sessions.get(event.session_id)
        return session is not None and session["user_id"] == event.user_id

    async def _move(
        self,
        event: AnalysisEvent,
        status: AnalysisStatus,
        changes: dict[str, Any],
        *,
        not_past: int | None = None,
    ) -> None:
        where: dict[str, Any] = {
            "id": event.session_id,
            "user_id": event.user_id,
            "content_id": event.content_id,
            "status": {"$in": list(OPEN_ANALYSIS)},
        }
        if not_past is not None:
            where["progress"] = {"$lte": not_past}
        now = utcnow().isoformat(timespec="microseconds")
        await self._sessions.update(
            where, {**changes, "status": status, "analysis_updated_at": now, "updated_at": now}
        )

    async def _results(
        self, events: Sequence[R], write: Callable[[list[R]], Awaitable[None]]
    ) -> None:
        by_session: dict[str, list[R]] = {}
        for event in events:
            by_session.setdefault(event.session_id, []).append(event)
        for session_id, run in by_session.items():
            owner = self._owners.get(session_id)
            if owner is None:
                session = await self._sessions.get(session_id)
                if session is None:
                    continue
                owner = self._owners[session_id] = str(session["user_id"])
            owned = [e for e in run if e.user_id == owner]
            if not owned:
                continue
            await write(owned)
            # The session may have been deleted before the write: then the results would
            # outlive it, unseen. Looking afterwards closes that window.
            if await self._sessions.get(session_id) is None:
                await self._views.forget_session(session_id)
