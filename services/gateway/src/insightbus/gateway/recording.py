"""Recording a change's event in the outbox, undoing the change if that fails.

The store has no multi-document transactions, so "write the document, then its event"
can fail in the middle. The client then gets an error, and the undo keeps the two in
step: no change is visible without its event. (The reverse gap, a crash between the
two writes, remains; it needs transactions or change streams to close.)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from insightbus.common.events import Event
from insightbus.common.outbox import Outbox

log = logging.getLogger(__name__)

Undo = Callable[[], Awaitable[object]]


async def record_or_undo(outbox: Outbox, event: Event, undo: Undo) -> None:
    try:
        await outbox.add(event)
    except Exception:
        try:
            await undo()
        except Exception:
            log.exception("could not undo a change whose event was not recorded")
        raise
