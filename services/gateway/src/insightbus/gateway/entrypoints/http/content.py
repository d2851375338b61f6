"""``POST /api/v1/sessions/{id}/content``: a file in; 202 once its analysis is sure to start."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from insightbus.common.web import Success, ok
from insightbus.gateway.domain.content import FORMATS, format_of
from insightbus.gateway.entrypoints.http import multipart
from insightbus.gateway.entrypoints.http.dependencies import GatewayDep, OwnedSession, UploadsDep

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


# Two routers answer an "AcceptedOut", so the OpenAPI document names each by its module: the
# module it was first published from, kept so that the document (and generated clients)
# stay as they are.
AcceptedOut.__module__ = "insightbus.gateway.content.routes"
AcceptedOut.model_rebuild(force=True)


@router.post(
    "/{session_id}/content",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[AcceptedOut],
    summary="Upload content (.txt, .md, .json transcript, .vtt, .srt) for analysis",
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def upload_content(
    request: Request, session: OwnedSession, gateway: GatewayDep, uploads: UploadsDep
) -> JSONResponse:
    upload = await multipart.read_upload(
        request,
        gateway.settings.max_upload_bytes,
        field=FILE_FIELD,
        accept_filename=format_of,  # a wrong type is refused before its first byte
    )
    accepted = await uploads.accept(session, upload.filename, upload.data)
    return ok(
        {
            "content_id": accepted.content_id,
            "session_id": accepted.session_id,
            "status": accepted.status,
        },
        status.HTTP_202_ACCEPTED,
    )
