"""Register, log in, refresh: rotation with reuse detection per token family.

A login starts a family; each refresh spends its token (once, atomically) and issues the
next one in the same family. A spent token that comes back means a copy is in other
hands: the whole family is revoked and everyone holding one must log in again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from insightbus.common.auth import InvalidToken, TokenCodec, TokenKind
from insightbus.common.errors import Conflict, NotFound, Unauthenticated
from insightbus.common.events import new_id, utcnow
from insightbus.common.store import EXPIRE_AT, Collection, DuplicateKey
from insightbus.gateway.app.ports import PasswordHasher

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "invalid email or password"
REUSED_REFRESH_TOKEN = "refresh token reuse detected; please log in again"  # noqa: S105 (a message)

ACTIVE, SPENT, REVOKED = "active", "spent", "revoked"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds until the access token expires


class Accounts:
    def __init__(
        self,
        users: Collection,
        refresh_tokens: Collection,
        codec: TokenCodec,
        passwords: PasswordHasher,
    ) -> None:
        self._users = users
        self._refresh_tokens = refresh_tokens
        self._codec = codec
        self._passwords = passwords

    async def register(self, email: str, password: str, name: str) -> User:
        """``email`` arrives normalized (lower case), which the unique index relies on."""
        user = _new_user(email, name, await self._passwords.hash(password))
        try:
            await self._users.insert(user)
        except DuplicateKey:
            raise Conflict("an account with this email already exists") from None
        # The address is masked by the log setup (a***@example.com), like every one.
        log.info("account registered", extra={"user_id": user["id"], "email": email})
        return User(id=user["id"], email=email, name=name)

    async def account_of_email(self, email: str, name: str, *, provider: str) -> str:
        """The id of the account with this (verified) email, created without a password
        when there is none: it logs in through the identity provider only."""
        user = await self._users.find_one({"email": email})
        if user is None:
            user = _new_user(email, name, None)
            try:
                await self._users.insert(user)
                log.info(
                    "account created by an identity provider",
                    extra={"user_id": user["id"], "email": email, "provider": provider},
                )
            except DuplicateKey:  # registered meanwhile
                user = await self._users.find_one({"email": email})
                if user is None:
                    raise
        return str(user["id"])

    async def profile(self, user_id: str) -> User:
        """The caller's account (what GraphQL's ``me`` answers)."""
        doc = await self._users.get(user_id)
        if doc is None:
            raise NotFound("user")
        return User(id=doc["id"], email=doc["email"], name=doc["name"])

    async def login(self, email: str, password: str) -> TokenPair:
        user = await self._users.find_one({"email": email})
        # None for an account made by an identity provider: no password logs into it.
        stored = user.get("password_hash") if user is not None else None
        hashed = str(stored) if stored is not None else None
        # One message and the same work for an unknown email and a wrong password: verify
        # always runs (against a dummy hash when there is no user), before anything else.
        matched = await self._passwords.verify(hashed, password)
        if user is None or not matched or hashed is None:
            log.info("login refused", extra={"email": email, "known": user is not None})
            raise Unauthenticated(WRONG_CREDENTIALS)
        if hashed is not None and self._passwords.needs_rehash(hashed):
            # The hashing parameters were raised since: upgrade while we have the password.
            await self._users.update(
                {"id": user["id"]}, {"password_hash": await self._passwords.hash(password)}
            )
        return await self._issue_pair(str(user["id"]), family=None)

    async def issue(self, user_id: str) -> TokenPair:
        """A new pair (a new family) for a user who proved who they are some other way (an
        identity provider)."""
        return await self._issue_pair(user_id, family=None)

    async def refresh(self, refresh_token: str) -> TokenPair:
        try:
            claims = self._codec.verify(refresh_token, TokenKind.refresh)
        except InvalidToken as exc:
            raise Unauthenticated(str(exc)) from None
        # Compare-and-set: of two requests with the same token, exactly one spends it.
        spent = await self._refresh_tokens.update(
            {"id": claims.token_id, "state": ACTIVE},
            {"state": SPENT, "spent_at": utcnow().isoformat()},
        )
        if spent == 0:
            if await self._refresh_tokens.get(claims.token_id) is None:
                raise Unauthenticated("invalid token")
            await self._revoke_family(claims.family, claims.subject)
            raise Unauthenticated(REUSED_REFRESH_TOKEN)
        pair = await self._issue_pair(claims.subject, family=claims.family)
        # A reuse may have revoked the family while we were issuing: the revocation then
        # missed the token just inserted. Looking after the insert closes that gap.
        if await self._refresh_tokens.count({"family": claims.family, "state": REVOKED}):
            await self._revoke_family(claims.family, claims.subject)
            raise Unauthenticated(REUSED_REFRESH_TOKEN)
        return pair

    async def _revoke_family(self, family: str, user_id: str) -> None:
        revoked = await self._refresh_tokens.update(
            {"family": family, "state": {"$ne": REVOKED}}, {"state": REVOKED}
        )
        log.warning(
            "refresh token reused; family revoked", extra={"user_id": user_id, "revoked": revoked}
        )

    async def _issue_pair(self, user_id: str, family: str | None) -> TokenPair:
        access_token, _ = self._codec.issue(user_id, TokenKind.access)
        refresh_token, claims = self._codec.issue(user_id, TokenKind.refresh, family=family)
        await self._refresh_tokens.insert(
            {
                "id": claims.token_id,
                "family": claims.family,
                "user_id": user_id,
                "state": ACTIVE,
                "expires_at": claims.expires_at,
                # Kept while the token verifies, so a spent one coming back is caught.
                EXPIRE_AT: datetime.fromtimestamp(claims.expires_at, UTC),
            }
        )
        return TokenPair(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_in=self._codec.ttl(TokenKind.access),
        )


def _new_user(email: str, name: str, password_hash: str | None) -> dict[str, Any]:
    return {
        "id": new_id(),
        "email": email,
        "name": name,
        "password_hash": password_hash,
        "created_at": utcnow().isoformat(),
    }
