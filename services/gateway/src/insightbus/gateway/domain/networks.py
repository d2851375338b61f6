"""IP allow-lists: the networks (CIDRs) an API key may be used from."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

MAX_NETWORKS = 50


def normalized_networks(cidrs: Iterable[str]) -> list[str]:
    """Each CIDR (or bare address) in canonical form, duplicates dropped; ``ValueError``
    names the first that is not one. Host bits set (``10.0.0.1/8``) are refused: the
    intent is unclear."""
    seen: list[str] = []
    for raw in cidrs:
        try:
            network = ipaddress.ip_network(raw.strip(), strict=True)
        except ValueError:
            raise ValueError(f"{raw!r} is not an IP network (give e.g. 203.0.113.0/24)") from None
        if str(network) not in seen:
            seen.append(str(network))
    if len(seen) > MAX_NETWORKS:
        raise ValueError(f"at most {MAX_NETWORKS} networks")
    return seen


def address_allowed(address: str | None, networks: Iterable[str]) -> bool:
    """Whether ``address`` is in one of ``networks``; no address (unknown) never is. An
    IPv4-mapped IPv6 address is matched as the IPv4 address it carries."""
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(n) for n in networks)
