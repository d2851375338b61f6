"""A real HTTP receiver for webhook tests: uvicorn on loopback, recording every request and
answering from a script (200 once the script is spent)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from insightbus.common.messages import validate_webhook_body
from insightbus.common.testing.factories import serving


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay_s: float = 0.0  # before answering


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()
    wall: float  # time.time()


class Receiver:
    def __init__(self) -> None:
        self.port = 0
        self.requests: list[Received] = []
        self.invalid: list[str] = []  # webhook bodies that do not match their published model
        self._script: dict[str, list[Reply]] = defaultdict(list)
        self._arrived = asyncio.Event()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next requests to ``path`` with ``replies``, in order."""
        self._script[path].extend(replies)

    def at(self, path: str) -> list[Received]:
        assert not self.invalid, self.invalid
        return [r for r in self.requests if r.path == path]

    async def wait_for(
        self, count: int, path: str = "/hook", timeout: float = 5.0
    ) -> list[Received]:
        """The first ``count`` requests to ``path``, once they have arrived."""
        async with asyncio.timeout(timeout):
            while len(self.at(path)) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.at(path)[:count]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        if "webhook-id" in headers:
            try:
                validate_webhook_body(body)
            except ValidationError as exc:
                self.invalid.append(str(exc))
        self.requests.append(Received(scope["path"], headers, body, time.monotonic(), time.time()))
        self._arrived.set()
        script = self._script[scope["path"]]
        reply = script.pop(0) if script else Reply()
        await asyncio.sleep(reply.delay_s)
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.encode(), v.encode()) for k, v in reply.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})


@contextlib.asynccontextmanager
async def running_receiver(port: int | None = None) -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with serving(receiver, port) as url:
        receiver.port = int(url.rsplit(":", 1)[1])
        yield receiver
