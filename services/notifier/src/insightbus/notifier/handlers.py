"""Bus consumers of the notifier: session ownership, and messages for the sockets."""

from __future__ import annotations

from insightbus.common.events import Envelope, parse
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.notifier.domain.messages import to_message
from insightbus.notifier.event_log import EventLog
from insightbus.notifier.hub import Hub
from insightbus.notifier.ownership import Ownership
from insightbus.notifier.sockets import CLOSE_NOT_FOUND
from insightbus.notifier.user_hub import UserHub

# What a user's own channel is told about, besides each session's socket.
USER_NOTIFICATIONS = frozenset(
    {"analysis_complete", "action_item_created", "action_item_updated", "action_item_deleted"}
)


class Notifications:
    def __init__(
        self, ownership: Ownership, log: EventLog, hub: Hub, users: UserHub | None = None
    ) -> None:
        self._ownership = ownership
        self._log = log
        self._hub = hub
        self._users = users

    async def __call__(self, envelope: Envelope) -> None:
        event = parse(envelope)
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
