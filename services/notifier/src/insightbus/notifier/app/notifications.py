"""What the notifier does with each event: session ownership, the messages of each session's
socket and each user's channel, and (first, for every event) the webhook fan-out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from insightbus.common.events import Envelope, Event
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.events.tickets import TicketJobEvent
from insightbus.notifier.app.ports import (
    MessageLog,
    SentMessages,
    SessionOwners,
    SessionSockets,
    UserSockets,
)
from insightbus.notifier.domain.messages import USER_NOTIFICATIONS, ticket_job_message, to_message
from insightbus.notifier.domain.sockets import Closing

WebhookFanout = Callable[[Envelope, Event], Awaitable[None]]


async def _no_webhooks(envelope: Envelope, event: Event) -> None:
    return None


class Notifications:
    def __init__(
        self,
        ownership: SessionOwners,
        log: MessageLog,
        sessions: SessionSockets,
        users: UserSockets,
        told: SentMessages,
        webhooks: WebhookFanout = _no_webhooks,
    ) -> None:
        self._ownership = ownership
        self._log = log
        self._sessions = sessions
        self._users = users
        self._told = told  # ticket job messages already pushed (they have no session log)
        self._webhooks = webhooks

    async def session_created(self, event: SessionCreated) -> None:
        await self._ownership.record(event.session_id, event.user_id)

    async def session_deleted(self, event: SessionDeleted) -> None:
        await self._ownership.forget(event.session_id, event.user_id)
        await self._log.drop(event.session_id)
        self._sessions.close_session(event.session_id, Closing.SESSION_DELETED)

    async def session_messages(self, run: Sequence[tuple[Envelope, Event]]) -> None:
        """Analysis or action item events, in order: to their webhooks, then to their
        sessions' sockets (and, for some, to the user's channel); each session's messages
        logged in one round trip."""
        by_session: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        users: dict[str, str] = {}
        for envelope, event in run:
            # First: idempotent by itself, and a failure here retries the envelopes.
            await self._webhooks(envelope, event)
            message = to_message(event)
            if message is None:
                continue
            by_session.setdefault(envelope.key, []).append((envelope.id, *message))
            user_id = getattr(event, "user_id", None)
            if isinstance(user_id, str):
                users[envelope.id] = user_id
        for session_id, messages in by_session.items():
            _, deleted = await self._ownership.owner(session_id)
            if deleted:
                continue
            for logged in await self._log.append(session_id, messages):
                self._sessions.push(logged)
                user_id = users.get(logged.id)
                if user_id and logged.type in USER_NOTIFICATIONS:
                    self._users.notify(user_id, {**logged.wire(), "session_id": session_id})

    async def ticket_job(self, envelope: Envelope, event: TicketJobEvent) -> None:
        """A ticket job has ended: to its webhooks and callback, then to the user's channel."""
        await self._webhooks(envelope, event)
        message = ticket_job_message(event)
        if message is None:
            return
        if await self._told.remember(envelope.id):
            self._users.notify(event.user_id, {**message, "id": envelope.id})
