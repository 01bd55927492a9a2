"""Redis backend: several service processes share one Redis (or Redis Cluster).

Every key that holds a visitor or network id expires (at most 61 minutes after the
last hit), and the daily salt is not in Redis at all (`salt.SaltStore`), so neither
Redis nor its AOF/RDB can link a count to an IP. Every key of a site carries the hash
tag `{site}`, so all of a site's keys live in
one cluster slot and the Lua script below may touch them atomically. The script
applies the same rules as `rules.MemoryRules`; time comes from the caller (the
injectable clock), and TTLs only garbage-collect keys, they never decide a rule.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError

from . import rules

HIT_LUA_TEMPLATE = """
local now = tonumber(ARGV[1])
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], 120) end
local m = redis.call('INCR', KEYS[10])
if m == 1 then redis.call('EXPIRE', KEYS[10], 120) end
if n > {RATE_LIMIT} then return {0, 1, 0} end
if m > {NET_RATE_LIMIT} then return {0, 2, 0} end
local new_visit, new_view = 0, 0
local v = redis.call('GET', KEYS[3])
if (not v) or now - tonumber(v) >= {VISIT_WINDOW} then
  local nv = tonumber(redis.call('GET', KEYS[11]) or '0')
  if nv >= {NET_VISIT_LIMIT} then return {0, 2, 0} end
  redis.call('SET', KEYS[11], nv + 1, 'EX', {NET_VISIT_TTL})
  redis.call('SET', KEYS[3], ARGV[1], 'EX', {VISIT_TTL})
  redis.call('INCR', KEYS[5])
  redis.call('INCR', KEYS[6])
  redis.call('INCR', KEYS[7])
  new_visit = 1
end
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - {ONLINE_KEEP}))
-- ids leave `online` with the key itself when traffic stops
redis.call('EXPIRE', KEYS[2], {ONLINE_KEEP})
local p = redis.call('GET', KEYS[4])
if (not p) or now - tonumber(p) >= {VIEW_WINDOW} then
  redis.call('SET', KEYS[4], ARGV[1], 'EX', {VIEW_TTL})
  redis.call('HINCRBY', KEYS[8], ARGV[3], 1)
  redis.call('ZINCRBY', KEYS[9], 1, ARGV[3])
  redis.call('EXPIRE', KEYS[9], {DAY_VIEWS_KEEP})
  new_view = 1
end
return {1, new_visit, new_view}
"""

DAY_VIEWS_KEEP = 40 * 86400  # /v1/top looks back at most 31 days
CLOSE_WAIT = 12.0  # seconds close() waits for queued hits (the whole SIGTERM budget: counter_service/lifecycle.py)
# The rules' constants are written into the script: each call sends only now, visitor, path.
_CONSTANTS = dict(
    RATE_LIMIT=rules.RATE_LIMIT, NET_RATE_LIMIT=rules.NET_RATE_LIMIT, NET_VISIT_LIMIT=rules.NET_VISIT_LIMIT,
    NET_VISIT_TTL=rules.NET_VISIT_PERIOD + 60, VISIT_WINDOW=rules.VISIT_WINDOW, VISIT_TTL=rules.VISIT_WINDOW + 60,
    VIEW_WINDOW=rules.VIEW_WINDOW, VIEW_TTL=rules.VIEW_WINDOW + 60, ONLINE_KEEP=rules.ONLINE_WINDOW + 3600,
    DAY_VIEWS_KEEP=DAY_VIEWS_KEEP)
HIT_LUA = HIT_LUA_TEMPLATE
for _k, _v in _CONSTANTS.items():
    HIT_LUA = HIT_LUA.replace("{" + _k + "}", str(_v))


class RedisStorage:
    name = "redis"

    def __init__(self, url: str):
        self.url = url
        self.r: aioredis.Redis | None = None
        self.write_error: tuple[float, str] | None = None
        self._swept = False

    @staticmethod
    def k(site: str, *parts: str) -> str:
        return "c:{" + site + "}:" + ":".join(parts)

    async def start(self) -> None:
        # Blocking pool: under a burst, requests wait for a free connection instead of failing.
        pool = aioredis.BlockingConnectionPool.from_url(self.url, max_connections=64, timeout=5, socket_timeout=5)
        self.r = aioredis.Redis(connection_pool=pool)
        self.sha = await self.r.script_load(HIT_LUA)
        self.pending: list = []
        self.flushing = False

    async def close(self) -> None:
        """SIGTERM: answer every hit already taken (restarting the flush if hits wait
        without one), for at most CLOSE_WAIT seconds; then unanswered hits get an error."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_WAIT
        while (self.pending or self.flushing) and loop.time() < deadline:
            if self.pending and not self.flushing:
                self.flushing = True
                loop.create_task(self._flush())
            await asyncio.sleep(0.005)
        for _k, _a, f in self.pending:
            if not f.done():
                f.set_exception(ConnectionError("service stopping"))
        self.pending = []
        if self.r is not None:
            await self.r.aclose()
            self.r = None

    async def ping(self) -> str:
        """'' when a hit can be stored now, else why not: a probe write (Redis refuses
        writes when its disk fails: MISCONF, AOF errors) and no failed hit in the last 30 s."""
        try:
            await self.r.set("c:health", f"{time.time():.0f}", ex=60)
        except Exception as e:
            return f"write failed: {type(e).__name__}: {e}"
        if self.write_error and time.monotonic() - self.write_error[0] < 30:
            return f"last hit failed: {self.write_error[1]}"
        return ""

    async def housekeep(self, now: float, site: str | None = None) -> None:
        """Salts of earlier versions were kept in Redis: delete any left."""
        if site is not None and not self._swept:
            self._swept = True
            old = [k async for k in self.r.scan_iter(match=self.k(site, "salt", "*"))]
            if old:
                await self.r.delete(*old)

    async def hit(self, site: str, visitor: str, net: str, path: str, now: float) -> rules.Outcome:
        day = rules.day_key(now)
        ph = hashlib.blake2b(path.encode(), digest_size=12).hexdigest()
        keys = [
            self.k(site, "rl", visitor, str(rules.rate_bucket(now))),
            self.k(site, "online"),
            self.k(site, "v", visitor),
            self.k(site, "pv", visitor, ph),
            self.k(site, "d", day),
            self.k(site, "m", rules.month_key(now)),
            self.k(site, "total"),
            self.k(site, "views"),
            self.k(site, "vd", day),
            self.k(site, "rn", net, str(rules.rate_bucket(now))),
            self.k(site, "nv", net, str(rules.visit_bucket(now))),
        ]
        args = [f"{now:.3f}", visitor, path]
        fut = asyncio.get_running_loop().create_future()
        self.pending.append((keys, args, fut))
        if not self.flushing:
            self.flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        ok, nv, nw = await fut
        if not ok:
            return rules.Outcome(False, "rate_limited" if nv == 1 else "network_limited")
        return rules.Outcome(True, new_visit=bool(nv), new_view=bool(nw))

    async def _flush(self) -> None:
        """Send the hits waiting now as one pipeline of script calls (one round trip,
        and redis-py's per-call overhead paid once per batch); hits that arrive
        meanwhile go in the next one. Each request is answered after Redis applied it."""
        try:
            while self.pending:
                batch, self.pending = self.pending[:1000], self.pending[1000:]
                try:
                    results = await self._run(batch)
                except Exception as e:
                    results = [e] * len(batch)
                bad = next((r for r in results if isinstance(r, Exception)), None)
                self.write_error = (time.monotonic(), f"{type(bad).__name__}: {bad}") if bad else None
                for (_k, _a, f), res in zip(batch, results):
                    if not f.done():
                        f.set_exception(res) if isinstance(res, Exception) else f.set_result(res)
        finally:
            self.flushing = False

    async def _run(self, batch) -> list:
        for attempt in (0, 1):
            pipe = self.r.pipeline(transaction=False)
            for keys, args, _f in batch:
                pipe.evalsha(self.sha, len(keys), *keys, *args)
            results = await pipe.execute(raise_on_error=False)
            if attempt == 0 and any(isinstance(r, NoScriptError) for r in results):
                self.sha = await self.r.script_load(HIT_LUA)  # Redis restarted or flushed its scripts
                continue
            return results
        return results

    async def counts(self, site: str, paths: list[str], now: float) -> dict:
        k = self.k
        this_m, last_m = rules.month_key(now), rules.last_month_key(now)
        pipe = self.r.pipeline(transaction=False)
        pipe.zcount(k(site, "online"), f"({now - rules.ONLINE_WINDOW}", now)
        pipe.mget(k(site, "d", rules.day_key(now)), k(site, "d", rules.yesterday_key(now)),
                  k(site, "m", this_m), k(site, "m", last_m), k(site, "total"))
        pipe.hmget(k(site, "imported"), "total", this_m, last_m)
        if paths:
            pipe.hmget(k(site, "views"), paths)
            pipe.hmget(k(site, "imported_views"), paths)
        res = await pipe.execute()
        online, (today, yday, tm, lm, total), (i_total, i_tm, i_lm) = res[0], res[1], res[2]
        views = {p: int(v or 0) + int(i or 0) for p, v, i in zip(paths, res[3], res[4], strict=True)} if paths else {}
        n = lambda v: int(v or 0)  # noqa: E731
        return {
            "online": int(online),
            "today": n(today),
            "yesterday": n(yday),
            "this_month": n(tm) + n(i_tm),
            "last_month": n(lm) + n(i_lm),
            "total": n(total) + n(i_total),
            "views": views,
        }

    async def top(self, site: str, days: int, now: float) -> list[tuple[str, int]]:
        keys = [self.k(site, "vd", d) for d in rules.day_keys_back(now, days)]
        res = await self.r.zunion(keys, withscores=True)
        items = [(p.decode(), int(s)) for p, s in res]
        items.sort(key=lambda t: (-t[1], t[0]))
        return items

    async def import_totals(self, site: str, total: int | None, months: dict[str, int],
                            views: dict[str, int] | None = None) -> None:
        mapping = dict(months)
        if total is not None:
            mapping["total"] = total
        if mapping:
            await self.r.hset(self.k(site, "imported"), mapping=mapping)
        items = list((views or {}).items())
        for i in range(0, len(items), 5000):
            await self.r.hset(self.k(site, "imported_views"), mapping=dict(items[i:i + 5000]))

    async def stored_visits(self, site: str) -> int:
        return int(await self.r.get(self.k(site, "total")) or 0)
