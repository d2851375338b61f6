"""The classifier on the bus: what it publishes, what it consumes, and the handlers."""

from __future__ import annotations

from insightbus.classifier.app.classification import TicketClassification
from insightbus.common.events import Envelope, topics
from insightbus.common.events.tickets import (
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
)
from insightbus.common.topology import Consumer, ServiceTopology


async def on_tickets_submitted(
    app: TicketClassification, envelope: Envelope, event: TicketsSubmitted
) -> None:
    await app.tickets_submitted(envelope, event)


TOPOLOGY: ServiceTopology[TicketClassification] = ServiceTopology(
    service="classifier",
    publishes=(TicketsProgressed, TicketsClassified, TicketsFailed),
    consumers=(
        # The group's name is where Kafka keeps its offsets: never rename it. The topic also
        # carries this service's own results: unlisted types are acknowledged unparsed.
        Consumer("classifier", topics.TICKETS, {TicketsSubmitted.type: on_tickets_submitted}),
    ),
)
