"""``POST /api/v1/sessions/{id}/content``: a file in; 202 once its analysis is sure to start."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from insightbus.common.web import Success, error_responses, ok
from insightbus.gateway.app.idempotency import Answer, fingerprint
from insightbus.gateway.domain.content import FORMATS, format_of
from insightbus.gateway.entrypoints.http import multipart
from insightbus.gateway.entrypoints.http.dependencies import (
    GatewayDep,
    IdempotencyDep,
    IdempotencyKey,
    OwnedSession,
    UploadsDep,
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


class ContentAcceptedOut(BaseModel):
    content_id: str
    session_id: str
    status: str


@router.post(
    "/{session_id}/content",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[ContentAcceptedOut],
    responses=error_responses(400, 401, 404, 409, 413, 415, 422, 429),
    summary="Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis",
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def upload_content(
    request: Request,
    session: OwnedSession,
    gateway: GatewayDep,
    uploads: UploadsDep,
    idempotency: IdempotencyDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    upload = await multipart.read_upload(
        request,
        gateway.settings.max_upload_bytes,
        field=FILE_FIELD,
        accept_filename=format_of,  # a wrong type is refused before its first byte
    )

    async def accept() -> Answer:
        accepted = await uploads.accept(session, upload.filename, upload.data)
        data = {
            "content_id": accepted.content_id,
            "session_id": accepted.session_id,
            "status": accepted.status,
        }
        return Answer(status.HTTP_202_ACCEPTED, data)

    request_id = fingerprint("content", session.id, upload.filename, upload.data)
    answer = await idempotency.run(session.user_id, idempotency_key, request_id, accept)
    return ok(answer.data, answer.status)
