"""Bus consumers of the notifier: session ownership, messages for the sockets, webhooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from insightbus.common.events import Envelope, Event, parse
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.events.tickets import TicketJobEvent, TicketsSubmitted
from insightbus.common.idempotency import Inbox
from insightbus.notifier.domain.messages import ticket_job_message, to_message
from insightbus.notifier.event_log import EventLog
from insightbus.notifier.hub import Hub
from insightbus.notifier.ownership import Ownership
from insightbus.notifier.sockets import CLOSE_NOT_FOUND
from insightbus.notifier.user_hub import UserHub

# What a user's own channel is told about, besides each session's socket.
USER_NOTIFICATIONS = frozenset(
    {"analysis_complete", "action_item_created", "action_item_updated", "action_item_deleted"}
)


WebhookFanout = Callable[[Envelope, Event], Awaitable[None]]


class Notifications:
    def __init__(
        self,
        ownership: Ownership,
        log: EventLog,
        hub: Hub,
        users: UserHub | None = None,
        *,
        webhooks: WebhookFanout | None = None,
        told: Inbox | None = None,
    ) -> None:
        self._ownership = ownership
        self._log = log
        self._hub = hub
        self._users = users
        self._webhooks = webhooks
        self._told = told  # ticket job messages already pushed (they have no session log)

    async def __call__(self, envelope: Envelope) -> None:
        if envelope.type == TicketsSubmitted.type:
            return  # nothing to tell anyone yet, and the largest event: not worth parsing
        event = parse(envelope)
        if self._webhooks is not None:
            # First: idempotent by itself, and a failure here retries the whole envelope.
            await self._webhooks(envelope, event)
        if isinstance(event, TicketJobEvent):
            await self._ticket_job(envelope, event)
            return
        if isinstance(event, SessionCreated):
            await self._ownership.record(event.session_id, event.user_id)
            return
        if isinstance(event, SessionDeleted):
            await self._ownership.forget(event.session_id, event.user_id)
            await self._log.drop(event.session_id)
            self._hub.close_session(event.session_id, CLOSE_NOT_FOUND)
            return
        message = to_message(event)
        if message is None:
            return
        session_id = envelope.key
        _, deleted = await self._ownership.owner(session_id)
        if deleted:
            return
        logged = await self._log.append(envelope.id, session_id, *message)
        if logged is not None:
            self._hub.push(logged)
            user_id = getattr(event, "user_id", None)
            if self._users is not None and user_id and logged.type in USER_NOTIFICATIONS:
                self._users.notify(user_id, {**logged.wire(), "session_id": session_id})

    async def _ticket_job(self, envelope: Envelope, event: TicketJobEvent) -> None:
        message = ticket_job_message(event)
        if message is None or self._users is None:
            return
        if self._told is None or await self._told.remember(envelope.id):
            self._users.notify(event.user_id, {**message, "id": envelope.id})
