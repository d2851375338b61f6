"""How the embedded bus and store open their SQLite files, and give space back.

Both delete rows all the time (the bus what every group has read, the store what expired).
SQLite keeps freed pages in the file for reuse; with ``auto_vacuum=INCREMENTAL`` a pass of
``incremental_vacuum`` also hands them back to the file system, so a file follows what it
holds rather than the most it ever held. SQLite takes that mode only before a file's first
table: an older file needs one ``VACUUM`` to take it (see ``convert_to_incremental``).
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)

INCREMENTAL = 2  # PRAGMA auto_vacuum's value for INCREMENTAL
# After a checkpoint the write-ahead log is cut back to this, not left at its largest.
JOURNAL_SIZE_LIMIT = 8 * 1024 * 1024
_RECLAIM_PAGES = 4096  # pages given back per call at most (16 MiB of 4 KiB pages)


def connect(path: str) -> sqlite3.Connection:
    """Autocommit (``BEGIN`` where a transaction is wanted), WAL, incremental vacuum on a
    new file."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # before any table, or it does nothing
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    return db


def convert_to_incremental(db: sqlite3.Connection, what: str) -> None:
    """Rewrite a file made before incremental vacuum so that it has it (once: the whole
    file is copied, so it costs what the file weighs)."""
    if int(db.execute("PRAGMA auto_vacuum").fetchone()[0]) == INCREMENTAL:
        return
    log.info("converting %s to incremental vacuum (once)", what)
    db.execute("PRAGMA auto_vacuum=INCREMENTAL")
    db.execute("VACUUM")


def reclaim(db: sqlite3.Connection) -> int:
    """Give free pages back to the file system (none without incremental vacuum); returns
    how many pages were free. Call it outside a transaction."""
    free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    if free and int(db.execute("PRAGMA auto_vacuum").fetchone()[0]) == INCREMENTAL:
        # executescript steps the pragma to its end; execute() frees one page per step.
        db.executescript(f"PRAGMA incremental_vacuum({min(free, _RECLAIM_PAGES)})")
    return free
