"""Visitor identity without personal data.

visitor = HMAC-SHA256(daily salt, site \\0 client IP \\0 user agent), truncated.
The salt is random per local day, shared through the backend and deleted 48 h after
its day began, so yesterday's ids cannot be recomputed. Raw IP and UA are never stored.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress


def visitor_id(salt: bytes, site: str, ip: str, ua: str) -> str:
    msg = f"{site}\0{ip}\0{ua}".encode("utf-8", "surrogatepass")
    return hmac.new(salt, msg, hashlib.sha256).hexdigest()[:32]


@functools.lru_cache(maxsize=4096)
def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class ClientIP:
    """The socket peer, or X-Forwarded-For when the peer is a trusted proxy.

    X-Forwarded-For is read right to left, skipping trusted proxies, so a client
    cannot spoof its address by sending its own header through the proxy.
    """

    def __init__(self, trusted: list[str] | None = None):
        self.nets = [ipaddress.ip_network(t, strict=False) for t in (trusted or [])]

    def trusted(self, ip) -> bool:
        return ip is not None and any(ip in n for n in self.nets)

    def __call__(self, peer: str | None, xff: str | None) -> str:
        peer = peer or ""
        ip = _ip(peer)
        if not xff or not self.trusted(ip):
            return peer
        for part in reversed(xff.split(",")):
            hop = _ip(part)
            if hop is None:
                return peer  # malformed header: fall back to the proxy itself
            if not self.trusted(hop):
                return str(hop)
        return peer


@functools.lru_cache(maxsize=4096)
def network(ip: str) -> str:
    """The network a per-network cap keys on: an IPv4 address, or an IPv6 /64 (one
    subscriber's prefix: an IPv6 client can rotate through its /64 at will)."""
    a = _ip(ip)
    if a is None:
        return ip
    if a.version == 6:
        if a.ipv4_mapped:
            return str(a.ipv4_mapped)
        return str(ipaddress.ip_network(f"{a}/64", strict=False))
    return str(a)


def network_id(salt: bytes, site: str, ip: str) -> str:
    """Keyed hash (BLAKE2b, the daily salt as key) of the client's network: like a visitor
    id, never the raw address; BLAKE2b's keyed mode is one pass where HMAC takes two."""
    return "n" + hashlib.blake2b(f"{site}\0{network(ip)}".encode("utf-8", "surrogatepass"),
                                 key=salt, digest_size=16).hexdigest()
