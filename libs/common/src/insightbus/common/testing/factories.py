"""What the test suites of every service build again and again: loopback ports, a server on
one, waiting for an observable state, events on a bus, a recorder of what a bus carries.

No test proves an absence by sleeping: ``eventually`` waits for a state, and a redelivery
test waits for a sentinel published after the redelivered envelope (``Recorder.sentinel``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, Event, new_id, parse
from insightbus.common.graph import Graph
from insightbus.common.observability.logging import configure_logging
from insightbus.common.runtime import Process, Service
from insightbus.common.store import DocumentStore

T = TypeVar("T")

# A test that waits longer than this for something the system does in milliseconds has
# found a bug; the margin is for a loaded two-core CI machine.
DEFAULT_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def eventually(
    check: Callable[[], T | Awaitable[T | None] | None],
    timeout: float = DEFAULT_TIMEOUT_S,
    every: float = 0.01,
) -> T:
    """The first truthy value of ``check()`` (sync or async), polled; ``TimeoutError``
    if it stays falsy for ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            value = check()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value  # type: ignore[return-value]
            await asyncio.sleep(every)


async def publish(bus: MessageBus, event: Event, source: str = "test") -> Envelope:
    envelope = Envelope.wrap(event, source=source)
    await bus.publish(event.topic, envelope)
    return envelope


@dataclass
class Recorder:
    """Every envelope a consumer group of its own receives on ``topics``, in arrival order.
    Subscribe it before the bus starts.

    Each envelope is checked against its event's published schema as it arrives (Zulip's
    ``event_schema`` idea): a test that waits on a recorder fails on any event that would
    not parse for a consumer outside."""

    envelopes: list[Envelope] = field(default_factory=list)
    invalid: list[tuple[Envelope, Exception]] = field(default_factory=list)

    def attach(self, bus: MessageBus, topics: Sequence[str], group: str = "test-recorder") -> None:
        bus.subscribe(group, topics, self._record)  # the test's own group, not a service's

    async def _record(self, envelope: Envelope) -> None:
        try:
            parse(envelope)
        except Exception as exc:  # recorded, not raised: the bus would only retry it
            self.invalid.append((envelope, exc))
        self.envelopes.append(envelope)

    def check(self) -> None:
        assert not self.invalid, f"events that break their schema: {self.invalid}"

    def of_type(self, event_type: str) -> list[Any]:
        self.check()
        return [parse(e) for e in self.envelopes if e.type == event_type]

    def types(self) -> list[str]:
        return [e.type for e in self.envelopes]

    async def wait_for(
        self,
        predicate: Callable[[list[Envelope]], bool],
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> list[Envelope]:
        await eventually(lambda: predicate(self.envelopes), timeout)
        self.check()
        return self.envelopes

    async def wait_for_id(
        self,
        envelope_id: str,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> Envelope:
        def found() -> Envelope | None:
            return next((e for e in self.envelopes if e.id == envelope_id), None)

        envelope = await eventually(found, timeout)
        assert envelope is not None
        self.check()
        return envelope


@dataclass
class OnTheBus:
    """A service started alone on in-memory adapters, and what its consumers saw."""

    bus: MessageBus
    store: DocumentStore
    recorder: Recorder


@contextlib.asynccontextmanager
async def on_the_bus(
    build: Callable[[DocumentStore, MessageBus], Service],
    record: Sequence[str],
    *,
    partitions: int = 4,
    graph: Graph | None = None,
) -> AsyncIterator[OnTheBus]:
    """``build(store, bus)`` on an in-memory bus and store, started in the order a process
    starts (stores, the ``graph`` build uses, services, then consumers); a ``Recorder`` on
    the ``record`` topics."""
    from insightbus.common.bus.embedded import EmbeddedBus
    from insightbus.common.store.sqlite import SqliteStore

    bus = EmbeddedBus(None, partitions=partitions, backoff_s=0.01)
    store = SqliteStore(None)
    service = build(store, bus)
    recorder = Recorder()
    recorder.attach(bus, record)
    process = Process(bus=bus, stores={service.name: store}, services=[service], graph=graph)
    await process.start()
    try:
        yield OnTheBus(bus, store, recorder)
    finally:
        await process.stop()


@contextlib.asynccontextmanager
async def serving(app: Any, port: int | None = None, **config: Any) -> AsyncIterator[str]:
    """``app`` on a real uvicorn on loopback (lifespan and all); yields ``http://host:port``.
    ``config``: more of uvicorn's options (``runtime.proxy_options``)."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)
    )
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started or task.done())
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError("the server stopped while starting")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


__all__ = [
    "DEFAULT_TIMEOUT_S",
    "Recorder",
    "auth",
    "eventually",
    "free_port",
    "new_id",
    "on_the_bus",
    "publish",
    "serving",
]


@contextlib.contextmanager
def logged_output() -> Iterator[Callable[[], str]]:
    """Everything the process's log handler writes (what `insightbus serve` installs), at
    DEBUG, as the text so far; the test's own logging comes back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG")
    written = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(written)
    try:
        yield written.getvalue
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
