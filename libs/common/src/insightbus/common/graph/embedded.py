"""The embedded graph: a FalkorDB the process starts itself, with its data in ``directory``
(under the data dir), so that the graph survives restarts as the SQLite files do.

Should the server die (FalkorDB's Bolt is experimental: see DEVELOPERS.md), the next
statement starts it again from its last snapshot, rather than leave the process without a
graph until a restart; the projector, which waited meanwhile, then goes on.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, LiteralString

from insightbus.common.graph.bolt import BoltConfig, BoltGraph, FalkorDBDialect
from insightbus.common.graph.falkordb import FalkorDBServer, start_server
from insightbus.common.graph.port import GraphUnavailable

log = logging.getLogger(__name__)


class EmbeddedGraph(BoltGraph):
    def __init__(self, directory: Path, database: str) -> None:
        super().__init__(BoltConfig(url="bolt://127.0.0.1:0", database=database), FalkorDBDialect())
        self._directory = directory
        self._database = database
        self._server: FalkorDBServer | None = None
        self._generation = 0  # servers started so far
        self._reviving = asyncio.Lock()

    @property
    def server(self) -> FalkorDBServer | None:
        return self._server

    async def start(self) -> None:
        await self._start_server()
        await super().start()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._server is not None:
                self._server.stop()
                self._server = None

    async def healthy(self) -> bool:
        return self._server is not None and self._server.alive() and await super().healthy()

    async def run(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        generation = self._generation
        try:
            return await super().run(query, **params)
        except GraphUnavailable:
            if not await self._revived(generation):
                raise
            return await super().run(query, **params)

    async def _start_server(self) -> None:
        self._server = await start_server(self._directory, persistent=True)
        self._config = BoltConfig(url=self._server.url, database=self._database)
        self._generation += 1
        log.info("embedded graph started", extra={"bolt_port": self._server.bolt_port})

    async def _revived(self, seen: int) -> bool:
        """True once a server answers in place of the one of generation ``seen``, which has
        died; False if it lives (slow, not gone: not ours to mend) or the graph was closed."""
        async with self._reviving:
            if self._generation != seen:
                return True  # another statement revived it meanwhile
            server = self._server
            if server is None or server.alive():
                return False
            log.error(
                "the embedded graph's server died; starting it again from its last snapshot",
                extra={"log": str(server.log_path)},
            )
            await BoltGraph.close(self)  # the driver of the dead server
            server.stop()
            await self._start_server()
            await BoltGraph.start(self)
            return True
