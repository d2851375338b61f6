"""The notifier's inbound topology: a consumer group, ``notifier``, for the records (session
owners, webhook deliveries, each session's log: one replica handles each event), and a
fan-out, ``notifier-live``, for the sockets (every replica gets every event, and tells the
sockets it holds). ``tickets.submitted`` (the largest event, with nothing to tell
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
LIVE = "notifier-live"  # a fan-out: nothing is stored under it
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


async def push_session_created(app: Notifier, envelope: Envelope, event: SessionCreated) -> None:
    await app.notifications.push_session_created(event)


async def push_session_deleted(app: Notifier, envelope: Envelope, event: SessionDeleted) -> None:
    await app.notifications.push_session_deleted(event)


async def push_session_message(app: Notifier, envelope: Envelope, event: Event) -> None:
    await app.notifications.push_session_messages([(envelope, event)])


async def push_session_messages(app: Notifier, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.notifications.push_session_messages(run)


async def push_ticket_job(app: Notifier, envelope: Envelope, event: TicketJobEvent) -> None:
    await app.notifications.push_ticket_job(envelope, event)


_ACTION_ITEMS = (ActionItemCreated, ActionItemUpdated, ActionItemDeleted)


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
        Consumer(GROUP, topics.ACTION_ITEMS, {e.type: on_session_message for e in _ACTION_ITEMS}),
        Consumer(
            GROUP,
            topics.TICKETS,
            {TicketsClassified.type: on_ticket_job, TicketsFailed.type: on_ticket_job},
        ),
        Consumer(
            LIVE,
            topics.SESSIONS,
            {SessionCreated.type: push_session_created, SessionDeleted.type: push_session_deleted},
            fanout=True,
        ),
        Consumer(
            LIVE,
            topics.ANALYSIS,
            {e.type: push_session_message for e in _ANALYSIS},
            batches={e.type: push_session_messages for e in _ANALYSIS},
            fanout=True,
        ),
        Consumer(
            LIVE,
            topics.ACTION_ITEMS,
            {e.type: push_session_message for e in _ACTION_ITEMS},
            batches={e.type: push_session_messages for e in _ACTION_ITEMS},
            fanout=True,
        ),
        Consumer(
            LIVE,
            topics.TICKETS,
            {TicketsClassified.type: push_ticket_job, TicketsFailed.type: push_ticket_job},
            fanout=True,
        ),
    ),
)
