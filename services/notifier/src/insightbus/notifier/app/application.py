"""The notifier's application object: what its entrypoints reach (the bootstrap builds it
when the service starts and provides it to the routes)."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.auth import AccessTokenVerifier
from insightbus.notifier.app.notifications import Notifications
from insightbus.notifier.app.ports import MessageLog, SessionOwners, SessionSockets, UserSockets
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
    ownership_grace_s: float

    async def recent_emotions(self, user_id: str) -> list[str]:
        """The names of the user's latest emotions, newest first (for motivation)."""
        sessions = await self.ownership.sessions_of(user_id)
        recent = await self.log.recent(sessions, "new_emotion")
        return [str(m.data.get("name")) for m in recent]
