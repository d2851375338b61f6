"""``/api/csv/generate`` and ``/api/tickets``: ticket classification jobs.

Under ``/api``, not ``/api/v1``: existing clients are written against these paths.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from insightbus.common.errors import Invalid
from insightbus.common.events.tickets import Level, Priority, Sentiment
from insightbus.common.web import Success, error_responses, ok
from insightbus.common.web.dependencies import page
from insightbus.gateway.app.idempotency import Answer, fingerprint
from insightbus.gateway.app.tickets import SignedRequest
from insightbus.gateway.entrypoints.http import multipart
from insightbus.gateway.entrypoints.http.dependencies import (
    CurrentUser,
    GatewayDep,
    IdempotencyDep,
    IdempotencyKey,
    SessionsPage,
    TicketsDep,
)

router = APIRouter(prefix="/api", tags=["tickets"], responses=error_responses(401, 429))

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
    file_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_FILE_NAME,
        description=(
            "optional: a file from /api/csv/generate keeps its generated name, "
            "any other is named tickets_<UTC timestamp>.csv"
        ),
    )
    callback_url: str | None = Field(default=None, max_length=2048)


class TicketJobAcceptedOut(BaseModel):
    session_id: str
    status: str
    total_tickets: int
    message: str


class TicketJobProgressOut(BaseModel):
    processed: int
    total: int
    percent: int = Field(description="0-99 while open; a completed job has no progress")


class TicketJobResultsOut(BaseModel):
    total_tickets: int
    classified: int
    unclassified: int
    processing_time_ms: float
    counts_by_category: dict[str, int]
    counts_by_priority: dict[str, int]


class ClassifiedTicketOut(BaseModel):
    issue_key: str
    summary: str
    category: str
    priority: Priority
    urgency: Level
    impact: Level
    sentiment: Sentiment
    confidence_score: float
    sla_due_date: str


class UnclassifiedTicketOut(BaseModel):
    row: int
    issue_key: str
    reason: str


class TicketJobOut(BaseModel):
    """A job as listed: its results' totals once completed, its reason once failed."""

    session_id: str
    status: Literal["pending", "processing", "completed", "failed"]
    file_name: str
    total_tickets: int
    created_at: str
    progress: TicketJobProgressOut | None = Field(default=None, description="while open")
    completed_at: str | None = Field(default=None, description="once completed or failed")
    results: TicketJobResultsOut | None = Field(default=None, description="once completed")
    error_message: str | None = Field(default=None, description="once failed")


class TicketJobDetailOut(TicketJobOut):
    """A job with its classified tickets (and the rows that could not be), once completed."""

    tickets: list[ClassifiedTicketOut] | None = None
    unclassified: list[UnclassifiedTicketOut] | None = None


class TicketJobPage(BaseModel):
    items: list[TicketJobOut]
    total: int
    limit: int
    offset: int


@router.post(
    "/csv/generate",
    response_model=Success[GeneratedOut],
    summary="Generate a signed CSV of realistic demo tickets",
    operation_id="generate_ticket_csv",
    responses=error_responses(422),
)
async def generate_csv(
    body: GenerateRequest, user_id: CurrentUser, tickets: TicketsDep
) -> JSONResponse:
    return ok(await tickets.generate(user_id, body.ticket_count))


@router.post(
    "/tickets/upload",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[TicketJobAcceptedOut],
    responses=error_responses(400, 409, 413, 422),
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
    gateway: GatewayDep,
    tickets: TicketsDep,
    idempotency: IdempotencyDep,
    x_signature: Annotated[str | None, Header()] = None,
    x_nonce: Annotated[str | None, Header()] = None,
    x_timestamp: Annotated[str | None, Header()] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    max_bytes = gateway.settings.tickets_max_bytes
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        raw, file_name, callback_url = await _read_multipart(request, max_bytes)
    else:
        raw, file_name, callback_url = await _read_json(request, max_bytes)

    async def submit() -> Answer:
        signed = SignedRequest(x_signature, x_nonce, x_timestamp)
        accepted = await tickets.submit(user_id, raw, file_name, callback_url, signed)
        return Answer(status.HTTP_202_ACCEPTED, accepted)

    request_id = fingerprint("tickets", raw, file_name, callback_url)
    answer = await idempotency.run(user_id, idempotency_key, request_id, submit)
    return ok(answer.data, answer.status)


@router.get(
    "/tickets",
    response_model=Success[TicketJobPage],
    summary="Your ticket jobs, newest first",
    operation_id="list_ticket_jobs",
    responses=error_responses(422),
)
async def list_jobs(
    user_id: CurrentUser, tickets: TicketsDep, params: SessionsPage
) -> JSONResponse:
    found, total = await tickets.jobs(user_id, params)
    return ok(page(found, total, params))


@router.get(
    "/tickets/{session_id}",
    response_model=Success[TicketJobDetailOut],
    summary="A ticket job: status, progress, results",
    operation_id="get_ticket_job",
    responses=error_responses(404, 422),
)
async def get_job(session_id: str, user_id: CurrentUser, tickets: TicketsDep) -> JSONResponse:
    return ok(await tickets.job(user_id, session_id))


async def _read_json(request: Request, max_bytes: int) -> tuple[bytes, str | None, str | None]:
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
        raise Invalid("validation failed", _details(exc)) from None
    try:
        raw = base64.b64decode(body.csv_content, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(
            "csv_content is not valid base64",
            [{"loc": ["body", "csv_content"], "msg": "invalid base64", "type": "value_error"}],
        ) from None
    if len(raw) > max_bytes:
        raise multipart.too_large(max_bytes)
    return raw, body.file_name, body.callback_url


async def _read_multipart(request: Request, max_bytes: int) -> tuple[bytes, str | None, str | None]:
    upload = await multipart.read_upload(request, max_bytes, field=FILE_FIELD, named=False)
    callback_url = upload.fields.get("callback_url", "").strip() or None
    # A file part without a name gets the same default as a JSON body without one.
    return upload.data, upload.filename[:MAX_FILE_NAME] or None, callback_url


def _details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in json.loads(exc.json())
    ]
