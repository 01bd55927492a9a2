"""Redis backend: several service processes share one Redis (or Redis Cluster).

Every key of a site carries the hash tag `{site}`, so all of a site's keys live in
one cluster slot and the Lua script below may touch them atomically. The script
applies the same rules as `rules.MemoryRules`; time comes from the caller (the
injectable clock), and TTLs only garbage-collect keys, they never decide a rule.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError

from . import rules

HIT_LUA = """
local now = tonumber(ARGV[1])
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], 120) end
if n > tonumber(ARGV[4]) then return {0, 0, 0} end
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - tonumber(ARGV[7]) - 3600))
local new_visit, new_view = 0, 0
local v = redis.call('GET', KEYS[3])
if (not v) or now - tonumber(v) >= tonumber(ARGV[5]) then
  redis.call('SET', KEYS[3], ARGV[1], 'EX', tonumber(ARGV[5]) + 60)
  redis.call('INCR', KEYS[5])
  redis.call('INCR', KEYS[6])
  redis.call('INCR', KEYS[7])
  new_visit = 1
end
local p = redis.call('GET', KEYS[4])
if (not p) or now - tonumber(p) >= tonumber(ARGV[6]) then
  redis.call('SET', KEYS[4], ARGV[1], 'EX', tonumber(ARGV[6]) + 60)
  redis.call('HINCRBY', KEYS[8], ARGV[3], 1)
  redis.call('ZINCRBY', KEYS[9], 1, ARGV[3])
  redis.call('EXPIRE', KEYS[9], tonumber(ARGV[8]))
  new_view = 1
end
return {1, new_visit, new_view}
"""

DAY_VIEWS_KEEP = 40 * 86400  # /v1/top looks back at most 31 days


class RedisStorage:
    name = "redis"

    def __init__(self, url: str):
        self.url = url
        self.r: aioredis.Redis | None = None
        self._salts: dict[tuple[str, str], bytes] = {}

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
        while self.pending or self.flushing:  # SIGTERM: answer every hit already taken
            await asyncio.sleep(0.005)
        if self.r is not None:
            await self.r.aclose()
            self.r = None

    async def ping(self) -> bool:
        return bool(await self.r.ping())

    async def salt(self, site: str, now: float) -> bytes:
        day = rules.day_key(now)
        s = self._salts.get((site, day))
        if s is not None:
            return s
        key = self.k(site, "salt", day)
        ttl = max(1, int(rules.day_start(day) + rules.SALT_KEEP - now))
        await self.r.set(key, secrets.token_bytes(32), nx=True, ex=ttl)
        s = await self.r.get(key)
        self._salts = {k: v for k, v in self._salts.items() if k[1] >= rules.yesterday_key(now)}
        self._salts[(site, day)] = s
        await self.housekeep(now, site)
        return s

    async def housekeep(self, now: float, site: str | None = None) -> None:
        """Delete salts 48 h after their day began (the TTL does it too, on real time)."""
        if site is None:
            return
        old = rules.day_keys_back(now, 10)[2:]
        await self.r.delete(*(self.k(site, "salt", d) for d in old))

    async def hit(self, site: str, visitor: str, path: str, now: float) -> rules.Outcome:
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
        ]
        args = [f"{now:.3f}", visitor, path, rules.RATE_LIMIT, rules.VISIT_WINDOW,
                rules.VIEW_WINDOW, rules.ONLINE_WINDOW, DAY_VIEWS_KEEP]
        fut = asyncio.get_running_loop().create_future()
        self.pending.append((keys, args, fut))
        if not self.flushing:
            self.flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        ok, nv, nw = await fut
        if not ok:
            return rules.Outcome(False, "rate_limited")
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
