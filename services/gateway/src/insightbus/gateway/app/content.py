"""Accepting an upload: parse it, record it, and hand it to the analysis via the outbox."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from fastapi import status

from insightbus.common.events import new_id, utcnow
from insightbus.common.events.sessions import ContentBlock, ContentFormat, ContentUploaded
from insightbus.common.outbox import Outbox
from insightbus.common.store import Collection
from insightbus.common.web import ApiError, not_found
from insightbus.gateway.domain.content import parse_content
from insightbus.gateway.sessions.models import Session

log = logging.getLogger(__name__)

#: Below this, parsing on the event loop is cheaper than a hop to a thread.
_PARSE_INLINE_BYTES = 64 * 1024
#: Room the envelope around the event's data needs on the bus.
_ENVELOPE_OVERHEAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Accepted:
    content_id: str
    session_id: str
    status: str = "pending"


class ContentService:
    def __init__(
        self,
        contents: Collection,
        sessions: Collection,
        outbox: Outbox,
        *,
        max_event_bytes: int,
    ) -> None:
        self._contents = contents
        self._sessions = sessions
        self._outbox = outbox
        self._max_event_bytes = max_event_bytes

    async def parse(self, filename: str, raw: bytes) -> tuple[ContentFormat, list[ContentBlock]]:
        """Raises ``UnsupportedFormat`` or ``MalformedContent`` (pure domain errors)."""
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
        self._check_event_size(event)

        now = utcnow().isoformat(timespec="microseconds")
        await self._contents.insert(
            {
                "id": content_id,
                "session_id": session.id,
                "user_id": session.user_id,
                "filename": event.filename,
                "format": fmt,
                "size_bytes": len(raw),
                "blocks": len(blocks),
                "created_at": now,
            }
        )
        # The session points at this upload before its event can be published, so the
        # first progress event of its analysis finds it the latest.
        moved = await self._sessions.update(
            {"id": session.id},
            {
                "status": "pending",
                "content_id": content_id,
                "progress": 0,
                "stage": None,
                "error": None,
                "analysis_updated_at": now,
                "updated_at": now,
            },
        )
        if not moved:  # deleted since the request began
            await self._contents.delete({"id": content_id})
            raise not_found("session")
        try:
            await self._outbox.add(event)
        except Exception:
            log.exception("could not record an upload's event", extra={"session_id": session.id})
            await self._undo(session, content_id)
            # Nothing was accepted, so nothing is lost: the client may simply retry.
            raise ApiError(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "the upload could not be recorded; please try again",
            ) from None
        return Accepted(content_id=content_id, session_id=session.id)

    def _check_event_size(self, event: ContentUploaded) -> None:
        # Blocks travel in the event. Short paragraphs can make the event several times
        # larger than the file, so measure what will actually go on the bus.
        size = len(event.__pydantic_serializer__.to_json(event))
        if size + _ENVELOPE_OVERHEAD_BYTES > self._max_event_bytes:
            raise ApiError(
                status.HTTP_413_CONTENT_TOO_LARGE,
                "the content is too large to analyse in one piece; split it into smaller files",
                {"event_bytes": size, "max_event_bytes": self._max_event_bytes},
            )

    async def _undo(self, session: Session, content_id: str) -> None:
        try:
            # Only if no newer upload has replaced ours meanwhile.
            await self._sessions.update(
                {"id": session.id, "content_id": content_id}, session.analysis_fields()
            )
            await self._contents.delete({"id": content_id})
        except Exception:
            log.exception("could not undo an upload", extra={"session_id": session.id})
