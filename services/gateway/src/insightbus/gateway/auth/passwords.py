"""Password hashing with Argon2id, off the event loop (it is deliberately slow)."""

from __future__ import annotations

import asyncio

import argon2

# OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
_HASHER = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class PasswordHasher:
    def __init__(self) -> None:
        # Verifying against this when the email is unknown keeps login timing the same.
        self._dummy = _HASHER.hash("not-a-real-password")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(_HASHER.hash, password)

    async def verify(self, hashed: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                return _HASHER.verify(hashed or self._dummy, password) and hashed is not None
            except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
                return False

        return await asyncio.to_thread(check)
