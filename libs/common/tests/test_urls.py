"""The SSRF guard: URL syntax, and which resolved addresses may be reached."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from insightbus.common.urls import UnsafeUrl, check_url_syntax, ensure_public, public_addresses


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://Example.COM/hook?x=1#frag", "https://example.com/hook?x=1"),
        ("HTTP://example.com", "http://example.com/"),
        ("https://example.com:8443/a/b", "https://example.com:8443/a/b"),
        ("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com./", "https://example.com/"),
    ],
)
def test_good_urls_are_normalized(url: str, normalized: str) -> None:
    assert check_url_syntax(url) == normalized


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com", "only http and https"),
        ("example.com/hook", "only http and https"),
        ("https://user:pass@example.com/", "credentials"),
        ("https://user@example.com/", "credentials"),
        ("https:///path", "no host"),
        ("https://example.com:99999/", "malformed"),
        ("https://exa mple.com/", "whitespace"),
        ("https://example.com/\r\nX-Injected: 1", "whitespace"),
        ("https://example.com/" + "a" * 2100, "longer than"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        check_url_syntax(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://10.0.0.5/",
        "http://172.16.1.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.10.10/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://localhost:8000/",
    ],
)
async def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl, match="only public hosts"):
        await ensure_public(url)


async def test_public_addresses_pass() -> None:
    await ensure_public("https://93.184.215.14/hook")
    await ensure_public("http://[2606:4700:4700::1111]/")


@pytest.fixture
async def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A resolver answering from this table (the tests have no DNS)."""
    table: dict[str, list[str]] = {}
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, port: int, **_: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in table[host]
        ]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return table


async def test_a_host_is_refused_if_any_of_its_addresses_is_private(
    dns: dict[str, list[str]],
) -> None:
    dns["hooks.example.com"] = ["93.184.215.14"]
    dns["sneaky.example.com"] = ["93.184.215.14", "10.0.0.7"]
    dns["metadata.example.com"] = ["169.254.169.254"]
    assert await public_addresses("hooks.example.com", 443) == ["93.184.215.14"]
    await ensure_public("https://hooks.example.com/x")
    with pytest.raises(UnsafeUrl, match=r"10\.0\.0\.7, a private address"):
        await ensure_public("https://sneaky.example.com/x")
    with pytest.raises(UnsafeUrl, match="cloud metadata"):
        await ensure_public("https://metadata.example.com/x")
    with pytest.raises(UnsafeUrl, match=r"cannot resolve nowhere\.example\.com"):
        await ensure_public("https://nowhere.example.com/x")


async def test_the_allow_list_opens_hosts_and_networks_but_not_metadata(
    dns: dict[str, list[str]],
) -> None:
    dns["hooks.internal"] = ["10.1.2.3"]
    dns["meta.internal"] = ["169.254.169.254"]
    await ensure_public("http://127.0.0.1:9000/", ["127.0.0.1"])
    await ensure_public("http://[::1]:9000/", ["::1"])
    await ensure_public("http://10.1.2.3/", ["10.1.0.0/16"])
    await ensure_public("http://hooks.internal/", ["Hooks.Internal"])
    with pytest.raises(UnsafeUrl):
        await ensure_public("http://10.2.0.1/", ["10.1.0.0/16"])
    with pytest.raises(UnsafeUrl, match="cloud metadata"):
        await ensure_public("http://169.254.169.254/", ["169.254.0.0/16"])
    with pytest.raises(UnsafeUrl, match="cloud metadata"):
        await ensure_public("http://meta.internal/", ["meta.internal"])
    await ensure_public("http://169.254.169.254/", ["169.254.169.254"])  # only if named
