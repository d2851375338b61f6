"""One explicit transaction on an autocommit SQLite connection (the embedded bus and store)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """In autocommit mode (``isolation_level=None``) ``with db:`` does not open a
    transaction: each row of an ``executemany`` would be committed on its own."""
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
