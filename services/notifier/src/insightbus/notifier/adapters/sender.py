"""One delivery attempt over HTTP, refused unless it reaches a public (or allowed) address.

The SSRF check sits in the connection itself: the transport resolves the host, checks
every address (``insightbus.common.urls``) and connects to a checked one, so a DNS
answer cannot change between the check and the connection (DNS rebinding). Redirects are
never followed (a 3xx could point anywhere) and the environment's proxies are ignored.
"""

from __future__ import annotations

import asyncio
import itertools
import ssl
import time
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import httpcore
import httpx

from insightbus.common.urls import UnsafeUrl, check_url_syntax, public_addresses
from insightbus.notifier.domain.retry import retry_after

SNIPPET = 200  # characters of a failed response's body kept for the delivery log
MAX_BODY = 64 * 1024  # bytes of a response read at most


@dataclass(frozen=True)
class Attempt:
    status_code: int | None  # None: no HTTP answer
    error: str | None = None  # None: delivered
    retry_after_s: float | None = None

    @property
    def delivered(self) -> bool:
        return self.error is None

    @property
    def gone(self) -> bool:
        return self.status_code == 410


class _PublicOnly(httpcore.AsyncNetworkBackend):
    def __init__(self, allowed: Sequence[str]) -> None:
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last: Exception | None = None
        for address in await public_addresses(host, port, self._allowed):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None  # public_addresses returns at least one address
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeUrl("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PublicOnlyTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a connection pool whose connections go through ``_PublicOnly``
    (httpx has no public parameter for the network backend)."""

    def __init__(
        self, allowed: Sequence[str], max_connections: int, ssl_context: ssl.SSLContext
    ) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=_PublicOnly(allowed),
        )


class Sender:
    """Attempts go round-robin over a few clients: httpcore's pool does work per request in
    proportion to its connections, so small pools cost less CPU than one large one
    (bench/RESULTS.md, "Webhooks")."""

    def __init__(
        self, allowed: Sequence[str], timeout_s: float, pools: int = 8, pool_size: int = 32
    ) -> None:
        self._timeout = timeout_s
        # One context for every pool: loading the CA bundle takes ~40 ms a context.
        ssl_context = httpx.create_ssl_context(trust_env=False)
        self._clients = [
            httpx.AsyncClient(
                transport=_PublicOnlyTransport(allowed, pool_size, ssl_context),
                timeout=timeout_s,
                follow_redirects=False,
                trust_env=False,
                headers={"user-agent": "insightbus-webhooks/1"},
            )
            for _ in range(pools)
        ]
        self._turn = itertools.count()

    async def post(self, url: str, headers: Mapping[str, str], body: bytes) -> Attempt:
        try:
            check_url_syntax(url)
            async with (
                asyncio.timeout(self._timeout),  # the whole attempt, DNS and body included
                self._client().stream("POST", url, headers=headers, content=body) as response,
            ):
                snippet = await _snippet(response)
        except UnsafeUrl as exc:
            return Attempt(None, f"refused: {exc}")
        except (TimeoutError, httpx.TimeoutException):
            return Attempt(None, f"timed out after {self._timeout:g} s")
        except httpx.HTTPError as exc:
            return Attempt(None, f"connection failed: {exc or type(exc).__name__}")
        return _attempt(response, snippet)

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()

    def _client(self) -> httpx.AsyncClient:
        return self._clients[next(self._turn) % len(self._clients)]


def _attempt(response: httpx.Response, snippet: str) -> Attempt:
    code = response.status_code
    if response.is_success:
        return Attempt(code)
    if response.is_redirect or 300 <= code < 400:
        where = response.headers.get("location", "")
        return Attempt(code, f"HTTP {code} redirect{f' to {where}' if where else ''} not followed")
    wait = (
        retry_after(response.headers.get("retry-after"), time.time())
        if code in (429, 503)
        else None
    )
    return Attempt(code, f"HTTP {code}" + (f": {snippet}" if snippet else ""), wait)


async def _snippet(response: httpx.Response) -> str:
    """The start of the body, for the owner's log. A short body is read to its end, which
    keeps the connection for the next delivery; a long one is cut (and the connection with it)."""
    raw = b""
    async for chunk in response.aiter_bytes():
        raw += chunk
        if len(raw) > MAX_BODY:
            break
    text = raw.decode("utf-8", "replace")
    return " ".join(text.split())[:SNIPPET]
