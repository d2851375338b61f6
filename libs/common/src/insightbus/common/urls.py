"""The SSRF guard for URLs that users give us and that we then call (webhooks, callbacks).

Two steps: ``check_url_syntax`` (cheap, no I/O: at input) and ``ensure_public`` (resolves
the host: at input and again before each call, since DNS answers change). A caller that
connects should connect to the very addresses ``public_addresses`` checked, so that a DNS
answer cannot change between the check and the connection (DNS rebinding).

``allowed`` names hosts (``"hooks.internal"``) or networks (``"10.1.0.0/16"``,
``"127.0.0.1"``) that may be reached although they are not public: on-premises receivers,
tests. Cloud metadata addresses are refused even inside an allowed network, unless the
address itself is listed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from insightbus.common.errors import Invalid

MAX_URL_LENGTH = 2048

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata services: reaching one from a server can leak its cloud credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "169.254.169.253",  # AWS DNS resolver
        "fd00:ec2::254",  # AWS IPv6
        "fd00:ec2::23",
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
# Where an IPv6 address carries an IPv4 one that the network would end up reaching.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    """The URL is malformed or would reach a non-public address. The message is safe to
    show to the user who gave the URL."""


def check_url_syntax(url: str) -> str:
    """The URL, normalized (scheme and host lower-cased, no fragment); raises ``UnsafeUrl``
    unless it is an absolute http(s) URL with a host and no user info."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise UnsafeUrl("the URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeUrl("only http and https URLs are allowed")
    if "@" in parts.netloc:
        raise UnsafeUrl("credentials in the URL are not allowed")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeUrl("the URL has no host")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UnsafeUrl("the URL's host is not a valid domain name") from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


async def ensure_public(url: str, allowed: Sequence[str] = ()) -> None:
    """Raise ``UnsafeUrl`` unless every address the URL's host resolves to is public
    (or allowed)."""
    parts = urlsplit(check_url_syntax(url))
    assert parts.hostname is not None  # checked above
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await public_addresses(parts.hostname, port, allowed)


async def public_addresses(host: str, port: int, allowed: Sequence[str] = ()) -> list[str]:
    """The addresses ``host`` resolves to, once each is known to be safe to connect to;
    raises ``UnsafeUrl`` if any is not (one bad answer is enough: a client may pick it)."""
    host = host.strip("[]").rstrip(".").lower()
    names, networks = _allow_list(allowed)
    addresses = await _resolve(host, port)
    for address in addresses:
        problem = _problem(address, networks, host_allowed=host in names)
        if problem is not None:
            raise UnsafeUrl(
                f"{host} resolves to {address}, {problem}; only public hosts are allowed"
            )
    return [str(a) for a in addresses]


def _allow_list(
    allowed: Sequence[str],
) -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in allowed:
        entry = entry.strip().strip("[]").rstrip(".").lower()
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            if entry:
                names.add(entry)
    return names, networks


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"cannot resolve {host}") from None
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])  # drop a zone id
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl(f"cannot resolve {host}")
    return addresses


def _problem(
    address: IPAddress,
    networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network],
    host_allowed: bool = False,
) -> str | None:
    """Why ``address`` may not be reached, or None."""
    if address in METADATA_ADDRESSES:
        # Only an exact entry allows it: neither an allowed name nor a broad private
        # range may open it by accident.
        exact = any(n.num_addresses == 1 and n.network_address == address for n in networks)
        return None if exact else "a cloud metadata address"
    if host_allowed or any(address.version == n.version and address in n for n in networks):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None
        )
        if embedded is not None:
            return _problem(embedded, networks, host_allowed)
    for flag, why in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, flag):
            return why
    if not address.is_global:
        return "not a public address"
    return None


async def require_public_url(url: str, field: str, allowed: Sequence[str] = ()) -> str:
    """The policy for a URL a user gives us to call: normalized and public (or allowed),
    else ``Invalid`` (422) naming ``field``, the same answer on every route that takes one."""
    try:
        url = check_url_syntax(url)
        await ensure_public(url, allowed)
    except UnsafeUrl as exc:
        raise Invalid(
            f"{field} refused: {exc}",
            [{"loc": ["body", field], "msg": str(exc), "type": "unsafe_url"}],
        ) from None
    return url
