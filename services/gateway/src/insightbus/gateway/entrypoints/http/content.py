"""``POST /api/v1/sessions/{id}/content``: a file in; 202 once its analysis is sure to start."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from insightbus.common.web import ApiError, Success, ok
from insightbus.gateway.content import multipart
from insightbus.gateway.deps import Content, Context, OwnedSession
from insightbus.gateway.domain.content import (
    FORMATS,
    MalformedContent,
    UnsupportedFormat,
    format_of,
)

router = APIRouter(prefix="/api/v1/sessions", tags=["content"])

FILE_FIELD = "file"

_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [FILE_FIELD],
                "properties": {
                    FILE_FIELD: {
                        "type": "string",
                        "format": "binary",
                        "description": f"UTF-8 content: {', '.join(sorted(FORMATS))}",
                    }
                },
            }
        }
    },
}


class AcceptedOut(BaseModel):
    content_id: str
    session_id: str
    status: str


@router.post(
    "/{session_id}/content",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[AcceptedOut],
    summary="Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis",
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def upload_content(
    request: Request, session: OwnedSession, context: Context, content: Content
) -> JSONResponse:
    try:
        upload = await multipart.read_upload(
            request,
            context.settings.max_upload_bytes,
            field=FILE_FIELD,
            accept_filename=format_of,  # a wrong type is refused before its first byte
        )
        accepted = await content.accept(session, upload.filename, upload.data)
    except UnsupportedFormat as exc:
        raise ApiError(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc)) from None
    except MalformedContent as exc:
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.message, exc.details) from None
    return ok(
        {
            "content_id": accepted.content_id,
            "session_id": accepted.session_id,
            "status": accepted.status,
        },
        status.HTTP_202_ACCEPTED,
    )
