"""Accepting an upload: parse it, record it, and hand it to the analysis via the outbox."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from insightbus.common.errors import NotFound, TooLarge
from insightbus.common.events import EventTooLarge, ensure_fits, new_id, utcnow
from insightbus.common.events.sessions import ContentBlock, ContentFormat, ContentUploaded
from insightbus.common.store import Collection
from insightbus.common.unit_of_work import UnitOfWork
from insightbus.gateway.domain.content import parse_content
from insightbus.gateway.domain.sessions import Session

#: Below this, parsing on the event loop is cheaper than a hop to a thread.
_PARSE_INLINE_BYTES = 64 * 1024


class ContentTooLarge(TooLarge):
    def __init__(self, exc: EventTooLarge) -> None:
        super().__init__(
            "the content is too large to analyse in one piece; split it into smaller files",
            {"event_bytes": exc.size, "max_event_bytes": exc.limit},
        )


@dataclass(frozen=True, slots=True)
class Accepted:
    content_id: str
    session_id: str
    status: str = "pending"


class Uploads:
    def __init__(
        self,
        contents: Collection,
        sessions: Collection,
        uow: UnitOfWork,
        *,
        max_event_bytes: int,
    ) -> None:
        self._contents = contents
        self._sessions = sessions
        self._uow = uow
        self._max_event_bytes = max_event_bytes

    async def parse(self, filename: str, raw: bytes) -> tuple[ContentFormat, list[ContentBlock]]:
        """Raises ``UnsupportedFormat`` or ``MalformedContent``."""
        if len(raw) <= _PARSE_INLINE_BYTES:
            return parse_content(filename, raw)
        # Megabytes of regex work would stall every other request on the loop.
        return await asyncio.to_thread(parse_content, filename, raw)

    async def accept(self, session: Session, filename: str, raw: bytes) -> Accepted:
        fmt, blocks = await self.parse(filename, raw)
        content_id = new_id()
        event = ContentUploaded(
            session_id=session.id,
            user_id=session.user_id,
            content_id=content_id,
            filename=filename[:255],
            format=fmt,
            size_bytes=len(raw),
            blocks=tuple(blocks),
        )
        # Blocks travel in the event. Short paragraphs can make the event several times
        # larger than the file, so measure what will actually go on the bus.
        try:
            ensure_fits(event, self._max_event_bytes)
        except EventTooLarge as exc:
            raise ContentTooLarge(exc) from None

        now = utcnow().isoformat(timespec="microseconds")
        # Nothing is accepted unless its event is recorded: the client may simply retry.
        async with self._uow() as change:
            await change.insert(
                self._contents,
                {
                    "id": content_id,
                    "session_id": session.id,
                    "user_id": session.user_id,
                    "filename": event.filename,
                    "format": fmt,
                    "size_bytes": len(raw),
                    "blocks": len(blocks),
                    "created_at": now,
                },
            )
            # The session points at this upload before its event can be published, so the
            # first progress event of its analysis finds it the latest. Undone only if no
            # newer upload has replaced ours meanwhile.
            moved = await change.update(
                self._sessions,
                {"id": session.id},
                {
                    "status": "pending",
                    "content_id": content_id,
                    "progress": 0,
                    "stage": None,
                    "error": None,
                    "model": None,
                    "analysis_updated_at": now,
                    "updated_at": now,
                },
                undo=session.analysis_fields(),
            )
            if not moved:  # deleted since the request began
                raise NotFound("session")
            change.emit(event)
        return Accepted(content_id=content_id, session_id=session.id)
