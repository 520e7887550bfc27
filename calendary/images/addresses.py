"""Which resolved addresses an image download may connect to."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IpAddress]]]

# Cloud instance metadata endpoints: never reachable, whatever the allow-list says.
METADATA_ADDRESSES: frozenset[IpAddress] = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


async def resolve(host: str, port: int) -> list[IpAddress]:
    """All addresses the system resolver gives for `host` (an IP literal resolves to itself)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IpAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def refusal(address: IpAddress, allowed_hosts: frozenset[str]) -> str | None:
    """Why `address` may not be used, or None when it may.

    Non-public addresses (private, loopback, link-local, multicast, reserved, shared, unspecified)
    pass only when the address itself is allow-listed (e.g. `127.0.0.1` for local servers), so an
    allow-listed name that starts resolving to an internal address is still refused.
    """
    mapped = getattr(address, "ipv4_mapped", None)
    plain: IpAddress = mapped or address
    if plain in METADATA_ADDRESSES or address in METADATA_ADDRESSES:
        return "metadata address"
    if plain.is_global and not plain.is_multicast:
        return None
    if str(plain) in allowed_hosts or str(address) in allowed_hosts:
        return None
    return "non-public address"
