"""One example envelope of every event type and version, built from the event models (so each
is valid by construction) and published in the AsyncAPI document.

One diary entry, analysed, and one ticket job. Ids and times are fixed so that the document
is the same on every build.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from insightbus.common.events.action_items import (
    ActionItem,
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemUpdated,
)
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisCompletedV1,
    AnalysisFailed,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.events.envelope import Envelope, Event
from insightbus.common.events.sessions import (
    ContentBlock,
    ContentUploaded,
    SessionCreated,
    SessionDeleted,
)
from insightbus.common.events.tickets import (
    ClassifiedTicket,
    Ticket,
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
    UnclassifiedTicket,
)

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SESSION = {
    "session_id": "8f14e45fceea4e6a9f2b1c3d5e7a9b0c",
    "user_id": "c9f0f895fb984b0c8d3e2a1f4b6c7d8e",
}
CONTENT = {**SESSION, "content_id": "45c48cce2e2d4fbd9a1b3c5d7e9f0a12"}
JOB = {"session_id": "d3d9446802a44259b7c1e5f3a2b4c6d8", "user_id": SESSION["user_id"]}
DIARY = (
    "Today was rough. My manager criticized the report in front of the whole team and I felt "
    "humiliated and angry.",
    "Later my friend called and we laughed about it; I felt much better and grateful to have her.",
    "I need to finish the budget slides by Friday ... I'm worried about the deadline but also "
    "excited about the new project launch",
)
ITEM = ActionItem(
    id="6512bd43d9ca4d5f8e7b1a2c3d4e5f60",
    session_id=SESSION["session_id"],
    title="Finish the budget slides by Friday",
    description=None,
    status="open",
    due_date=datetime(2026, 12, 4, 17, 0, tzinfo=UTC),
    source="analysis",
    created_at=AT,
    updated_at=AT,
)
TICKET = Ticket(
    row=1,
    issue_key="SUP-1042",
    summary="Card payment declined twice",
    description="My card was declined at two shops today although my balance is fine.",
    reporter="ada@example.com",
    created_at=AT,
)

#: (type, version) -> (the service that publishes it, the event).
EXAMPLES: dict[tuple[str, int], tuple[str, Event]] = {
    (e.type, e.version): (source, e)
    for source, e in [
        ("gateway", SessionCreated(**SESSION, title="Weekly check-in", created_at=AT)),
        ("gateway", SessionDeleted(**SESSION)),
        (
            "gateway",
            ContentUploaded(
                **CONTENT,
                filename="diary.txt",
                format="txt",
                size_bytes=sum(len(t) + 1 for t in DIARY),
                blocks=tuple(ContentBlock(text=t) for t in DIARY),
            ),
        ),
        ("analysis", AnalysisProgressed(**CONTENT, stage="emotions", progress=55)),
        (
            "analysis",
            EmotionDetected(
                **CONTENT,
                emotion_id="a87ff679a2f34c71b1d2e3f4a5b6c7d8",
                name="gratitude",
                intensity=0.8434,
                timestamp=None,
                segment=1,
                speaker=None,
                excerpt="I felt much better and grateful to have her.",
            ),
        ),
        (
            "analysis",
            TopicDetected(
                **CONTENT,
                topic_id="e4da3b7fbbce4345a8d9c0b1e2f3a4b5",
                label="manager criticized",
                score=0.91,
                keywords=("manager", "criticized", "report"),
                segments=(0,),
            ),
        ),
        (
            "analysis",
            InsightGenerated(
                **CONTENT,
                insight_id="1679091c5a8840d8b2c3d4e5f6a7b8c9",
                kind="topic_emotion",
                title="“manager criticized” comes with anger",
                description="Where “manager criticized” came up, the strongest emotion was anger.",
                confidence=0.3158,
                evidence={"topic": "manager criticized", "emotions": {"anger": 0.3158}},
            ),
        ),
        (
            "analysis",
            ActionItemSuggested(
                **CONTENT,
                action_item_id=ITEM.id,
                title=ITEM.title,
                segment=2,
                excerpt="I need to finish the budget slides by Friday",
                speaker=None,
            ),
        ),
        (
            "analysis",
            AnalysisCompleted(
                **CONTENT,
                emotions=7,
                topics=3,
                insights=4,
                action_items=1,
                duration_ms=412.5,
                model="minilm-l6-goemotions+tfidf",
            ),
        ),
        (
            "analysis",
            AnalysisCompletedV1(
                **CONTENT, emotions=7, topics=3, insights=4, action_items=1, duration_ms=98.0
            ),
        ),
        (
            "analysis",
            AnalysisFailed(
                **CONTENT,
                reason="the content looks like Spanish (es); the analysis reads English only, "
                "so it was not analysed",
            ),
        ),
        ("gateway", ActionItemCreated(**SESSION, action_item=ITEM)),
        (
            "gateway",
            ActionItemUpdated(
                **SESSION,
                action_item=ITEM.model_copy(
                    update={"status": "done", "updated_at": AT + timedelta(days=2)}
                ),
            ),
        ),
        ("gateway", ActionItemDeleted(**SESSION, action_item=ITEM)),
        (
            "gateway",
            TicketsSubmitted(
                **JOB,
                file_name="tickets_20261201T093000Z.csv",
                callback_url="https://ops.example.com/hooks/tickets",
                submitted_at=AT,
                tickets=(TICKET,),
            ),
        ),
        ("classifier", TicketsProgressed(**JOB, processed=1, total=2)),
        (
            "classifier",
            TicketsClassified(
                **JOB,
                file_name="tickets_20261201T093000Z.csv",
                callback_url="https://ops.example.com/hooks/tickets",
                started_at=AT,
                completed_at=AT + timedelta(seconds=2),
                processing_time_ms=1840.0,
                total_tickets=2,
                counts_by_category={"declined_card_payment": 1},
                counts_by_priority={"high": 1},
                tickets=(
                    ClassifiedTicket(
                        row=1,
                        issue_key="SUP-1042",
                        summary=TICKET.summary,
                        category="declined_card_payment",
                        priority="high",
                        urgency="high",
                        impact="medium",
                        sentiment="negative",
                        confidence_score=0.87,
                        sla_due_date=AT + timedelta(hours=8),
                    ),
                ),
                unclassified=(
                    UnclassifiedTicket(
                        row=2,
                        issue_key="SUP-1043",
                        reason="no text to classify: the summary and the description have no words",
                    ),
                ),
            ),
        ),
        (
            "classifier",
            TicketsFailed(
                **JOB,
                file_name="tickets_20261201T093000Z.csv",
                callback_url=None,
                failed_at=AT,
                error_message="no 'summary' column",
            ),
        ),
    ]
}


def example_envelope(event_type: str, version: int) -> Envelope:
    """The example of ``event_type`` at ``version`` in its envelope, as the bus carries it."""
    source, event = EXAMPLES[(event_type, version)]
    envelope = Envelope.wrap(
        event,
        source=source,
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"insightbus:{event_type}.v{version}").hex,
        correlation_id="0f1e2d3c4b5a49788796a5b4c3d2e1f0",
    )
    return envelope.model_copy(update={"time": AT})
