"""Counting rules, pure: no I/O, no clock of their own (callers pass `now`).

The Redis backend implements the same rules in one Lua script (storage_redis.py);
tests run the same HTTP suite against both backends.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

VISIT_WINDOW = 30 * 60     # a visit: first hit of a visitor within 30 minutes
VIEW_WINDOW = 30 * 60      # a view: once per visitor and path per 30 minutes
ONLINE_WINDOW = 5 * 60     # "Đang truy cập": distinct visitors seen in the last 5 minutes
RATE_LIMIT = 30            # hits per visitor per minute; more are dropped
RATE_PERIOD = 60
# Per network (an IPv4 address, an IPv6 /64), whatever the user agent: a school or a
# commune office behind one NAT stays under these (docs/counter.md, "Per-network cap",
# measured by scripts/bench_counter_nat.py); one machine rotating user agents does not.
NET_RATE_LIMIT = 600       # hits per network per minute
NET_VISIT_LIMIT = 200      # new visits counted per network per clock hour
NET_VISIT_PERIOD = 3600
SALT_KEEP = 48 * 3600      # a daily salt is deleted 48 h after its day began

# Reasons a well-formed hit is not counted (labels in /metrics).
DROP_REASONS = ("origin", "path", "bot", "prefetch", "rate_limited", "network_limited")


def local(now: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(now, TZ)


def day_key(now: float) -> str:
    return _day_of_minute(int(now // 60))


@functools.lru_cache(maxsize=256)
def _day_of_minute(minute: int) -> str:
    # Local days start on a whole minute (UTC+7), so the minute decides the day; cached
    # because every hit needs it.
    return local(minute * 60).strftime("%Y-%m-%d")


def month_key(now: float) -> str:
    return day_key(now)[:7]


def yesterday_key(now: float) -> str:
    return (local(now).date() - dt.timedelta(days=1)).isoformat()


def last_month_key(now: float) -> str:
    """Previous calendar month; in January that is December of the previous year."""
    d = local(now).date().replace(day=1) - dt.timedelta(days=1)
    return d.strftime("%Y-%m")


def day_keys_back(now: float, days: int) -> list[str]:
    """Today and the days-1 days before it, newest first."""
    today = local(now).date()
    return [(today - dt.timedelta(days=i)).isoformat() for i in range(days)]


def day_start(day: str) -> float:
    """Epoch seconds of local midnight starting `day` (YYYY-MM-DD)."""
    return dt.datetime.fromisoformat(day).replace(tzinfo=TZ).timestamp()


def rate_bucket(now: float) -> int:
    return int(now // RATE_PERIOD)


def visit_bucket(now: float) -> int:
    return int(now // NET_VISIT_PERIOD)


@dataclass
class Outcome:
    counted: bool          # False: dropped (reason set)
    reason: str = ""
    new_visit: bool = False
    new_view: bool = False


@dataclass
class MemoryRules:
    """The rules over in-process dicts (SQLite backend: one process owns the state).

    Keys hold visitor and network ids (HMACs), never raw IPs or user agents.
    Nothing that a count depends on is recorded before the hit is stored: `plan`
    decides a batch of hits against the state of stored hits, the caller commits the
    batch, and only then `apply`s it. A batch whose commit failed leaves no trace, so
    its retry counts exactly once. Only the rate limits (abuse control) count every
    arriving hit, in `admit`.
    """

    visits: dict = field(default_factory=dict)   # visitor -> start of current visit
    views: dict = field(default_factory=dict)    # (visitor, path) -> time of counted view
    seen: dict = field(default_factory=dict)     # visitor -> last stored hit (online)
    rate: dict = field(default_factory=dict)     # (visitor, minute bucket) -> hits
    net_rate: dict = field(default_factory=dict)    # (network, minute bucket) -> hits
    net_visits: dict = field(default_factory=dict)  # (network, hour bucket) -> visits counted
    _last_prune: float = 0.0

    def admit(self, visitor: str, net: str, now: float) -> str:
        """Rate limits, counted for every hit as it arrives: '' or the drop reason."""
        b = int(now // RATE_PERIOD)
        k, kn = (visitor, b), (net, b)
        n = self.rate[k] = self.rate.get(k, 0) + 1
        m = self.net_rate[kn] = self.net_rate.get(kn, 0) + 1
        if n > RATE_LIMIT:
            return "rate_limited"
        if m > NET_RATE_LIMIT:
            return "network_limited"
        return ""

    def unadmit(self, visitor: str, net: str, now: float) -> None:
        """Take back a hit's rate-limit count when it was answered 503: retries of a hit
        that could not be stored must not run into the limit and be dropped."""
        b = rate_bucket(now)
        for d, k in ((self.rate, (visitor, b)), (self.net_rate, (net, b))):
            if d.get(k, 0) > 0:
                d[k] -= 1

    def plan(self, hits) -> tuple[list[Outcome], dict]:
        """Decide hits [(visitor, net, path, now)] in order, against the applied state and
        the earlier hits of the same batch. Returns the outcomes and the changes to `apply`."""
        visits, views, seen, netv = {}, {}, {}, {}
        base_visits, base_views, base_netv = self.visits, self.views, self.net_visits
        outs = []
        for visitor, net, path, now in hits:
            start = visits.get(visitor) or base_visits.get(visitor)
            new_visit = start is None or now - start >= VISIT_WINDOW
            if new_visit:
                nk = (net, int(now // NET_VISIT_PERIOD))
                nv = netv.get(nk) or base_netv.get(nk, 0)
                if nv >= NET_VISIT_LIMIT:
                    outs.append(Outcome(False, "network_limited"))
                    continue
                netv[nk] = nv + 1
                visits[visitor] = now
            key = (visitor, path)
            seen_at = views.get(key) or base_views.get(key)
            new_view = seen_at is None or now - seen_at >= VIEW_WINDOW
            if new_view:
                views[key] = now
            seen[visitor] = now
            outs.append(Outcome(True, "", new_visit, new_view))
        return outs, {"visits": visits, "views": views, "seen": seen, "net_visits": netv}

    def apply(self, changes: dict, now: float) -> None:
        """Record a planned batch once it is stored."""
        self.visits.update(changes["visits"])
        self.views.update(changes["views"])
        self.net_visits.update(changes["net_visits"])
        self.seen.update(changes["seen"])
        if now - self._last_prune > 60:
            self.prune(now)

    def hit(self, visitor: str, path: str, now: float, net: str = "") -> Outcome:
        """admit + plan + apply in one step (no storage in between): for tests of the rules."""
        reason = self.admit(visitor, net or visitor, now)
        if reason:
            return Outcome(False, reason)
        (out,), changes = self.plan([(visitor, net or visitor, path, now)])
        self.apply(changes, now)
        return out

    _online: tuple = (None, 0)

    def online(self, now: float) -> int:
        # Every page view asks; with thousands online, count at most once per second.
        if self._online[0] == int(now):
            return self._online[1]
        n = sum(1 for t in self.seen.values() if now - ONLINE_WINDOW < t <= now)
        self._online = (int(now), n)
        return n

    def prune(self, now: float) -> None:
        """Forget state no rule can use any more (bounded memory)."""
        self._last_prune = now
        self.visits = {k: t for k, t in self.visits.items() if now - t < VISIT_WINDOW}
        self.views = {k: t for k, t in self.views.items() if now - t < VIEW_WINDOW}
        self.seen = {k: t for k, t in self.seen.items() if now - t < ONLINE_WINDOW}
        b = rate_bucket(now)
        self.rate = {k: n for k, n in self.rate.items() if k[1] >= b - 1}
        self.net_rate = {k: n for k, n in self.net_rate.items() if k[1] >= b - 1}
        h = visit_bucket(now)
        self.net_visits = {k: n for k, n in self.net_visits.items() if k[1] >= h - 1}
