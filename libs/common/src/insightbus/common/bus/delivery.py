"""Retry-then-dead-letter delivery, shared by every bus adapter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from insightbus.common.bus.port import Handler, Subscription
from insightbus.common.events import Envelope
from insightbus.common.events.topics import dead_letter
from insightbus.common.observability import metrics
from insightbus.common.observability.logging import correlation_id

log = logging.getLogger(__name__)

Publish = Callable[[str, Envelope], Awaitable[None]]


async def deliver(
    handler: Handler,
    envelope: Envelope,
    *,
    topic: str,
    group: str,
    publish: Publish,
    max_attempts: int,
    backoff_s: float,
) -> None:
    """Run ``handler`` until it succeeds or attempts run out, then dead-letter the envelope.

    Returns normally in both cases, so the caller acknowledges and moves on; only
    cancellation propagates.
    """
    # Logs written while handling carry the correlation id of the request that caused it.
    token = correlation_id.set(envelope.correlation_id)
    try:
        await _attempts(handler, envelope, topic, group, publish, max_attempts, backoff_s)
    finally:
        correlation_id.reset(token)


async def deliver_all(
    sub: Subscription,
    envelopes: Sequence[Envelope],
    *,
    topic: str,
    publish: Publish,
    max_attempts: int,
    backoff_s: float,
) -> None:
    """Envelopes of one partition, in order: to the group's batch handler in one call when
    it has one (and there is more than one envelope); if that raises, each envelope to its
    handler alone, with the retries and the dead letter of ``deliver``."""
    if sub.batch_handler is not None and len(envelopes) > 1:
        try:
            with metrics.HANDLER_SECONDS.labels(sub.group, "batch").time():
                await sub.batch_handler(envelopes)
            for envelope in envelopes:
                metrics.EVENTS_HANDLED.labels(sub.group, envelope.type, "ok").inc()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                "batch handler failed; delivering one by one",
                extra={"group": sub.group, "envelopes": len(envelopes), "error": repr(exc)},
            )
    for envelope in envelopes:
        await deliver(
            sub.handler,
            envelope,
            topic=topic,
            group=sub.group,
            publish=publish,
            max_attempts=max_attempts,
            backoff_s=backoff_s,
        )


async def _attempts(
    handler: Handler,
    envelope: Envelope,
    topic: str,
    group: str,
    publish: Publish,
    max_attempts: int,
    backoff_s: float,
) -> None:
    for attempt in range(1, max_attempts + 1):
        try:
            with metrics.HANDLER_SECONDS.labels(group, envelope.type).time():
                await handler(envelope)
            metrics.EVENTS_HANDLED.labels(group, envelope.type, "ok").inc()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                "handler failed",
                extra={
                    "group": group,
                    "event_id": envelope.id,
                    "event_type": envelope.type,
                    "attempt": attempt,
                    "error": repr(exc),
                    "correlation_id": envelope.correlation_id,
                },
            )
            if attempt == max_attempts:
                await _dead_letter(envelope, topic, group, exc, publish)
                return
            await asyncio.sleep(backoff_s * 2 ** (attempt - 1))


async def _dead_letter(
    envelope: Envelope, topic: str, group: str, exc: Exception, publish: Publish
) -> None:
    metrics.EVENTS_HANDLED.labels(group, envelope.type, "dead_lettered").inc()
    # The dead letter keeps the original whole, so it can be inspected and replayed.
    letter = Envelope(
        type="dead_letter",
        version=1,
        source=group,
        key=envelope.key,
        correlation_id=envelope.correlation_id,
        data={
            "envelope": envelope.model_dump(mode="json"),
            "error": f"{type(exc).__name__}: {exc}",
            "topic": topic,
            "group": group,
        },
    )
    await publish(dead_letter(topic), letter)
    log.error(
        "event dead-lettered",
        extra={"group": group, "event_id": envelope.id, "event_type": envelope.type},
    )


async def drain(tasks: list[asyncio.Task[None]], grace_s: float) -> None:
    """The graceful stop of every adapter: consumers, told to stop, finish (and commit) the
    envelope in hand and return; cancelling them would interrupt handlers mid-way. Only one
    that outlasts ``grace_s`` is cancelled (and, uncommitted, redelivered later)."""
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=grace_s)
        for task in pending:
            log.warning("handler still running at stop; cancelled", extra={"task": task.get_name()})
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    tasks.clear()
