"""uvicorn's httptools protocol with the limits a service facing the internet needs
when no proxy is in front (issue: header floods, slowloris, file-descriptor exhaustion).

- request line + headers over MAX_HEAD bytes: 431 and the connection closed;
- headers must arrive within HEADER_TIMEOUT of the connection (or of the previous
  response), a body within BODY_TIMEOUT of its headers; idle keep-alive is uvicorn's
  timeout_keep_alive;
- at most `max_connections` open connections (derived from the open-file limit) and
  `per_ip` from one peer address (trusted proxies exempt): a new connection over
  either is closed at once, so clients already served keep being served.

The limits travel in the COUNTER_SERVICE_LIMITS environment variable, so uvicorn's
worker processes read the same ones.
"""

from __future__ import annotations

import collections
import ipaddress
import json
import os
import resource

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD = 8 * 1024
HEAD_SLACK = 4 * 1024   # a read may carry the (≤ 2 KB) body after the headers
HEADER_TIMEOUT = 5.0
BODY_TIMEOUT = 5.0
FD_RESERVE = 64         # files kept free for SQLite, Redis, logs, the listening socket
ENV = "COUNTER_SERVICE_LIMITS"

stats = {"refused_connections": 0, "header_too_large": 0, "timed_out": 0}
_per_ip: collections.Counter = collections.Counter()
_limits: dict | None = None
_RESPONSE_431 = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n"
                 b"connection: close\r\n\r\n")


def raise_fd_limit() -> int:
    """Soft open-file limit raised to the hard one; returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def limits_for(max_connections: int, per_ip: int, trusted: list[str], nofile: int) -> dict:
    cap = max(8, nofile - FD_RESERVE)
    cap = min(cap, max_connections) if max_connections else min(cap, 4096)
    per_ip = per_ip or max(4, min(64, cap // 4))
    return {"max_connections": cap, "per_ip": per_ip, "trusted": trusted}


def configure(limits: dict) -> None:
    global _limits
    os.environ[ENV] = json.dumps(limits)
    _limits = None


def limits() -> dict:
    global _limits
    if _limits is None:
        raw = json.loads(os.environ.get(ENV) or "{}") or limits_for(0, 0, [], raise_fd_limit())
        raw["nets"] = [ipaddress.ip_network(t, strict=False) for t in raw.get("trusted", [])]
        _limits = raw
    return _limits


def _trusted(ip: str, nets) -> bool:
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(a in n for n in nets)


def _sweep(loop, connections) -> None:
    """Once a second: abort connections past their deadline. A deadline is a float set
    per request (cheaper than a timer per request on the hot path)."""
    now = loop.time()
    for c in list(connections):
        d = getattr(c, "_deadline", None)
        if d is not None and now > d and not c.transport.is_closing():
            stats["timed_out"] += 1
            c.transport.abort()
    loop.call_later(1.0, _sweep, loop, connections)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    _sweeping: set = set()  # ids of the connection sets (one per server) a sweep runs for

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        lim = limits()
        self._in_head = True
        self._head = 0
        self._deadline = self.loop.time() + HEADER_TIMEOUT
        if id(self.connections) not in self._sweeping:
            self._sweeping.add(id(self.connections))
            self.loop.call_later(1.0, _sweep, self.loop, self.connections)
        ip = self.client[0] if self.client else ""
        self._ip = None if _trusted(ip, lim["nets"]) else ip
        if self._ip is not None:
            _per_ip[ip] += 1
        if len(self.connections) > lim["max_connections"] or (
                self._ip is not None and _per_ip[ip] > lim["per_ip"]):
            stats["refused_connections"] += 1
            transport.abort()

    def connection_lost(self, exc) -> None:
        self._deadline = None
        if self._ip is not None:
            _per_ip[self._ip] -= 1
            if _per_ip[self._ip] <= 0:
                del _per_ip[self._ip]
            self._ip = None
        super().connection_lost(exc)

    # -- header size --------------------------------------------------------------------
    def _too_large(self) -> None:
        stats["header_too_large"] += 1
        self._deadline = None
        self.transport.write(_RESPONSE_431)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            if self.transport.is_closing():
                return
            self._head += len(data)
            if self._head > MAX_HEAD + HEAD_SLACK:
                return self._too_large()
            super().data_received(data)
            if self._in_head and self._head > MAX_HEAD and not self.transport.is_closing():
                self._too_large()
        else:
            super().data_received(data)

    # -- parser callbacks: the deadline of the part of the request being read ---------------
    def on_headers_complete(self) -> None:
        self._in_head = False
        self._deadline = self.loop.time() + BODY_TIMEOUT
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._deadline = None  # the app's own time is not limited here
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # idle keep-alive is uvicorn's timeout_keep_alive; then the next headers get HEADER_TIMEOUT
        self._in_head = True
        self._head = 0
        self._deadline = self.loop.time() + self.timeout_keep_alive + HEADER_TIMEOUT
        super().on_response_complete()
