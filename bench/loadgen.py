"""A small closed-loop HTTP/1.1 load generator: keep-alive connections, one request in flight
each. Lighter than an HTTP client library, so on a 2-core machine the server, not the
generator, is what gets measured.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    first_error: str | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _worker(
    host: str, port: int, request: bytes, deadline: float, counts: list[int], errors_seen: list[str]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            status = status_line.split(b" ")[1]
            counts[0 if status == b"200" else 1] += 1
            if status != b"200" and not errors_seen:
                errors_seen.append(status_line.decode(errors="replace").strip())
    finally:
        writer.close()


async def load(
    host: str,
    port: int,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    connections: int = 16,
    seconds: float = 5.0,
) -> LoadResult:
    head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode()
    counts = [0, 0]
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_worker(host, port, request, deadline, counts, errors) for _ in range(connections))
    )
    return LoadResult(
        counts[0], counts[1], time.perf_counter() - started, errors[0] if errors else None
    )
