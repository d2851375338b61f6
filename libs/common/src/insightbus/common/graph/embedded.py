"""The embedded graph: a FalkorDB the process starts itself, with its data in ``directory``
(under the data dir), so that the graph survives restarts as the SQLite files do."""

from __future__ import annotations

import logging
from pathlib import Path

from insightbus.common.graph.bolt import BoltConfig, BoltGraph, FalkorDBDialect
from insightbus.common.graph.falkordb import FalkorDBServer, start_server

log = logging.getLogger(__name__)


class EmbeddedGraph(BoltGraph):
    def __init__(self, directory: Path, database: str) -> None:
        super().__init__(BoltConfig(url="bolt://127.0.0.1:0", database=database), FalkorDBDialect())
        self._directory = directory
        self._database = database
        self._server: FalkorDBServer | None = None

    async def start(self) -> None:
        self._server = await start_server(self._directory, persistent=True)
        self._config = BoltConfig(url=self._server.url, database=self._database)
        log.info("embedded graph started", extra={"bolt_port": self._server.bolt_port})
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
