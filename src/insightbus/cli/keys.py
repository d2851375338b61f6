"""``insightbus keys``: the ring of token signing keys (``insightbus.common.auth.keys``).

``rotate`` adds a new key that signs from now (or after ``--activate-after``: long enough for
every replica to see the file first), and gives every older key a retirement time, by default
the refresh token's lifetime after the new key starts to sign, so no token issued before is
refused early. ``retire`` refuses a key's tokens at once (a leaked key). ``list`` shows the
ring without secrets. Each works on the file every replica reads (``INSIGHTBUS_JWT_KEYS_FILE``,
else the embedded stack's ``data_dir/jwt-keys.json``) or the one ``--file`` names.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from insightbus.common.auth import key_file
from insightbus.common.auth.keys import KeyRing, read_ring, retired, rotated, write_ring
from insightbus.common.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="the keys that sign and verify tokens")
    sub = keys.add_subparsers(dest="keys_command", required=True)

    def with_file(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--file",
            type=Path,
            help="the key ring (default INSIGHTBUS_JWT_KEYS_FILE, else data_dir/jwt-keys.json)",
        )

    rotate = sub.add_parser("rotate", help="add a new signing key; older keys retire later")
    with_file(rotate)
    rotate.add_argument(
        "--activate-after",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="the new key signs only after this long (give every replica time to read the "
        "file: 120 for a Kubernetes Secret); it verifies at once",
    )
    rotate.add_argument(
        "--retire-after",
        type=float,
        metavar="SECONDS",
        help="older keys verify this long after the new one signs "
        "(default INSIGHTBUS_REFRESH_TOKEN_TTL_S)",
    )
    rotate.set_defaults(run=_rotate)

    retire = sub.add_parser("retire", help="refuse every token a key signed, now")
    retire.add_argument("kid")
    with_file(retire)
    retire.set_defaults(run=_retire)

    listing = sub.add_parser("list", help="the keys (ids and times, never secrets)")
    with_file(listing)
    listing.set_defaults(run=_list)


def _path(args: argparse.Namespace, settings: Settings) -> Path | None:
    if args.file is not None:
        return Path(args.file)
    path = key_file(settings)
    if path is None:
        print(
            "insightbus keys: INSIGHTBUS_JWT_SECRET is set and INSIGHTBUS_JWT_KEYS_FILE is not: "
            "set INSIGHTBUS_JWT_KEYS_FILE (the secret stays a key) or give --file",
            file=sys.stderr,
        )
    return path


def _ring(path: Path) -> KeyRing:
    return read_ring(path) if path.exists() else KeyRing(())


def _rotate(args: argparse.Namespace) -> int:
    settings = Settings()
    path = _path(args, settings)
    if path is None:
        return 2
    retire_after = (
        args.retire_after if args.retire_after is not None else settings.refresh_token_ttl_s
    )
    ring, key = rotated(
        _ring(path),
        time.time(),
        retire_after_s=max(retire_after, settings.access_token_ttl_s),
        activate_after_s=args.activate_after,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_ring(path, ring)
    print(f"insightbus keys: {key.kid} signs from {_when(key.not_before)} ({path})")
    for old in ring.keys:
        if old.kid != key.kid and old.retire_at is not None:
            print(f"insightbus keys: {old.kid} verifies until {_when(old.retire_at)}")
    return 0


def _retire(args: argparse.Namespace) -> int:
    path = _path(args, Settings())
    if path is None:
        return 2
    now = time.time()
    try:
        ring = retired(_ring(path), args.kid, now)
    except LookupError as exc:
        print(f"insightbus keys: {exc.args[0]} in {path}", file=sys.stderr)
        return 1
    try:
        ring.signing_key(now)
    except LookupError:
        print("insightbus keys: that was the only signing key: rotate first", file=sys.stderr)
        return 1
    write_ring(path, ring)
    print(f"insightbus keys: {args.kid} retired: its tokens are refused")
    return 0


def _list(args: argparse.Namespace) -> int:
    path = _path(args, Settings())
    if path is None:
        return 2
    now = time.time()
    ring = _ring(path)
    try:
        signing: str | None = ring.signing_key(now).kid
    except LookupError:
        signing = None
    for key in ring.keys:
        state = "signs" if key.kid == signing else "verifies" if key.verifies(now) else "retired"
        until = f" until {_when(key.retire_at)}" if key.retire_at is not None else ""
        print(f"{key.kid}\t{state}{until}")
    return 0


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
