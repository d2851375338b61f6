"""``/api/csv/generate`` and ``/api/tickets``: ticket classification jobs.

Under ``/api``, not ``/api/v1``: existing clients are written against these paths.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from insightbus.common.web import ApiError, Success, ok
from insightbus.gateway.content import multipart
from insightbus.gateway.deps import Context, CurrentUser, Tickets
from insightbus.gateway.pagination import SessionsPage, page
from insightbus.gateway.tickets.csv_format import MalformedCsv, TooManyRows
from insightbus.gateway.tickets.service import SignedRequest

router = APIRouter(prefix="/api", tags=["tickets"])

FILE_FIELD = "file"
MAX_FILE_NAME = 255


class GenerateRequest(BaseModel):
    ticket_count: int = Field(ge=1, le=1000)


class GeneratedOut(BaseModel):
    csv_content: str = Field(description="base64 of the signed CSV file")
    session_id: str
    file_name: str
    row_count: int


class UploadRequest(BaseModel):
    csv_content: str = Field(description="base64 of the CSV file")
    file_name: str = Field(min_length=1, max_length=MAX_FILE_NAME)
    callback_url: str | None = Field(default=None, max_length=2048)


class AcceptedOut(BaseModel):
    session_id: str
    status: str
    total_tickets: int
    message: str


@router.post(
    "/csv/generate",
    response_model=Success[GeneratedOut],
    summary="Generate a signed CSV of realistic demo tickets",
)
async def generate_csv(
    body: GenerateRequest, user_id: CurrentUser, tickets: Tickets
) -> JSONResponse:
    return ok(await tickets.generate(user_id, body.ticket_count))


@router.post(
    "/tickets/upload",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[AcceptedOut],
    summary="Upload a signed CSV of tickets for classification (JSON or multipart)",
    description=(
        "Headers X-Signature, X-Nonce and X-Timestamp sign the file: see the README's "
        '"Signing a ticket file". JSON body {csv_content (base64), file_name, callback_url?}, '
        "or multipart/form-data with the file in 'file' and optional 'callback_url'."
    ),
)
async def upload_tickets(
    request: Request,
    user_id: CurrentUser,
    context: Context,
    tickets: Tickets,
    x_signature: Annotated[str | None, Header()] = None,
    x_nonce: Annotated[str | None, Header()] = None,
    x_timestamp: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    max_bytes = context.settings.tickets_max_bytes
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        raw, file_name, callback_url = await _read_multipart(request, max_bytes)
    else:
        raw, file_name, callback_url = await _read_json(request, max_bytes)
    try:
        accepted = await tickets.submit(
            user_id, raw, file_name, callback_url, SignedRequest(x_signature, x_nonce, x_timestamp)
        )
    except MalformedCsv as exc:
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.message, exc.details) from None
    except TooManyRows as exc:
        raise ApiError(
            status.HTTP_413_CONTENT_TOO_LARGE, str(exc), {"max_rows": exc.limit}
        ) from None
    return ok(accepted, status.HTTP_202_ACCEPTED)


@router.get("/tickets", summary="Your ticket jobs, newest first")
async def list_jobs(user_id: CurrentUser, tickets: Tickets, params: SessionsPage) -> JSONResponse:
    found, total = await tickets.jobs(user_id, params)
    return ok(page(found, total, params))


@router.get("/tickets/{session_id}", summary="A ticket job: status, progress, results")
async def get_job(session_id: str, user_id: CurrentUser, tickets: Tickets) -> JSONResponse:
    return ok(await tickets.job(user_id, session_id))


async def _read_json(request: Request, max_bytes: int) -> tuple[bytes, str, str | None]:
    # base64 grows a file by a third; the rest of the JSON is small.
    limit = max_bytes * 4 // 3 + 64 * 1024
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise multipart.too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise multipart.too_large(max_bytes)
        chunks.append(chunk)
    try:
        body = UploadRequest.model_validate_json(b"".join(chunks))
    except ValidationError as exc:
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "validation failed", _details(exc)
        ) from None
    try:
        raw = base64.b64decode(body.csv_content, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "csv_content is not valid base64",
            [{"loc": ["body", "csv_content"], "msg": "invalid base64", "type": "value_error"}],
        ) from None
    if len(raw) > max_bytes:
        raise multipart.too_large(max_bytes)
    return raw, body.file_name, body.callback_url


async def _read_multipart(request: Request, max_bytes: int) -> tuple[bytes, str, str | None]:
    upload = await multipart.read_upload(request, max_bytes, field=FILE_FIELD)
    callback_url = upload.fields.get("callback_url", "").strip() or None
    return upload.data, (upload.filename or "tickets.csv")[:MAX_FILE_NAME], callback_url


def _details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in json.loads(exc.json())
    ]
