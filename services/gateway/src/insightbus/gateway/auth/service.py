"""Accounts and tokens: register, log in, refresh with rotation and reuse detection."""

from __future__ import annotations

from typing import Any

from insightbus.common.auth import InvalidToken, TokenKind
from insightbus.common.events import new_id, utcnow
from insightbus.common.store import DuplicateKey
from insightbus.common.web import conflict, unauthorized
from insightbus.gateway.state import Gateway

WRONG_CREDENTIALS = "invalid email or password"


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "email": user["email"], "name": user["name"]}


async def register(gateway: Gateway, email: str, password: str, name: str) -> dict[str, Any]:
    user = {
        "id": new_id(),
        "email": email,
        "name": name.strip(),
        "password_hash": await gateway.passwords.hash(password),
        "created_at": utcnow().isoformat(),
    }
    try:
        await gateway.db.users.insert(user)
    except DuplicateKey:
        raise conflict("an account with this email already exists") from None
    return public_user(user)


async def login(gateway: Gateway, email: str, password: str) -> dict[str, Any]:
    user = await gateway.db.users.find_one({"email": email})
    hashed = user["password_hash"] if user else None
    if not await gateway.passwords.verify(hashed, password) or user is None:
        raise unauthorized(WRONG_CREDENTIALS)
    return await _token_pair(gateway, user["id"], family=None)


async def refresh(gateway: Gateway, token: str) -> dict[str, Any]:
    try:
        claims = gateway.codec.verify(token, TokenKind.refresh)
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from None
    tokens = gateway.db.refresh_tokens
    # Spend the token atomically: of two concurrent refreshes only one wins.
    spent = await tokens.update(
        {"id": claims.token_id, "state": "active"},
        {"state": "spent", "spent_at": utcnow().isoformat()},
    )
    if spent == 0:
        if await tokens.get(claims.token_id) is not None:
            # A spent (or revoked) token came back: it may have been stolen. Revoke the
            # whole family so neither the thief nor the owner can go on with it.
            await tokens.update({"family": claims.family}, {"state": "revoked"})
            raise unauthorized("refresh token reuse detected; please log in again")
        raise unauthorized("invalid token")
    return await _token_pair(gateway, claims.subject, family=claims.family)


async def _token_pair(gateway: Gateway, user_id: str, family: str | None) -> dict[str, Any]:
    access, _ = gateway.codec.issue(user_id, TokenKind.access)
    refresh_token, claims = gateway.codec.issue(user_id, TokenKind.refresh, family=family)
    await gateway.db.refresh_tokens.insert(
        {
            "id": claims.token_id,
            "family": claims.family,
            "user_id": user_id,
            "state": "active",
            "expires_at": claims.expires_at,
        }
    )
    return {
        "access_token": access,
        "refresh_token": refresh_token,
        "token_type": "bearer",
        "expires_in": gateway.codec.ttl(TokenKind.access),
    }
