"""The topology as data: what each service publishes and what it consumes.

Every service declares one ``ServiceTopology`` in its ``entrypoints/bus.py``: the event
types it publishes and its consumers, ``(group, topic) -> {event type: handler}``. Its
bootstrap hands the table to ``subscribe``, the only place that calls ``bus.subscribe``,
so the table is the whole truth (``tests/test_topology.py`` checks that, and that every
event type in the catalog has a producer and a consumer). ``insightbus topology`` prints it.

A handler is a plain function of the service's application object (its use cases, built by
its bootstrap), the envelope and the parsed event: the table can then be read, printed and
tested without building anything (cosmicpython's ``EVENT_HANDLERS``, Sentry's
``KAFKA_CONSUMERS``). Event types a group receives but has no handler for are acknowledged
unparsed: cheap, and forward compatible with types added to a topic later.

A consumer may also name, for some of its event types, a handler of a run of them:
``batches[type](app, [(envelope, event), ...])`` gets consecutive envelopes of the types
that share it, as the bus hands them over, so that it writes them in one round trip (34
emotions of one document: one insert, not 34). It must do what the one-event handler does
for each; when it raises, the bus gives each envelope to the one-event handler instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from insightbus.common.bus import MessageBus
from insightbus.common.events import REGISTRY, Envelope, Event, parse

A = TypeVar("A")

#: ``handler(app, envelope, event)``; ``event`` is the parsed payload of ``envelope``.
EventHandler = Callable[[A, Envelope, Any], Awaitable[None]]
#: ``handler(app, [(envelope, event), ...])``: a run of consecutive envelopes, in order.
BatchEventHandler = Callable[[A, Sequence[tuple[Envelope, Any]]], Awaitable[None]]


@dataclass(frozen=True)
class Consumer(Generic[A]):
    """One consumer group's reading of one topic."""

    group: str
    topic: str
    handlers: Mapping[str, EventHandler[A]]
    batches: Mapping[str, BatchEventHandler[A]] = field(default_factory=dict)
    #: Every process gets its own copy of what is published while it runs (see the bus
    #: port): for pushing to what the process holds, such as its open sockets.
    fanout: bool = False

    def __post_init__(self) -> None:
        for event_type in self.handlers:
            if not any(t == event_type for t, _ in REGISTRY):
                raise ValueError(f"{self.group}: no event type {event_type!r} in the catalog")
        for event_type in self.batches:
            if event_type not in self.handlers:
                raise ValueError(
                    f"{self.group}: a batch handler of {event_type!r} needs the one-event handler too"
                )


@dataclass(frozen=True)
class ServiceTopology(Generic[A]):
    service: str
    publishes: tuple[type[Event], ...]
    consumers: tuple[Consumer[A], ...] = ()

    def without(self, group: str) -> ServiceTopology[A]:
        """The table less one consumer group: what a service subscribes when a dependency
        of that group is turned off (its offsets then wait, and it catches up once on)."""
        return replace(self, consumers=tuple(c for c in self.consumers if c.group != group))

    def edges(self) -> Iterator[tuple[str, str, str]]:
        """``(group, topic, event type)`` for every handled event type."""
        for consumer in self.consumers:
            for event_type in consumer.handlers:
                yield consumer.group, consumer.topic, event_type


def subscribe(bus: MessageBus, topology: ServiceTopology[A], app: Callable[[], A]) -> None:
    """Register the service's consumer groups on ``bus``, one subscription per group.

    ``app`` returns the service's application object when an envelope arrives (it exists
    only once the service has started; before that the call raises and the bus retries).
    """
    groups: dict[str, dict[tuple[str, str], EventHandler[A]]] = {}
    batches: dict[str, dict[str, BatchEventHandler[A]]] = {}
    fanout: dict[str, bool] = {}
    for consumer in topology.consumers:
        if fanout.setdefault(consumer.group, consumer.fanout) != consumer.fanout:
            raise ValueError(f"{consumer.group}: a group is all fan-out or not at all")
        table = groups.setdefault(consumer.group, {})
        for event_type, handler in consumer.handlers.items():
            table[(consumer.topic, event_type)] = handler
        batches.setdefault(consumer.group, {}).update(consumer.batches)
    for group, table in groups.items():
        topics = tuple(dict.fromkeys(topic for topic, _ in table))
        dispatch = _dispatcher(table, app)
        batch = _batch_dispatcher(batches[group], dispatch, app) if batches[group] else None
        bus.subscribe(group, topics, dispatch, batch, fanout=fanout[group])


def _dispatcher(
    table: Mapping[tuple[str, str], EventHandler[A]], app: Callable[[], A]
) -> Callable[[Envelope], Awaitable[None]]:
    by_type = {event_type: handler for (_, event_type), handler in table.items()}

    async def dispatch(envelope: Envelope) -> None:
        handler = by_type.get(envelope.type)
        if handler is None:
            return  # received, not needed: not even parsed
        await handler(app(), envelope, parse(envelope))

    return dispatch


def _batch_dispatcher(
    batches: Mapping[str, BatchEventHandler[A]],
    dispatch: Callable[[Envelope], Awaitable[None]],
    app: Callable[[], A],
) -> Callable[[Sequence[Envelope]], Awaitable[None]]:
    async def dispatch_batch(envelopes: Sequence[Envelope]) -> None:
        run: list[tuple[Envelope, Any]] = []
        run_handler: BatchEventHandler[A] | None = None
        for envelope in envelopes:
            handler = batches.get(envelope.type)
            if run and handler is not run_handler:
                assert run_handler is not None
                await run_handler(app(), run)
                run = []
            run_handler = handler
            if handler is None:
                await dispatch(envelope)  # in order with the runs around it
            else:
                run.append((envelope, parse(envelope)))
        if run and run_handler is not None:
            await run_handler(app(), run)

    return dispatch_batch
