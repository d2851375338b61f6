"""``/api/v1/api-keys`` and ``/api/v1/signing-secret``.

Managing credentials takes a Bearer token: an API key cannot mint or revoke keys, so a
leaked key cannot entrench itself.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from insightbus.common.web import Success, error_responses, ok
from insightbus.gateway.entrypoints.http.dependencies import BearerUser, CredentialsDep

router = APIRouter(prefix="/api/v1", tags=["credentials"], responses=error_responses(401, 429))


_ALLOWED_IPS = (
    "the networks (CIDRs, e.g. 203.0.113.0/24 or 2001:db8::/32; a bare address is one host) "
    "the key may be used from; elsewhere it answers 403. Empty or absent: anywhere"
)


class NewApiKeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="what the key is for")
    allowed_ips: list[str] = Field(default_factory=list, max_length=50, description=_ALLOWED_IPS)


class ApiKeyChangesRequest(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    allowed_ips: list[str] | None = Field(
        default=None, max_length=50, description=_ALLOWED_IPS + " (null: unchanged)"
    )


class ApiKeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    allowed_ips: list[str]


class CreatedApiKeyOut(ApiKeyOut):
    key: str = Field(description="send it as X-API-Key; shown this once only")


class SigningSecretOut(BaseModel):
    signing_secret: str = Field(description="shown this once only")
    created_at: str
    previous_valid_until: str | None


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[CreatedApiKeyOut],
    summary="Create an API key (returned once)",
    responses=error_responses(422),
)
async def create_api_key(
    body: NewApiKeyRequest, user_id: BearerUser, credentials: CredentialsDep
) -> JSONResponse:
    info, key = await credentials.create_api_key(user_id, body.name.strip(), body.allowed_ips)
    return ok({**asdict(info), "key": key}, status.HTTP_201_CREATED)


@router.patch(
    "/api-keys/{key_id}",
    response_model=Success[ApiKeyOut],
    summary="Rename an API key or change the networks it may be used from",
    responses=error_responses(404, 422),
)
async def update_api_key(
    key_id: str, body: ApiKeyChangesRequest, user_id: BearerUser, credentials: CredentialsDep
) -> JSONResponse:
    info = await credentials.update_api_key(
        user_id,
        key_id,
        name=body.name.strip() if body.name is not None else None,
        allowed_ips=body.allowed_ips,
    )
    return ok(asdict(info))


@router.get("/api-keys", response_model=Success[list[ApiKeyOut]], summary="Your API keys")
async def list_api_keys(user_id: BearerUser, credentials: CredentialsDep) -> JSONResponse:
    return ok([asdict(info) for info in await credentials.api_keys(user_id)])


@router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key; it stops working at once",
    responses=error_responses(404, 422),
)
async def revoke_api_key(key_id: str, user_id: BearerUser, credentials: CredentialsDep) -> None:
    await credentials.revoke_api_key(user_id, key_id)


@router.post(
    "/signing-secret",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[SigningSecretOut],
    summary="Create or rotate your signing secret for ticket uploads (returned once)",
    description="The previous secret keeps verifying uploads until previous_valid_until.",
)
async def rotate_signing_secret(user_id: BearerUser, credentials: CredentialsDep) -> JSONResponse:
    secret = await credentials.rotate_signing_secret(user_id)
    return ok(
        {
            "signing_secret": secret.secret,
            "created_at": secret.created_at.isoformat(),
            "previous_valid_until": (
                secret.previous_valid_until.isoformat() if secret.previous_valid_until else None
            ),
        },
        status.HTTP_201_CREATED,
    )
