"""Password hashing with Argon2id, off the event loop (it is deliberately slow).

Satisfies ``insightbus.gateway.app.ports.PasswordHasher``."""

from __future__ import annotations

import asyncio

import argon2

# OWASP's baseline for Argon2id: 19 MiB, 2 passes, 1 lane (~20-40 ms a hash).
DEFAULT_HASHER = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class Passwords:
    def __init__(self, hasher: argon2.PasswordHasher = DEFAULT_HASHER) -> None:
        self._hasher = hasher
        # Checked when the email is unknown, so that a login takes as long either way
        # and its timing does not tell which emails have accounts.
        self._dummy = hasher.hash("not a real password, only for timing")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, hashed: str | None, password: str) -> bool:
        """False for a wrong password, and always False (after the same work) for None."""
        return await asyncio.to_thread(self._verify, hashed, password)

    def needs_rehash(self, hashed: str) -> bool:
        return self._hasher.check_needs_rehash(hashed)

    def _verify(self, hashed: str | None, password: str) -> bool:
        try:
            matched = self._hasher.verify(hashed or self._dummy, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
        return matched and hashed is not None
