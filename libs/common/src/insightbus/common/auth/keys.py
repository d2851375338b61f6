"""Signing keys for tokens, by key id: the newest active key signs, older ones verify until
they retire.

A key ring is a JSON file (``INSIGHTBUS_JWT_KEYS_FILE``; in the embedded stack
``data_dir/jwt-keys.json``, created on first start). Every process that issues or verifies
tokens reads the same file: in the distributed mode a Kubernetes Secret (or any shared
volume) mounted into each replica of the gateway and the notifier. A process looks at the
file's modification time at most every ``jwt_keys_reload_s`` (and at once when a token names
a key it does not know), so a rotation reaches every replica without a restart.

Settings, not a service's store: each service owns its data (the notifier cannot read the
gateway's database, and with SQLite each has its own file), while every replica of every
service reads the same settings and mounted secrets.

``INSIGHTBUS_JWT_SECRET`` (the single shared secret of before) stays a key, id ``default``,
which never retires while it is set: a token without a ``kid`` header (issued before key
rotation existed) is verified with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

LEGACY_KID = "default"
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: str
    created_at: float
    # Signs from then on (a rotation can wait until every replica has the new key).
    not_before: float = 0.0
    # Verifies until then; None: until a newer key retires it.
    retire_at: float | None = None

    def verifies(self, now: float) -> bool:
        return self.retire_at is None or now < self.retire_at

    def signs(self, now: float) -> bool:
        return self.not_before <= now and self.verifies(now)


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[SigningKey, ...]

    def __post_init__(self) -> None:
        kids = [k.kid for k in self.keys]
        if len(set(kids)) != len(kids):
            raise ValueError("two keys with the same kid")
        for key in self.keys:
            if len(key.secret) < MIN_SECRET_LENGTH:
                raise ValueError(f"key {key.kid!r}: a secret has at least 32 characters")

    def signing_key(self, now: float | None = None) -> SigningKey:
        """The newest key that may sign now."""
        at = time.time() if now is None else now
        usable = [k for k in self.keys if k.signs(at)]
        if not usable:
            raise LookupError("no signing key is active: run `insightbus keys rotate`")
        return max(usable, key=lambda k: (k.not_before, k.created_at))

    def verifying_key(self, kid: str, now: float | None = None) -> SigningKey | None:
        """The key with this id, if it still verifies."""
        at = time.time() if now is None else now
        for key in self.keys:
            if key.kid == kid:
                return key if key.verifies(at) else None
        return None

    def knows(self, kid: str) -> bool:
        return any(k.kid == kid for k in self.keys)


def new_key(now: float, *, activate_after_s: float = 0.0) -> SigningKey:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return SigningKey(
        kid=f"{stamp}-{secrets.token_hex(3)}",
        secret=secrets.token_urlsafe(48),
        created_at=now,
        not_before=now + activate_after_s,
    )


def rotated(
    ring: KeyRing, now: float, *, retire_after_s: float, activate_after_s: float = 0.0
) -> tuple[KeyRing, SigningKey]:
    """A ring with a new signing key; every older key verifies for ``retire_after_s`` after
    the new one starts to sign (give the refresh token's lifetime: every token the old keys
    signed has expired by then). Keys already retired are dropped."""
    key = new_key(now, activate_after_s=activate_after_s)
    retire_at = key.not_before + retire_after_s
    kept = []
    for old in ring.keys:
        if old.retire_at is not None and old.retire_at <= now:
            continue  # retired: nothing it signed is accepted any more
        if old.retire_at is None or old.retire_at > retire_at:
            old = replace(old, retire_at=retire_at)
        kept.append(old)
    return KeyRing((*kept, key)), key


def retired(ring: KeyRing, kid: str, now: float) -> KeyRing:
    """The ring with ``kid`` retired now (a leaked key): its tokens are refused at once."""
    if not ring.knows(kid):
        raise LookupError(f"no key {kid!r}")
    return KeyRing(tuple(replace(k, retire_at=now) if k.kid == kid else k for k in ring.keys))


class _KeyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    class Key(BaseModel):
        model_config = ConfigDict(extra="forbid")
        kid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
        secret: str = Field(min_length=MIN_SECRET_LENGTH)
        created_at: float
        not_before: float = 0.0
        retire_at: float | None = None

    keys: list[Key]


def read_ring(path: Path) -> KeyRing:
    data = _KeyFile.model_validate_json(path.read_bytes())
    return KeyRing(tuple(SigningKey(**k.model_dump()) for k in data.keys))


def write_ring(path: Path, ring: KeyRing) -> None:
    """Replace the file in one step (a reader sees the old ring or the new, never half),
    readable by its owner alone."""
    body = {"keys": [asdict(k) for k in ring.keys]}
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(body, out, indent=2)
        out.write("\n")
    os.replace(tmp, path)


def create_ring_once(path: Path, first: SigningKey) -> None:
    """Create the file with ``first`` unless it exists (two processes starting at once
    agree on whichever wrote first)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    write_ring(tmp, KeyRing((first,)))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class KeySource(Protocol):
    def ring(self, *, fresh: bool = False) -> KeyRing:
        """The current ring; ``fresh``: look at its source now (a token named an unknown
        key), not only every reload interval."""


class StaticKeys:
    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring

    def ring(self, *, fresh: bool = False) -> KeyRing:
        return self._ring


class FileKeys:
    """The ring in a file, read again when its modification time changes (looked at every
    ``reload_s`` at most, or when asked for a fresh ring), plus ``extra`` keys (the legacy
    secret from the settings). A file that cannot be read keeps the ring last read."""

    def __init__(
        self, path: Path, *, reload_s: float = 5.0, extra: Sequence[SigningKey] = ()
    ) -> None:
        self._path = path
        self._reload_s = reload_s
        self._extra = tuple(extra)
        self._stamp: tuple[int, int, int] | None = None
        self._checked = 0.0
        self._ring = self._load()

    def _load(self) -> KeyRing:
        self._checked = time.monotonic()
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            if not self._extra:
                raise
            return KeyRing(self._extra)  # the legacy secret until the first rotation
        ring = read_ring(self._path)
        own = {k.kid for k in ring.keys}
        self._stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return KeyRing(ring.keys + tuple(k for k in self._extra if k.kid not in own))

    def ring(self, *, fresh: bool = False) -> KeyRing:
        now = time.monotonic()
        if fresh or now - self._checked >= self._reload_s:
            self._checked = now
            try:
                stat = self._path.stat()
                if (stat.st_mtime_ns, stat.st_size, stat.st_ino) != self._stamp:
                    self._ring = self._load()
            except (OSError, ValueError):
                pass  # a half-mounted secret or a bad edit: keep verifying with what we had
        return self._ring
