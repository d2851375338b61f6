"""Creating, listing, reading and deleting a user's sessions."""

from __future__ import annotations

from collections.abc import Sequence

from insightbus.common.errors import NotFound
from insightbus.common.events import new_id, utcnow
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.store import Collection
from insightbus.common.unit_of_work import UnitOfWork
from insightbus.common.web.dependencies import PageParams
from insightbus.gateway.domain.sessions import Session


class Sessions:
    def __init__(
        self, sessions: Collection, derived: Sequence[Collection], uow: UnitOfWork
    ) -> None:
        self._sessions = sessions
        self._derived = tuple(derived)
        self._uow = uow

    async def create(self, user_id: str, title: str, description: str) -> Session:
        now = utcnow()
        stamp = now.isoformat(timespec="microseconds")
        session = Session(
            id=new_id(),
            user_id=user_id,
            title=title,
            description=description,
            status="created",
            created_at=stamp,
            updated_at=stamp,
        )
        async with self._uow() as change:
            await change.insert(self._sessions, session.to_doc())
            change.emit(
                SessionCreated(session_id=session.id, user_id=user_id, title=title, created_at=now)
            )
        return session

    async def owned(self, user_id: str, session_id: str) -> Session:
        """The caller's session. Another user's answers 404 exactly like a missing one, so
        ids cannot be probed."""
        doc = await self._sessions.find_one({"id": session_id, "user_id": user_id})
        if doc is None:
            raise NotFound("session")
        return Session.from_doc(doc)

    async def list(self, user_id: str, params: PageParams) -> tuple[list[Session], int]:
        mine = {"user_id": user_id}
        docs = await self._sessions.find(
            mine, sort=[("created_at", -1)], limit=params.limit, offset=params.offset
        )
        return [Session.from_doc(d) for d in docs], await self._sessions.count(mine)

    async def delete(self, session: Session) -> None:
        # The event first: once it is recorded the deletion will be known downstream even
        # if we fail halfway; a retried DELETE then finishes the job.
        async with self._uow() as change:
            change.emit(SessionDeleted(session_id=session.id, user_id=session.user_id))
        # The session next: analysis events still in flight for it are then ignored.
        await self._sessions.delete({"id": session.id})
        for collection in self._derived:
            await collection.delete({"session_id": session.id})
