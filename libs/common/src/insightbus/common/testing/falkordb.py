"""A FalkorDB server (Bolt) on a free loopback port, for tests: a throwaway data dir, and a
process that dies with the test run (see ``graph/falkordb.py``), whatever ends it."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from insightbus.common.graph.falkordb import FalkorDBServer, FalkorDBUnavailable

__all__ = ["FalkorDBUnavailable", "run_falkordb"]


@contextlib.contextmanager
def run_falkordb(bolt_port: int | None = None, directory: Path | None = None) -> Iterator[str]:
    """Yield the ``bolt://`` URL of a fresh server; stop it afterwards. ``directory`` (kept):
    a server that persists there, as the embedded stack's does."""
    with contextlib.ExitStack() as cleanup:
        if directory is None:
            directory = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="falkordb-")))
            persistent = False
        else:
            persistent = True
        server = FalkorDBServer(directory, persistent=persistent, bolt_port=bolt_port)
        server.launch()  # here, in the caller's thread: the server ends with that thread
        cleanup.callback(server.stop)
        _wait(server)
        yield server.url


def _wait(server: FalkorDBServer) -> None:
    # In a thread of its own, so that callers may already run an event loop.
    failure: list[BaseException] = []

    def wait() -> None:
        try:
            asyncio.run(server.ready())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=wait, name="falkordb-ready")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
