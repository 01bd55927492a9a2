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
SALT_KEEP = 48 * 3600      # a daily salt is deleted 48 h after its day began

# Reasons a well-formed hit is not counted (labels in /metrics).
DROP_REASONS = ("origin", "path", "bot", "prefetch", "rate_limited")


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


@dataclass
class Outcome:
    counted: bool          # False: dropped (reason set)
    reason: str = ""
    new_visit: bool = False
    new_view: bool = False


@dataclass
class MemoryRules:
    """The rules over in-process dicts (SQLite backend: one process owns the state).

    Keys hold visitor ids (HMACs), never raw IPs or user agents.
    """

    visits: dict = field(default_factory=dict)   # visitor -> start of current visit
    views: dict = field(default_factory=dict)    # (visitor, path) -> time of counted view
    seen: dict = field(default_factory=dict)     # visitor -> last hit (online)
    rate: dict = field(default_factory=dict)     # (visitor, minute bucket) -> hits
    _last_prune: float = 0.0

    def hit(self, visitor: str, path: str, now: float) -> Outcome:
        bucket = (visitor, rate_bucket(now))
        n = self.rate.get(bucket, 0) + 1
        self.rate[bucket] = n
        if n > RATE_LIMIT:
            return Outcome(False, "rate_limited")
        self.seen[visitor] = now
        out = Outcome(True)
        start = self.visits.get(visitor)
        if start is None or now - start >= VISIT_WINDOW:
            self.visits[visitor] = now
            out.new_visit = True
        key = (visitor, path)
        seen_at = self.views.get(key)
        if seen_at is None or now - seen_at >= VIEW_WINDOW:
            self.views[key] = now
            out.new_view = True
        if now - self._last_prune > 60:
            self.prune(now)
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
