"""Per-user channels at scale (issue 2/3 target: p99 under 200 ms).

    .venv/bin/python bench/user_sockets.py [--users 2000] [--spread 4] [--profile FILE]

A server process runs the embedded stack (every service, as ``make run`` does). This process
opens one authenticated ``WS /api/v1/ws/{user_id}`` per user, ``--users`` distinct users, all
connected at once. The server then publishes a ``tickets.classified`` event for every user on
its bus, and each socket's owner is told: the notifier's whole per-user path, from the bus
(through every consumer of the topic) to the socket. Two rounds:

- burst: all the events in one append, as if every user's job ended in the same instant;
- steady: the same number of events spread over ``--spread`` seconds;
- socket layer: the same notifications pushed straight into the notifier's user hub at once,
  without the bus: the floor that sockets, client and machine set for a burst.

Latency is from an event's publication to its socket's receipt (one machine, one clock; the
publish time rides in the event). Memory per connection is the server's RSS with every
socket open, less its RSS before, over the number of sockets.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-of-at-least-thirty-two-characters"


def _event(i: int) -> object:
    """User i's job has ended; the publish time rides in file_name, for the latency."""
    from insightbus.common.events.tickets import TicketsClassified

    now = datetime.now(UTC)
    return TicketsClassified(
        session_id=f"{i:032x}",
        user_id=f"user-{i}",
        file_name=f"{time.time():.6f}",
        started_at=now,
        completed_at=now,
        processing_time_ms=1.0,
        total_tickets=0,
        counts_by_category={},
        counts_by_priority={},
        tickets=(),
    )


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def serve(port: int, data_dir: str, profile: str | None) -> None:
    """The server side: the embedded stack, driven by commands on stdin."""
    import cProfile

    import uvicorn

    from insightbus.cli.embedded import build_process
    from insightbus.common.events import Envelope
    from insightbus.common.events.topics import TICKETS
    from insightbus.common.runtime import create_app
    from insightbus.common.settings import Settings
    from insightbus.notifier.bootstrap import NotifierService

    settings = Settings(data_dir=Path(data_dir), jwt_secret=SECRET, port=port)
    process = build_process(settings)
    app = create_app(process, title="bench")
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", ws_per_message_deflate=False
        )
    )
    task = asyncio.create_task(server.serve())
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    while line := (await reader.readline()).decode().split():
        if line[0] == "rss":
            gc.collect()
            print(json.dumps({"rss": rss_bytes()}), flush=True)
        elif line[0] == "fire":
            count, spread_s = int(line[1]), float(line[2])
            started = time.time()
            if spread_s < 0:  # the socket layer alone: straight into the notifier's user hub
                notifier = next(x for x in process.services if isinstance(x, NotifierService))
                for i in range(count):
                    notifier.users.notify(
                        f"user-{i}",
                        {"type": "tickets_classified", "file_name": f"{time.time():.6f}"},
                    )
            elif spread_s == 0:  # one burst: every user's event in one append
                envelopes = [Envelope.wrap(_event(i), source="bench") for i in range(count)]
                await process.bus.publish_many(TICKETS, envelopes)
            else:  # a steady stream over spread_s
                for i in range(count):
                    await asyncio.sleep(max(0.0, started + i * spread_s / count - time.time()))
                    await process.bus.publish(TICKETS, Envelope.wrap(_event(i), source="bench"))
            print(json.dumps({"publish_s": time.time() - started}), flush=True)
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    server.should_exit = True
    await task


async def clients(
    port: int, users: int, spread: float, server: subprocess.Popen[bytes]
) -> dict[str, float]:
    from websockets.asyncio.client import connect

    from insightbus.common.auth import TokenCodec, TokenKind
    from insightbus.common.settings import Settings

    codec = TokenCodec.from_settings(Settings(jwt_secret=SECRET))
    assert server.stdin is not None and server.stdout is not None

    def ask(command: str) -> dict[str, float]:
        server.stdin.write(f"{command}\n".encode())  # type: ignore[union-attr]
        server.stdin.flush()  # type: ignore[union-attr]
        return dict(json.loads(server.stdout.readline()))  # type: ignore[union-attr]

    before = ask("rss")["rss"]
    sockets = []
    opening = time.perf_counter()
    for start in range(0, users, 200):  # in waves, as a real crowd would arrive
        batch = [
            connect(
                f"ws://127.0.0.1:{port}/api/v1/ws/user-{i}",
                additional_headers={
                    "Authorization": f"Bearer {codec.issue(f'user-{i}', TokenKind.access)[0]}"
                },
                max_queue=None,
                compression=None,
            )
            for i in range(start, min(users, start + 200))
        ]
        sockets += await asyncio.gather(*batch)
    opened_s = time.perf_counter() - opening
    await asyncio.sleep(1)
    after = ask("rss")["rss"]

    async def round_(spread_s: float) -> tuple[list[float], float]:
        latencies: list[float] = []

        async def wait(socket: object) -> None:
            while True:
                message = json.loads(await socket.recv())  # type: ignore[attr-defined]
                if message.get("type") == "tickets_classified":
                    latencies.append((time.time() - float(message["file_name"])) * 1000)
                    return

        waiters = [asyncio.create_task(wait(s)) for s in sockets]
        fired = await asyncio.to_thread(ask, f"fire {users} {spread_s}")
        await asyncio.wait_for(asyncio.gather(*waiters), timeout=120)
        return sorted(latencies), fired["publish_s"]

    burst, burst_publish_s = await round_(0)
    steady, _ = await round_(spread)
    direct, _ = await round_(-1)
    for socket in sockets:
        await socket.close()
    return {
        "sockets": len(sockets),
        "open_all_s": round(opened_s, 2),
        "server_rss_before_mb": round(before / 2**20, 1),
        "server_rss_with_sockets_mb": round(after / 2**20, 1),
        "memory_per_connection_kb": round((after - before) / len(sockets) / 1024, 1),
        "burst_publish_s": round(burst_publish_s, 3),
        "burst_latency_p50_ms": round(statistics.median(burst), 1),
        "burst_latency_p99_ms": round(burst[int(0.99 * (len(burst) - 1))], 1),
        "burst_latency_max_ms": round(burst[-1], 1),
        "socket_layer_burst_p50_ms": round(statistics.median(direct), 1),
        "socket_layer_burst_p99_ms": round(direct[int(0.99 * (len(direct) - 1))], 1),
        "steady_rate_per_s": round(users / spread),
        "steady_latency_p50_ms": round(statistics.median(steady), 1),
        "steady_latency_p99_ms": round(steady[int(0.99 * (len(steady) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument(
        "--spread", type=float, default=4.0, help="seconds the steady round spreads its events over"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default="", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help="write the server's cProfile stats to this file")
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.port, args.data_dir, args.profile))
        return

    from tests.conftest import free_port

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", "--port", str(port), "--data-dir", tmp]
            + (["--profile", args.profile] if args.profile else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "INSIGHTBUS_LOG_LEVEL": "WARNING"},
        )
        try:
            _wait_up(port, server)
            figures = asyncio.run(clients(port, args.users, args.spread, server))
        finally:
            assert server.stdin is not None
            server.stdin.close()
            server.wait(30)
    print(json.dumps(figures, indent=2))


def _wait_up(port: int, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not come up")


if __name__ == "__main__":
    main()
