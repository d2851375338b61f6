"""Presence across replicas: who is connected to a user's channel or a session's socket,
whichever notifier replica holds the socket.

**How replicas learn of each other's connections: a record per socket in the shared store,
with an expiry its replica keeps pushing back** (``adapters/presence_store.py``), rather
than presence events on the bus. Why:

- *A killed replica.* Its records stop being refreshed and count as gone ``presence_ttl_s``
  after the last refresh, with nobody having to notice the death; over the bus, every
  replica would have to track each other's heartbeats and expire them itself, and a
  replica started after a join would never have seen it (the fan-out group
  ``notifier-live`` starts at the end of the topics).
- *The query.* ``{"type": "presence"}`` is answered from the store: the whole current list,
  also of connections made before this replica started.
- *No public contract.* Presence stays inside the notifier: no topic, event type or schema
  that other systems would see and we would have to keep compatible.

The price is latency and reads: each replica reads the records of the scopes its
presence-watching sockets are in every ``presence_interval_s`` (1 s), so a join on another
replica is told within about that; a join or a leave on the same replica is told at once
(the loop is woken). A replica that stops cleanly deletes its records, so its sockets are
``left`` at once; ``kill -9`` leaves them to expire (``presence_ttl_s``, 15 s by default,
refreshed every third of it).

Joined and left go only to sockets that have asked for presence once: clients that never
send ``{"type": "presence"}`` get no message they do not know. Each such socket gets the
differences from what it last knew (its answer to the query, then each change), so it never
hears of a connection twice, nor of a leave of one it did not know.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from insightbus.notifier.app.ports import PresenceRecords
from insightbus.notifier.domain.presence import Change, PresenceEntry, changes

log = logging.getLogger(__name__)

Tell = Callable[[Change], None]
"""How a socket is told of a change (its loop turns it into its channel's message)."""


@dataclass(eq=False)
class _Member:
    entry: PresenceEntry
    tell: Tell
    known: dict[str, PresenceEntry] | None = None  # None until the socket asks


class Presence:
    def __init__(
        self,
        records: PresenceRecords,
        *,
        ttl_s: float,
        interval_s: float,
        replica: str | None = None,
    ) -> None:
        self._records = records
        self._ttl_s = ttl_s
        self._interval_s = interval_s
        self.replica = replica or uuid.uuid4().hex
        self._members: dict[str, dict[str, _Member]] = {}  # scope -> connection id -> member
        self._lock = asyncio.Lock()  # one reader of the records at a time: changes in order
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def join(self, entry: PresenceEntry, tell: Tell) -> None:
        self._members.setdefault(entry.scope, {})[entry.connection_id] = _Member(entry, tell)
        await self._records.put([entry], self.replica)
        self._wake.set()

    async def leave(self, entry: PresenceEntry) -> None:
        members = self._members.get(entry.scope, {})
        members.pop(entry.connection_id, None)
        if not members:
            self._members.pop(entry.scope, None)
        await self._records.remove([entry.connection_id])
        self._wake.set()

    async def query(self, entry: PresenceEntry) -> list[PresenceEntry]:
        """Everyone connected in the socket's scope (itself included); from now on the
        socket is told who joins and leaves."""
        async with self._lock:
            found = (await self._records.present([entry.scope]))[entry.scope]
            member = self._members.get(entry.scope, {}).get(entry.connection_id)
            if member is not None:
                member.known = dict(found)
            return list(found.values())

    async def sync(self) -> None:
        """Tell every watching socket what changed in its scope since it last knew."""
        async with self._lock:
            scopes = [
                scope
                for scope, members in self._members.items()
                if any(m.known is not None for m in members.values())
            ]
            if not scopes:
                return
            found = await self._records.present(scopes)
            for scope in scopes:
                now = found.get(scope, {})
                for member in list(self._members.get(scope, {}).values()):
                    if member.known is None:
                        continue
                    for change in changes(member.known, now):
                        member.tell(change)
                    member.known = dict(now)

    async def refresh(self) -> None:
        """Push back the expiry of every socket this replica holds."""
        entries = [m.entry for members in self._members.values() for m in members.values()]
        await self._records.put(entries, self.replica)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="presence")

    async def stop(self) -> None:
        """Stop the loop and delete this replica's records (its sockets have left)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        ids = [i for members in self._members.values() for i in members]
        self._members.clear()
        with contextlib.suppress(Exception):
            await self._records.remove(ids)

    async def _run(self) -> None:
        refreshed = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
            self._wake.clear()
            try:
                if time.monotonic() - refreshed >= self._ttl_s / 3:
                    await self.refresh()
                    refreshed = time.monotonic()
                await self.sync()
            except Exception:  # the store is away: try again on the next round
                log.warning("presence: could not read or refresh the records", exc_info=True)
