"""What a user's part of the graph holds, row by row: what tests compare before and after
something that must change nothing (a redelivery, a replay)."""

from __future__ import annotations

from typing import Any

from insightbus.common.graph.bolt import BoltGraph

_SUBGRAPH = """
MATCH (:User {id: $user})-[:OWNS]->(s:Session)
OPTIONAL MATCH (s)-[c:CONTAINS]->(n)
RETURN s.id AS session, s.title AS title, labels(n)[0] AS label, n.id AS id, c.score AS score
ORDER BY session, label, id
"""


async def subgraph(graph: BoltGraph, user_id: str) -> list[dict[str, Any]]:
    """Every session of the user and everything each contains, one row each, in order."""
    return await graph.run(_SUBGRAPH, user=user_id)
