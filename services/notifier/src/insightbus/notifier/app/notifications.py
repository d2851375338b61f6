"""What the notifier does with each event: session ownership, the messages of each session's
socket and each user's channel, and (first, for every event) the webhook fan-out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from cachetools import LRUCache

from insightbus.common.events import Envelope, Event
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.events.tickets import TicketJobEvent
from insightbus.notifier.app.ports import MessageLog, SessionOwners, SessionSockets, UserSockets
from insightbus.notifier.domain.messages import USER_NOTIFICATIONS, ticket_job_message, to_message
from insightbus.notifier.domain.sockets import Closing

WebhookFanout = Callable[[Envelope, Event], Awaitable[None]]


async def _no_webhooks(envelope: Envelope, event: Event) -> None:
    return None


class _Recent:
    """Envelope ids this process has pushed lately: the fan-out is at least once, and a
    user channel has no sequence numbers to skip a repeat by."""

    def __init__(self, size: int = 10_000) -> None:
        self._ids: LRUCache[str, None] = LRUCache(maxsize=size)

    def first_time(self, id: str) -> bool:
        if id in self._ids:
            return False
        self._ids[id] = None
        return True


class Notifications:
    """Two halves, so that the notifier runs as replicas. The durable half (one replica
    handles each event: a consumer group) keeps the records: session owners, the webhook
    deliveries, each session's log. The pushing half (every replica gets every event: a
    fan-out) tells the sockets this process holds. Both log a session's messages, which
    is idempotent, so the pushing half has their numbers whichever half comes first."""

    def __init__(
        self,
        ownership: SessionOwners,
        log: MessageLog,
        sessions: SessionSockets,
        users: UserSockets,
        webhooks: WebhookFanout = _no_webhooks,
    ) -> None:
        self._ownership = ownership
        self._log = log
        self._sessions = sessions
        self._users = users
        self._webhooks = webhooks
        self._pushed = _Recent()

    # The durable half.

    async def session_created(self, event: SessionCreated) -> None:
        await self._ownership.record(event.session_id, event.user_id)

    async def session_deleted(self, event: SessionDeleted) -> None:
        await self._ownership.forget(event.session_id, event.user_id)
        await self._log.drop(event.session_id)

    async def session_messages(self, run: Sequence[tuple[Envelope, Event]]) -> None:
        """Analysis or action item events, in order: to their webhooks (first: idempotent by
        itself, and a failure retries the envelopes), then to their sessions' logs."""
        for envelope, event in run:
            await self._webhooks(envelope, event)
        for session_id, (messages, _) in _by_session(run).items():
            if not (await self._ownership.owner(session_id))[1]:
                await self._log.append(session_id, messages)

    async def ticket_job(self, envelope: Envelope, event: TicketJobEvent) -> None:
        """A ticket job has ended: to its webhooks and its callback."""
        await self._webhooks(envelope, event)

    # The pushing half.

    async def push_session_created(self, event: SessionCreated) -> None:
        await self._ownership.seen(event.session_id, event.user_id, deleted=False)

    async def push_session_deleted(self, event: SessionDeleted) -> None:
        await self._ownership.seen(event.session_id, event.user_id, deleted=True)
        self._sessions.close_session(event.session_id, Closing.SESSION_DELETED)

    async def push_session_messages(self, run: Sequence[tuple[Envelope, Event]]) -> None:
        """To the sessions' open sockets, numbered as logged (and, for some, to the user's
        channel)."""
        for session_id, (messages, users) in _by_session(run).items():
            if (await self._ownership.owner(session_id))[1]:
                continue
            appended = await self._log.append(session_id, messages)
            for logged in appended.messages:
                self._sessions.push(logged)
                user_id = users.get(logged.id)
                if (
                    user_id
                    and logged.type in USER_NOTIFICATIONS
                    and self._pushed.first_time(logged.id)
                ):
                    self._users.notify(user_id, {**logged.wire(), "session_id": session_id})

    async def push_ticket_job(self, envelope: Envelope, event: TicketJobEvent) -> None:
        message = ticket_job_message(event)
        if message is not None and self._pushed.first_time(envelope.id):
            self._users.notify(event.user_id, {**message, "id": envelope.id})


Messages = list[tuple[str, str, dict[str, Any]]]


def _by_session(
    run: Sequence[tuple[Envelope, Event]],
) -> dict[str, tuple[Messages, dict[str, str]]]:
    """Each session's ``(envelope id, type, data)`` messages in order, and whose they are."""
    sessions: dict[str, tuple[Messages, dict[str, str]]] = {}
    for envelope, event in run:
        message = to_message(event)
        if message is None:
            continue
        messages, users = sessions.setdefault(envelope.key, ([], {}))
        messages.append((envelope.id, *message))
        user_id = getattr(event, "user_id", None)
        if isinstance(user_id, str):
            users[envelope.id] = user_id
    return sessions
