"""``POST /api/v1/sessions/{id}/content``: accept a file; the analysis starts via an event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile, status
from fastapi.responses import JSONResponse

from insightbus.common.events import new_id, utcnow
from insightbus.common.events.sessions import ContentUploaded
from insightbus.common.web import ApiError, ok
from insightbus.gateway.deps import GatewayDep, OwnedSession
from insightbus.gateway.domain.content_parsing import (
    MalformedContent,
    UnsupportedFormat,
    format_of,
    parse_content,
)

router = APIRouter(prefix="/api/v1/sessions", tags=["content"])

_MULTIPART_OVERHEAD = 64 * 1024


def too_large(limit: int) -> ApiError:
    return ApiError(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"the file is larger than the {limit} byte limit",
        {"max_bytes": limit},
    )


def check_declared_size(request: Request, limit: int) -> None:
    """Refuse an oversized upload from its Content-Length, before reading the body."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + _MULTIPART_OVERHEAD:
        raise too_large(limit)


async def read_limited(file: UploadFile, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(256 * 1024):
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/{session_id}/content",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis",
)
async def upload_content(
    request: Request,
    session: OwnedSession,
    gateway: GatewayDep,
    file: Annotated[UploadFile, File(description="the content, UTF-8")],
) -> JSONResponse:
    limit = gateway.settings.max_upload_bytes
    check_declared_size(request, limit)
    filename = (file.filename or "").strip()
    try:
        format_of(filename)  # refuse a wrong type before reading a byte of it
        raw = await read_limited(file, limit)
        fmt, blocks = parse_content(filename, raw)
    except UnsupportedFormat as exc:
        raise ApiError(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc)) from None
    except MalformedContent as exc:
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.message, exc.details) from None

    now = utcnow().isoformat()
    content_id = new_id()
    session_id = session["id"]
    await gateway.db.contents.insert(
        {
            "id": content_id,
            "session_id": session_id,
            "user_id": session["user_id"],
            "filename": filename[:255],
            "format": fmt,
            "size_bytes": len(raw),
            "blocks": len(blocks),
            "created_at": now,
        }
    )
    await gateway.db.analysis_status.replace(
        {
            "id": session_id,
            "session_id": session_id,
            "content_id": content_id,
            "status": "pending",
            "progress": 0,
            "stage": None,
            "error": None,
            "updated_at": now,
        }
    )
    await gateway.db.sessions.update(
        {"id": session_id},
        {"status": "pending", "latest_content_id": content_id, "updated_at": now},
    )
    # 202 only once the event is recorded: from here on nothing accepted can be lost.
    await gateway.outbox.add(
        ContentUploaded(
            session_id=session_id,
            user_id=session["user_id"],
            content_id=content_id,
            filename=filename[:255],
            format=fmt,
            size_bytes=len(raw),
            blocks=tuple(blocks),
        )
    )
    return ok(
        {"content_id": content_id, "session_id": session_id, "status": "pending"},
        status.HTTP_202_ACCEPTED,
    )
