"""The notifier's inbound topology: one consumer group, ``notifier``, on four topics.

Every handler hands the event to the notifications use case, which fans it out to webhooks
first and then to the sockets. ``tickets.submitted`` (the largest event, with nothing to tell
anyone yet), ``tickets.progressed`` and ``content.uploaded`` are not listed: acknowledged
unparsed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from insightbus.common.events import Envelope, Event, topics
from insightbus.common.events.action_items import (
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemUpdated,
)
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.events.tickets import TicketJobEvent, TicketsClassified, TicketsFailed
from insightbus.common.topology import Consumer, ServiceTopology
from insightbus.notifier.app.application import Notifier

GROUP = "notifier"  # Kafka offsets are stored under it: never rename
_ANALYSIS = (
    AnalysisProgressed,
    EmotionDetected,
    TopicDetected,
    InsightGenerated,
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
)


async def on_session_created(app: Notifier, envelope: Envelope, event: SessionCreated) -> None:
    await app.notifications.session_created(event)


async def on_session_deleted(app: Notifier, envelope: Envelope, event: SessionDeleted) -> None:
    await app.notifications.session_deleted(event)


async def on_session_message(app: Notifier, envelope: Envelope, event: Event) -> None:
    await app.notifications.session_messages([(envelope, event)])


async def on_session_messages(app: Notifier, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.notifications.session_messages(run)


async def on_ticket_job(app: Notifier, envelope: Envelope, event: TicketJobEvent) -> None:
    await app.notifications.ticket_job(envelope, event)


TOPOLOGY: ServiceTopology[Notifier] = ServiceTopology(
    "notifier",
    publishes=(),
    consumers=(
        Consumer(
            GROUP,
            topics.SESSIONS,
            {SessionCreated.type: on_session_created, SessionDeleted.type: on_session_deleted},
        ),
        Consumer(
            GROUP,
            topics.ANALYSIS,
            {e.type: on_session_message for e in _ANALYSIS},
            batches={e.type: on_session_messages for e in _ANALYSIS},
        ),
        Consumer(
            GROUP,
            topics.ACTION_ITEMS,
            {
                e.type: on_session_message
                for e in (ActionItemCreated, ActionItemUpdated, ActionItemDeleted)
            },
        ),
        Consumer(
            GROUP,
            topics.TICKETS,
            {TicketsClassified.type: on_ticket_job, TicketsFailed.type: on_ticket_job},
        ),
    ),
)
