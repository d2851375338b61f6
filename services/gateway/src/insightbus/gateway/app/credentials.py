"""API keys (an alternative to Bearer tokens for programs) and each user's signing secret.

Both are shown once. An API key is stored as its SHA-256 only: it is a long random value,
so a slow password hash would buy nothing. The signing secret must be stored as is, since
the gateway recomputes HMACs with it; after a rotation the previous one keeps verifying
for ``SECRET_OVERLAP`` so that clients can switch over without failed uploads.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from insightbus.common.errors import Conflict, Forbidden, Invalid, NotFound
from insightbus.common.events import utcnow
from insightbus.common.store import Collection
from insightbus.gateway.domain.networks import address_allowed, normalized_networks

API_KEY_PREFIX = "ibk_"
SIGNING_SECRET_PREFIX = "ibs_"  # noqa: S105 (a prefix, not a secret)
MAX_API_KEYS_PER_USER = 20
SECRET_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    id: str
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    # The networks (CIDRs) it may be used from; empty: anywhere.
    allowed_ips: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SigningSecret:
    secret: str
    created_at: datetime
    previous_valid_until: datetime | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TooManyApiKeys(Conflict):
    def __init__(self) -> None:
        super().__init__(f"a user may have at most {MAX_API_KEYS_PER_USER} API keys")


class AddressNotAllowed(Forbidden):
    def __init__(self, address: str | None) -> None:
        super().__init__(
            f"this API key may not be used from {address or 'an unknown address'}: "
            "the address is not in its allowed_ips"
        )


def _networks(cidrs: list[str] | None) -> list[str]:
    try:
        return normalized_networks(cidrs or [])
    except ValueError as exc:
        raise Invalid(str(exc)) from None


class Credentials:
    def __init__(self, api_keys: Collection, signing_secrets: Collection) -> None:
        self._api_keys = api_keys
        self._signing_secrets = signing_secrets

    # --- API keys: "ibk_<id>_<secret>"; the id finds the record, the digest proves it.

    async def create_api_key(
        self, user_id: str, name: str, allowed_ips: list[str] | None = None
    ) -> tuple[ApiKeyInfo, str]:
        networks = _networks(allowed_ips)
        if await self._api_keys.count({"user_id": user_id}) >= MAX_API_KEYS_PER_USER:
            raise TooManyApiKeys
        key_id = secrets.token_hex(8)
        key = f"{API_KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        info = ApiKeyInfo(
            id=key_id,
            name=name,
            prefix=key[: len(API_KEY_PREFIX) + 8],
            created_at=utcnow().isoformat(),
            last_used_at=None,
            allowed_ips=tuple(networks),
        )
        await self._api_keys.insert(
            {
                "id": key_id,
                "user_id": user_id,
                "name": name,
                "prefix": info.prefix,
                "digest": _digest(key),
                "created_at": info.created_at,
                "last_used_at": None,
                "allowed_ips": networks,
            }
        )
        return info, key

    async def update_api_key(
        self, user_id: str, key_id: str, *, name: str | None, allowed_ips: list[str] | None
    ) -> ApiKeyInfo:
        """Rename it and/or replace its allow-list (``[]``: usable from anywhere again)."""
        changes: dict[str, object] = {}
        if name is not None:
            changes["name"] = name
        if allowed_ips is not None:
            changes["allowed_ips"] = _networks(allowed_ips)
        filter = {"id": key_id, "user_id": user_id}
        if changes and not await self._api_keys.update(filter, changes):
            raise NotFound("API key")
        doc = await self._api_keys.find_one(filter)
        if doc is None:
            raise NotFound("API key")
        return _info(doc)

    async def api_keys(self, user_id: str) -> list[ApiKeyInfo]:
        docs = await self._api_keys.find({"user_id": user_id}, sort=[("created_at", 1)])
        return [_info(doc) for doc in docs]

    async def revoke_api_key(self, user_id: str, key_id: str) -> None:
        if not await self._api_keys.delete({"id": key_id, "user_id": user_id}):
            raise NotFound("API key")

    async def user_of_api_key(self, key: str, address: str | None = None) -> str | None:
        """The owner of a valid, unrevoked key; None for anything else. A key with an
        allow-list used from ``address`` outside it raises ``AddressNotAllowed``."""
        if not key.startswith(API_KEY_PREFIX):
            return None
        key_id, _, rest = key[len(API_KEY_PREFIX) :].partition("_")
        if not key_id or not rest:
            return None
        doc = await self._api_keys.get(key_id)
        if doc is None or not hmac.compare_digest(str(doc["digest"]), _digest(key)):
            return None
        networks = doc.get("allowed_ips") or []
        if networks and not address_allowed(address, networks):
            raise AddressNotAllowed(address)
        now = utcnow()
        last = doc.get("last_used_at")
        # At most one write a minute per key: "last used" is for people, not an audit log.
        if last is None or now - datetime.fromisoformat(last) > timedelta(minutes=1):
            await self._api_keys.update({"id": key_id}, {"last_used_at": now.isoformat()})
        return str(doc["user_id"])

    # --- Signing secrets: one per user, created when first needed.

    async def rotate_signing_secret(self, user_id: str) -> SigningSecret:
        now = utcnow()
        secret = SIGNING_SECRET_PREFIX + secrets.token_urlsafe(32)
        current = await self._signing_secrets.get(user_id)
        previous = current["secret"] if current is not None else None
        await self._signing_secrets.replace(
            {
                "id": user_id,
                "secret": secret,
                "created_at": now.isoformat(),
                "previous": previous,
                "previous_valid_until": (now + SECRET_OVERLAP).isoformat() if previous else None,
            }
        )
        return SigningSecret(secret, now, now + SECRET_OVERLAP if previous else None)

    async def signing_secret(self, user_id: str) -> str:
        """The current secret, which signs the CSV files the gateway generates."""
        current = await self._signing_secrets.get(user_id)
        if current is None:
            return (await self.rotate_signing_secret(user_id)).secret
        return str(current["secret"])

    async def verifying_secrets(self, user_id: str) -> list[str]:
        """Every secret a signature may be made with right now, the current one first."""
        current = await self._signing_secrets.get(user_id)
        if current is None:
            return []
        found = [str(current["secret"])]
        until = current.get("previous_valid_until")
        if current.get("previous") and until and datetime.fromisoformat(until) > utcnow():
            found.append(str(current["previous"]))
        return found


def _info(doc: dict[str, object]) -> ApiKeyInfo:
    last = doc.get("last_used_at")
    networks = doc.get("allowed_ips")
    return ApiKeyInfo(
        id=str(doc["id"]),
        name=str(doc["name"]),
        prefix=str(doc["prefix"]),
        created_at=str(doc["created_at"]),
        last_used_at=str(last) if last else None,
        allowed_ips=tuple(str(n) for n in networks) if isinstance(networks, list) else (),
    )
