"""A SecantusDB server (MongoDB wire protocol) on a free loopback port, for integration
tests. It installs from PyPI (``secantusdb``, a dev dependency); data is ephemeral."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from insightbus.common.lifetime import tied_to_this_process


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_binary() -> str:
    beside = Path(sys.executable).parent / "secantusd-py"
    found = str(beside) if beside.exists() else shutil.which("secantusd-py")
    if not found:
        raise RuntimeError("secantusd-py not found: install the dev dependency 'secantusdb'")
    return found


@contextlib.contextmanager
def run_secantus(timeout_s: float = 30.0) -> Iterator[str]:
    """Yield a ``mongodb://`` URL of a fresh server; stop it afterwards."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    port = _free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(  # noqa: S603
        [
            _server_binary(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            ":memory:",
            "--log-level",
            "WARNING",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        # Dies with the process that started it, even when that one is SIGKILLed.
        preexec_fn=tied_to_this_process(),
        process_group=0,
    )
    url = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(
                    f"secantusdb did not start (exit {process.poll()}):\n"
                    + log.read().decode(errors="replace")
                )
            try:
                client: MongoClient[dict[str, object]]
                with MongoClient(url, serverSelectionTimeoutMS=300) as client:
                    client.admin.command("ping")
                break
            except PyMongoError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
