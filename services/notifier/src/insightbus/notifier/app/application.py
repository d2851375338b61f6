"""The notifier's application object: what its entrypoints reach (the bootstrap builds it
when the service starts and provides it to the routes)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from insightbus.common.auth import AccessTokenVerifier
from insightbus.common.errors import NotFound
from insightbus.notifier.app.notifications import Notifications
from insightbus.notifier.app.ports import MessageLog, SessionOwners, SessionSockets, UserSockets
from insightbus.notifier.app.presence import Presence
from insightbus.notifier.app.webhooks import Webhooks


@dataclass(frozen=True)
class Notifier:
    verifier: AccessTokenVerifier
    ownership: SessionOwners
    log: MessageLog
    sessions: SessionSockets
    users: UserSockets
    notifications: Notifications
    webhooks: Webhooks
    presence: Presence
    ownership_grace_s: float

    async def watchable(self, session_id: str, user_id: str) -> None:
        """Returns when ``user_id`` owns the session: at once when the notifier knows it,
        else as soon as its ``session.created`` arrives within the ownership grace. Raises
        ``NotFound`` otherwise, the same for another user's session, a deleted one and one
        that never came, and never before the grace has passed: neither the answer nor
        its timing tells a stranger which ids exist (REST answers 404 for all of them)."""
        started = time.monotonic()
        owner, deleted = await self.ownership.wait_for_owner(session_id, self.ownership_grace_s)
        if owner == user_id and not deleted:
            return
        await asyncio.sleep(max(0.0, self.ownership_grace_s - (time.monotonic() - started)))
        raise NotFound("session")

    async def recent_emotions(self, user_id: str) -> list[str]:
        """The names of the user's latest emotions, newest first (for motivation)."""
        sessions = await self.ownership.sessions_of(user_id)
        recent = await self.log.recent(sessions, "new_emotion")
        return [str(m.data.get("name")) for m in recent]
