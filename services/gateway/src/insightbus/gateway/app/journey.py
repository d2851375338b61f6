"""A user's journey across their sessions, answered from the graph: emotions over time and
the topics that recur. The analysis projects its findings there (group "analysis-graph"),
so the journey follows the events, as the read models do: a deleted session leaves it as
soon as its deletion is projected. ``GraphUnavailable`` (a 503) when the graph is off or
cannot be reached: nothing else here knows the answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from insightbus.common.graph import Graph


class Journeys:
    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    async def of(self, user_id: str, *, sessions: int) -> dict[str, Any]:
        """The user's latest ``sessions``, oldest first, and their recurring topics."""
        journey = await self._graph.journey(user_id, sessions=sessions)
        return asdict(journey)
