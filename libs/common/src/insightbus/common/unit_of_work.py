"""One unit of work: a change to a service's own documents and the events it causes.

The stores have no multi-document transactions, so "write the documents, then record
their events in the outbox" can fail in between. A use case therefore makes its change
inside ``async with uow() as change:``; every write through ``change`` registers how to
undo it, and the events are recorded in the outbox when the block ends. If the block
raises, or the events cannot be recorded, the writes are undone (newest first) and the
caller gets the block's own error, or ``Unavailable`` with one message for every route:
no change is visible without its events, and nothing was accepted, so a retry is safe.
(A crash between the writes and the outbox remains; closing it needs transactions.)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from insightbus.common.errors import Unavailable
from insightbus.common.events import Event
from insightbus.common.outbox import Outbox
from insightbus.common.store import Collection, Document, Filter

log = logging.getLogger(__name__)

Undo = Callable[[], Awaitable[object]]

NOT_RECORDED = "the change could not be recorded; please try again"


@dataclass
class Change:
    """The writes and events of one unit of work."""

    events: list[tuple[Event, str | None]] = field(default_factory=list)
    undos: list[Undo] = field(default_factory=list)

    async def insert(self, collection: Collection, doc: Document) -> None:
        await collection.insert(doc)
        self.undos.append(lambda: collection.delete({"id": doc["id"]}))

    async def update(
        self,
        collection: Collection,
        filter: Filter,
        changes: Mapping[str, Any],
        *,
        undo: Mapping[str, Any] | None = None,
    ) -> int:
        """Set ``changes`` on the matching documents; ``undo`` is what to set back (on
        the documents that then carry ``changes``, so a newer change is left alone)."""
        matched = await collection.update(filter, changes)
        if matched and undo is not None:
            restore = dict(undo)
            now = {**dict(filter), **dict(changes)}
            self.undos.append(lambda: collection.update(now, restore))
        return matched

    def on_undo(self, undo: Undo) -> None:
        """Any other way to take a step back (deleting what another write created, ...)."""
        self.undos.append(undo)

    def emit(self, event: Event, *, id: str | None = None) -> None:
        """Record ``event`` when the change succeeds (``id``: derived from its cause)."""
        self.events.append((event, id))

    async def undo(self) -> None:
        for step in reversed(self.undos):
            try:
                await step()
            except Exception:
                log.exception("could not undo a step of a change whose events were not recorded")


class UnitOfWork:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[Change]:
        change = Change()
        try:
            yield change
        except BaseException:
            await change.undo()
            raise
        try:
            for event, id in change.events:
                await self._outbox.add(event, id=id)
        except Exception as exc:
            log.exception(
                "could not record a change's events", extra={"events": len(change.events)}
            )
            await change.undo()
            raise Unavailable(NOT_RECORDED) from exc
