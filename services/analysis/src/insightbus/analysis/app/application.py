"""The analysis' application object: its use case and its projector, built at start by
``bootstrap`` and reached by the bus handlers (``entrypoints/bus.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.analysis.app.analysis import ContentAnalysis
from insightbus.analysis.app.graph_projector import GraphProjector


@dataclass(frozen=True)
class Analysis:
    content: ContentAnalysis
    graph: GraphProjector | None  # None: the graph is off, and its group not subscribed

    def projector(self) -> GraphProjector:
        if self.graph is None:
            raise RuntimeError("the graph is off: its consumer group should not be subscribed")
        return self.graph
