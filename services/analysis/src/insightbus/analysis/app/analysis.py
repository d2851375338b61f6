"""The analysis use case: content uploaded -> progress, results, completed (or failed).

Every envelope id is derived from the content id and the event's position, so running
the same content again after a crash re-emits the same envelopes and consumers drop the
duplicates; the inbox makes a redelivery after success a no-op.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from insightbus.analysis.app.ports import AnalysisSteps
from insightbus.analysis.domain import (
    ActionItemSuggestion,
    Block,
    Emotion,
    Insight,
    Topic,
)
from insightbus.analysis.domain.errors import AnalysisError, NotEnglish, NothingToAnalyse
from insightbus.analysis.domain.language import refusal
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, Event, topics
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
    AnalysisProgressed,
    AnalysisStage,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.events.sessions import ContentUploaded
from insightbus.common.idempotency import Inbox

log = logging.getLogger(__name__)

SOURCE = "analysis"
T = TypeVar("T")
_CHUNK = 256  # segments scored per step
_IDS = uuid.UUID("6f1c1d0e-3b7a-4c36-9a0b-0c7f1e5d2a90")


@dataclass
class _Emitter:
    """Publishes one content's events with ids derived from the content id."""

    bus: MessageBus
    cause: Envelope
    content_id: str
    sequence: int = 0
    published: list[Envelope] = field(default_factory=list)

    async def emit(self, events: Sequence[Event]) -> None:
        envelopes = []
        for event in events:
            self.sequence += 1
            envelopes.append(
                Envelope.wrap(
                    event,
                    source=SOURCE,
                    correlation_id=self.cause.correlation_id,
                    id=stable_id(self.content_id, "event", self.sequence),
                )
            )
        if envelopes:
            await self.bus.publish_many(topics.ANALYSIS, envelopes)
            self.published.extend(envelopes)


def stable_id(content_id: str, kind: str, index: int) -> str:
    return uuid.uuid5(_IDS, f"{content_id}:{kind}:{index}").hex


class ContentAnalysis:
    """Content uploaded -> the analysis's events (``entrypoints.bus`` hands it the uploads)."""

    def __init__(self, bus: MessageBus, inbox: Inbox, steps: AnalysisSteps) -> None:
        self._bus = bus
        self._inbox = inbox
        self._steps = steps

    async def content_uploaded(self, envelope: Envelope, upload: ContentUploaded) -> None:
        """Analyse it once: a redelivery after success is a no-op."""
        if await self._inbox.seen(envelope.id):
            return
        await self.analyse(envelope, upload)
        await self._inbox.remember(envelope.id)

    async def analyse(self, envelope: Envelope, upload: ContentUploaded) -> None:
        started = time.perf_counter()
        emitter = _Emitter(self._bus, envelope, upload.content_id)
        ids = dict(
            session_id=upload.session_id, user_id=upload.user_id, content_id=upload.content_id
        )

        def progress(stage: AnalysisStage, percent: int) -> AnalysisProgressed:
            return AnalysisProgressed(**ids, stage=stage, progress=percent)

        await emitter.emit([progress("received", 5)])
        try:
            blocks = [Block(b.text, b.speaker, b.start, b.end) for b in upload.blocks]
            segments = await self._run("segments", self._steps.segments(blocks))
            if not segments:
                raise NothingToAnalyse()
            language = await self._run("language", self._steps.language(blocks))
            if why := refusal(language):
                raise NotEnglish(why)
            await emitter.emit([progress("segmenting", 15)])

            # Long content is scored in chunks, so progress moves while it is.
            emotions: list[Emotion] = []
            chunks = [segments[i : i + _CHUNK] for i in range(0, len(segments), _CHUNK)]
            for done, chunk in enumerate(chunks, start=1):
                found = await self._run("emotions", self._steps.emotions(chunk))
                emotions.extend(found)
                first = len(emotions) - len(found)
                percent = 15 + (55 - 15) * done // len(chunks)
                await emitter.emit(
                    [*self._emotion_events(ids, found, first), progress("emotions", percent)]
                )

            found_topics = await self._run("topics", self._steps.topics(segments))
            await emitter.emit([*self._topic_events(ids, found_topics), progress("topics", 75)])

            insights, actions = await self._run(
                "insights", self._steps.insights_and_actions(segments, emotions, found_topics)
            )
            await emitter.emit(
                [
                    *self._insight_events(ids, insights),
                    *self._action_events(ids, actions),
                    progress("insights", 95),
                ]
            )
        except AnalysisError as exc:
            # Bus errors are not caught here: they propagate, and the bus retries.
            await emitter.emit([AnalysisFailed(**ids, reason=str(exc))])
            return
        await emitter.emit(
            [
                progress("completed", 100),
                AnalysisCompleted(
                    **ids,
                    emotions=len(emotions),
                    topics=len(found_topics),
                    insights=len(insights),
                    action_items=len(actions),
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                    model=self._steps.emotion_model,
                ),
            ]
        )

    @staticmethod
    async def _run(step: str, running: Awaitable[T]) -> T:
        """A CPU-bound domain step, off the event loop; its failures are analysis failures."""
        try:
            return await running
        except AnalysisError:
            raise
        except Exception as exc:
            log.exception("analysis step failed", extra={"step": step})
            raise AnalysisError(f"internal error during analysis ({type(exc).__name__})") from exc

    @staticmethod
    def _emotion_events(
        ids: dict[str, str], emotions: Sequence[Emotion], first: int = 0
    ) -> list[Event]:
        return [
            EmotionDetected(
                **ids,
                emotion_id=stable_id(ids["content_id"], "emotion", first + i),
                name=e.name,
                intensity=round(min(max(e.intensity, 0.0), 1.0), 4),
                timestamp=e.timestamp,
                segment=e.segment,
                speaker=e.speaker,
                excerpt=e.excerpt,
            )
            for i, e in enumerate(emotions)
        ]

    @staticmethod
    def _topic_events(ids: dict[str, str], found: Sequence[Topic]) -> list[Event]:
        return [
            TopicDetected(
                **ids,
                topic_id=stable_id(ids["content_id"], "topic", i),
                label=t.label,
                score=round(min(max(t.score, 0.0), 1.0), 4),
                keywords=t.keywords,
                segments=t.segments,
            )
            for i, t in enumerate(found)
        ]

    @staticmethod
    def _insight_events(ids: dict[str, str], insights: Sequence[Insight]) -> list[Event]:
        return [
            InsightGenerated(
                **ids,
                insight_id=stable_id(ids["content_id"], "insight", i),
                kind=x.kind,
                title=x.title,
                description=x.description,
                confidence=round(min(max(x.confidence, 0.0), 1.0), 4),
                evidence=dict(x.evidence),
            )
            for i, x in enumerate(insights)
        ]

    @staticmethod
    def _action_events(ids: dict[str, str], actions: Sequence[ActionItemSuggestion]) -> list[Event]:
        return [
            ActionItemSuggested(
                **ids,
                action_item_id=stable_id(ids["content_id"], "action_item", i),
                title=a.title,
                segment=a.segment,
                excerpt=a.excerpt,
                speaker=a.speaker,
            )
            for i, a in enumerate(actions)
        ]
